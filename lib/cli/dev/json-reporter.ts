import { SpacefileError } from '../../spacefile/index.js';
import { MicroError } from '../../supervisor/types.js';
import type { MicroSnapshot } from '../../router/types.js';
import { parseLogLine } from './log-line.js';
import { microUrl, type DevReporter } from './reporter.js';

/** One JSON object per line on stdout, each with `time` and `event`: for CI logs and tools. */
export function createJsonReporter(): DevReporter {
  let names: string[] = [];
  let skipped: string[] = [];
  const emit = (event: string, fields: Record<string, unknown> = {}) => {
    process.stdout.write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + '\n');
  };
  const snapshot = (micro: MicroSnapshot) => ({
    micro: micro.name,
    path: micro.path,
    // The router lists a micro left out by --micro as `stopped`; `not started` says it was never meant to run.
    state: skipped.includes(micro.name) ? 'not started' : micro.state,
    port: micro.port,
    pid: micro.pid,
  });

  return {
    logger: {
      info: (message) => emit('log', { level: 'info', ...parseLogLine(message, names) }),
      warn: (message) => emit('log', { level: 'warn', ...parseLogLine(message, names) }),
      error: (message) => emit('log', { level: 'error', ...parseLogLine(message, names) }),
    },
    begin: (run) => {
      names = run.micros.map((micro) => micro.name);
      skipped = run.micros.filter((micro) => micro.runs === 'skipped').map((micro) => micro.name);
      emit('begin', { ...run });
    },
    listening: (url) => emit('listening', { url }),
    state: (micro, elapsedMs) => {
      if (!skipped.includes(micro.name)) emit('state', { ...snapshot(micro), elapsedMs });
    },
    waiting: (micro, elapsedMs) => emit('waiting', { micro: micro.name, elapsedMs }),
    ready: (micros, url, elapsedMs) =>
      emit('ready', { url, elapsedMs, micros: micros.map((micro) => ({ ...snapshot(micro), url: microUrl(url, micro) })) }),
    failed: (error) => emit('error', describe(error)),
    stopping: (forced) => emit('stopping', { forced }),
    stopped: () => emit('stopped'),
  };
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof SpacefileError) {
    return { code: error.code, message: error.message, file: error.filename, problems: error.problems };
  }
  if (error instanceof MicroError) {
    return {
      code: error.code,
      message: error.message,
      micro: error.micro,
      command: error.command,
      port: error.port,
      logTail: error.logTail,
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
