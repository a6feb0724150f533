import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/** Where a command writes, and how: colours on or off, and the terminal width when there is one. */
export interface Output {
  colors: Colors;
  /** Columns of the terminal stdout is attached to; undefined when stdout is a pipe or file. */
  columns: number | undefined;
  out(line?: string): void;
  err(line?: string): void;
}

export function createOutput(noColor: boolean): Output {
  const stdout = process.stdout;
  return {
    colors: pc.createColors(!noColor && colorsWanted(process.env)),
    columns: stdout.isTTY ? stdout.columns : undefined,
    out: (line = '') => void stdout.write(line + '\n'),
    err: (line = '') => void process.stderr.write(line + '\n'),
  };
}

/**
 * picocolors honours NO_COLOR, CI and whether stdout is a TTY, but takes any FORCE_COLOR as "on";
 * Node itself (and chalk) read FORCE_COLOR=0 or false as "off", which is how CI configs ask for plain logs.
 */
function colorsWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  return pc.isColorSupported;
}

/** Visible width of a string: ANSI colour codes take no columns. */
export function visibleLength(text: string): number {
  return stripAnsi(text).length;
}

export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Cut `text` to `width` visible columns, ending in `…`; colour codes are kept and closed. */
export function truncateVisible(text: string, width: number | undefined): string {
  if (width === undefined || visibleLength(text) <= width) return text;
  let visible = 0;
  let result = '';
  for (let index = 0; index < text.length; ) {
    const code = /^\u001b\[[0-9;]*m/.exec(text.slice(index));
    if (code) {
      result += code[0];
      index += code[0].length;
      continue;
    }
    if (visible === width - 1) break;
    result += text[index];
    visible++;
    index++;
  }
  return result.includes('\u001b[') ? `${result}…\u001b[0m` : `${result}…`;
}
