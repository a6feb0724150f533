import type { MicroSnapshot } from '../../router/types.js';
import { MicroError, type Logger } from '../../supervisor/types.js';
import { reportError } from '../errors.js';
import { truncateVisible, visibleLength, type Output } from '../output.js';
import { renderTable } from '../table.js';
import { parseLogLine } from './log-line.js';
import { microUrl, seconds, SIGNIN_PATH, type DevReporter, type MicroPlan } from './reporter.js';

/** Log lines kept while micros start; a chatty micro must not grow memory without bound. */
const MAX_HELD_LINES = 1000;

type Level = keyof Logger;

const MARK = { stdout: '|', stderr: '!', notice: '>' } as const;

/**
 * Human output: one line per micro state change while starting (no cursor tricks, so it reads the
 * same in a terminal, a pipe and a CI log), then the table, then the micros' logs.
 */
export function createTextReporter(output: Output, quiet: boolean): DevReporter {
  const { colors } = output;
  let plans: MicroPlan[] = [];
  let names: string[] = [];
  let nameWidth = 0;
  let auth = false;
  /** False while micros start: their log lines are held until the table is out. */
  let running = false;
  const held: Array<{ level: Level; message: string; micro?: string }> = [];
  /** Micros whose lines are shown at once even while starting: they crashed, and their lines say why. */
  const live = new Set<string>();
  let dropped = 0;
  /** Micros that restarted or failed and have not been ready since. */
  const troubled = new Set<string>();
  /**
   * Micros that failed while starting, and their failure notice: held for `failed()`, which prints the
   * same words as the startup error with command, port and log tail, so it is not printed twice.
   */
  const failedAtStart = new Set<string>();
  const failureNotices: Array<{ micro: string; message: string; text: string }> = [];

  const line = (text: string) => output.out(truncateVisible(text, output.columns));
  // A URL is what the user clicks or copies: a narrow terminal loses the remark after it, never the URL.
  const urlLine = (withUrl: string, remark: string) =>
    output.out(output.columns === undefined || visibleLength(withUrl + remark) <= output.columns ? withUrl + remark : withUrl);
  const name = (micro: string): string => colors.bold(micro.padEnd(nameWidth));
  const runs = (micro: string) => plans.find((plan) => plan.name === micro)?.runs;
  const print = (level: Level, message: string) => {
    const parsed = parseLogLine(message, names);
    const tone = level === 'error' ? colors.red : level === 'warn' ? colors.yellow : (text: string) => text;
    if (parsed.micro === undefined) return level === 'info' ? output.out(message) : output.err(tone(message));
    const prefix = `${colourFor(parsed.micro)(parsed.micro.padEnd(nameWidth))} ${colors.dim(MARK[parsed.stream!])} `;
    // A micro's stderr is often just its logging: shown as written, only its mark tells it apart.
    if (parsed.stream === 'stdout') output.out(prefix + parsed.text);
    else if (parsed.stream === 'stderr') output.err(prefix + parsed.text);
    else if (level === 'info') output.out(prefix + parsed.text);
    else output.err(prefix + tone(parsed.text));
  };
  const log = (level: Level) => (message: string) => {
    if (quiet && level === 'info') return;
    const parsed = parseLogLine(message, names);
    const micro = parsed.micro;
    // Only output is held: a notice (a micro on the wrong port, restarting) is the diagnosis the user
    // waits for, and holding it until the ready timeout hid it for a minute.
    const notice = level !== 'info' && parsed.stream !== 'stdout' && parsed.stream !== 'stderr';
    if (!running && notice && level === 'error' && micro !== undefined && failedAtStart.delete(micro)) {
      failureNotices.push({ micro, message, text: parsed.text });
      return;
    }
    if (running || notice || (micro !== undefined && live.has(micro))) return print(level, message);
    if (held.length < MAX_HELD_LINES) held.push({ level, message, micro });
    else dropped++;
  };
  const release = (micro: string) => {
    live.add(micro);
    const mine = held.filter((entry) => entry.micro === micro);
    held.splice(0, held.length, ...held.filter((entry) => entry.micro !== micro));
    for (const entry of mine) print(entry.level, entry.message);
  };
  /** Failure notices not repeated by `reported`, the startup error about to be printed (if any). */
  const releaseFailureNotices = (reported?: unknown) => {
    for (const notice of failureNotices.splice(0)) {
      const repeated = reported instanceof MicroError && reported.micro === notice.micro && reported.message.startsWith(notice.text);
      if (!repeated) print('error', notice.message);
    }
  };
  const flush = () => {
    releaseFailureNotices();
    for (const { level, message } of held.splice(0)) print(level, message);
    if (dropped > 0) output.err(colors.dim(`(${dropped} earlier log lines not shown)`));
    dropped = 0;
    running = true;
  };

  const stateLine = (micro: MicroSnapshot, elapsedMs: number): string => {
    const label = name(micro.name);
    switch (micro.state) {
      case 'starting':
        return `  ${colors.dim('◌')} ${label}  ${colors.dim('starting')}`;
      case 'ready': {
        const where = micro.port === undefined ? 'static files' : `port ${micro.port}`;
        return `  ${colors.green('✓')} ${label}  ${colors.green('ready')} ${seconds(elapsedMs).padStart(6)}  ${colors.dim(where)}`;
      }
      case 'restarting':
        return `  ${colors.yellow('↻')} ${label}  ${colors.yellow('restarting')}`;
      case 'failed':
        return `  ${colors.red('✖')} ${label}  ${colors.red('failed')} ${seconds(elapsedMs).padStart(5)}`;
      case 'stopped':
        return `  ${colors.dim('·')} ${label}  ${colors.dim('stopped')}`;
    }
  };

  return {
    logger: { info: log('info'), warn: log('warn'), error: log('error') },

    begin(run) {
      const micros = run.micros;
      auth = run.auth;
      plans = micros;
      names = micros.map((micro) => micro.name);
      nameWidth = Math.max(...names.map((name) => name.length));
      if (quiet) return;
      const skipped = micros.filter((micro) => micro.runs === 'skipped').map((micro) => micro.name);
      const note = skipped.length === 0 ? names.join(', ') : `${names.join(', ')}; ${skipped.join(', ')} not started`;
      line(`${colors.bold('space-router dev')}  ${run.spacefile}  ${colors.dim(`(${note})`)}`);
    },

    listening(url) {
      if (!quiet) urlLine(colors.dim(`  listening on ${url}`), colors.dim('; starting micros…'));
    },

    state(micro, elapsedMs) {
      if (runs(micro.name) === 'skipped') return;
      if (!running && micro.state === 'failed') failedAtStart.add(micro.name);
      if (!running && (micro.state === 'restarting' || micro.state === 'failed')) release(micro.name);
      if (micro.state === 'failed' || micro.state === 'restarting') troubled.add(micro.name);
      // Quiet: only trouble, and recovery from it, is worth a line.
      const recovered = micro.state === 'ready' && troubled.delete(micro.name);
      if (quiet && micro.state !== 'failed' && micro.state !== 'restarting' && !recovered) return;
      line(stateLine(micro, elapsedMs));
    },

    waiting(micro, elapsedMs) {
      if (!quiet) line(`  ${colors.dim('◌')} ${name(micro.name)}  ${colors.dim(`still starting ${seconds(elapsedMs)}`)}`);
      // A slow micro's own lines (a build, an error it keeps running after) say why it is slow.
      if (!running) release(micro.name);
    },

    ready(micros, url, elapsedMs) {
      if (!quiet) {
        output.out();
        const rows = micros.map((micro) => [
          micro.name,
          micro.path,
          microUrl(url, micro),
          micro.port === undefined ? '-' : String(micro.port),
          runs(micro.name) === 'skipped' ? 'not started' : micro.state,
        ]);
        const table = renderTable(['MICRO', 'PATH', 'URL', 'PORT', 'STATE'], rows, {
          colors,
          maxWidth: output.columns,
          // Origin plus path: the ➜ line shows the origin when there is no room for it on every row.
          optional: 2,
          paint: (row, column, text) =>
            column === 0 ? colors.bold(text) : column === 4 ? stateColor(rows[row]?.[4], text) : text,
        });
        for (const tableLine of table) output.out(tableLine);
        output.out();
      }
      urlLine(`  ${colors.green('➜')} ${colors.bold(url)}`, `  ${colors.dim(`ready in ${seconds(elapsedMs)} · Ctrl-C to stop`)}`);
      if (auth && !quiet) urlLine(`  ${colors.green('➜')} auth on: sign in at ${url}${SIGNIN_PATH}`, '');
      if (!quiet) output.out();
      flush();
    },

    failed(error) {
      releaseFailureNotices(error);
      flush();
      reportError(error, output, 'dev');
    },

    stopping(forced) {
      releaseFailureNotices();
      if (quiet && !forced) return;
      if (forced) output.err(colors.yellow('  forced stop: not waiting for a clean shutdown'));
      else line(colors.dim('\n  stopping micros… (press Ctrl-C again to force)'));
    },

    stopped() {
      if (!quiet) line(`  ${colors.green('✓')} stopped`);
    },
  };

  /** The same colour for a micro on every run, picked from its name. */
  function colourFor(micro: string): (text: string) => string {
    const palette = [colors.cyan, colors.magenta, colors.yellow, colors.blue, colors.green];
    let hash = 0;
    for (const char of micro) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    return palette[hash % palette.length]!;
  }

  function stateColor(state: string | undefined, text: string): string {
    if (state === 'ready') return colors.green(text);
    if (state === 'failed') return colors.red(text);
    if (state === 'starting' || state === 'restarting') return colors.yellow(text);
    return colors.dim(text);
  }
}
