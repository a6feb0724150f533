import pc from 'picocolors';
import type { Logger } from './types.js';

/** The last `capacity` lines of one micro, for error messages and error pages. */
export class LogRing {
  private lines: string[] = [];
  constructor(private readonly capacity: number) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  tail(n: number): string[] {
    return n <= 0 ? [] : this.lines.slice(-n);
  }
}

/** Micro output on stdout, the rest (micro stderr, notices about micros) on stderr. */
export const consoleLogger: Logger = {
  info: (message) => write(process.stdout, message),
  warn: (message) => write(process.stderr, message),
  error: (message) => write(process.stderr, message),
};

function write(stream: NodeJS.WriteStream, message: string): void {
  try {
    stream.write(`${message}\n`);
  } catch {
    // A closed terminal must not take the host down.
  }
}

const PALETTE = [pc.cyan, pc.magenta, pc.yellow, pc.blue, pc.green, pc.red];

/**
 * Formats lines for the logger: `name | line` for stdout, `name ! line` for stderr and
 * `name > text` for the supervisor's own notices, names padded to one width. Colours only for
 * the console logger on a colour terminal; a plugged-in logger gets plain text.
 */
export class LinePrinter {
  private readonly width: number;
  private readonly colour: boolean;

  constructor(
    private readonly logger: Logger,
    names: string[],
  ) {
    this.width = Math.max(0, ...names.map((n) => n.length));
    this.colour = logger === consoleLogger && pc.isColorSupported;
  }

  output(micro: string, stream: 'stdout' | 'stderr', line: string): void {
    if (stream === 'stdout') this.logger.info(this.prefix(micro, '|') + line);
    else this.logger.error(this.prefix(micro, this.colour ? pc.red('!') : '!') + line);
  }

  notice(micro: string, level: keyof Logger, text: string): void {
    this.logger[level](this.prefix(micro, '>') + text);
  }

  private prefix(micro: string, mark: string): string {
    const name = micro.padEnd(this.width);
    return `${this.colour ? colourFor(micro)(name) : name} ${mark} `;
  }
}

/** The same colour for a micro on every run: picked by a hash of its name. */
function colourFor(name: string): (text: string) => string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}
