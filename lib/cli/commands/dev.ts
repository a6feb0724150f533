import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { spaceRouter } from '../../index.js';
import type { RouterOptions } from '../../router/types.js';
import { loadSpacefile } from '../../spacefile/index.js';
import { COMMON_OPTIONS, parseStrict, UsageError, type Command } from '../command.js';
import { displayPath } from '../errors.js';
import { createOutput } from '../output.js';
import { createJsonReporter } from '../dev/json-reporter.js';
import { DEFAULT_PORT, listen } from '../dev/listen.js';
import { openBrowser } from '../dev/open-browser.js';
import type { DevReporter } from '../dev/reporter.js';
import { watchStates, type StateWatch } from '../dev/state-watch.js';
import { createTextReporter } from '../dev/text-reporter.js';

export const dev: Command = {
  help: `Usage: space-router dev [dir|file] [options]

Start every micro of the Spacefile (default: ./Spacefile) and serve the whole
app on one origin, routed as Deta Space did: /api/x reaches the api micro as
/x, everything else the primary micro. Shows each micro starting, then a table
of where each one runs, then their logs. Ctrl-C stops every micro; press it
again to force.

Options:
  --host <host>      address to listen on (default: localhost)
  --port <port>      port to listen on (default: the first free port from ${DEFAULT_PORT});
                     a port that is taken is an error
  --micro <a,b>      start only these micros (comma-separated names)
  --open             open the app in the browser once it is ready
  --auth             emulate Space authentication (private app, public
                     routes, API keys, sign-in at /__space/signin)
  --quiet            print only the app URL, warnings and errors
  --log <format>     text (default) or json: one JSON object per line, for CI
  --no-color         plain output
  -h, --help         show this help

Exit status: 0 after Ctrl-C, 130 after a forced stop (second Ctrl-C), 1 when
the Spacefile is invalid or a micro fails to start (its name, command, port
and last log lines are printed), 2 on wrong usage.`,

  async run(argv) {
    const { values, positionals } = parseStrict({
      args: argv,
      options: {
        ...COMMON_OPTIONS,
        host: { type: 'string', default: 'localhost' },
        port: { type: 'string' },
        micro: { type: 'string', multiple: true },
        open: { type: 'boolean' },
        auth: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        log: { type: 'string', default: 'text' },
      },
      allowPositionals: true,
    });
    const output = createOutput(values['no-color'] === true);
    if (values.help) {
      output.out(this.help);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`dev takes one project directory or Spacefile, got ${positionals.length}`);
    if (values.log !== 'text' && values.log !== 'json') throw new UsageError(`--log must be "text" or "json", got "${values.log}"`);
    const port = values.port === undefined ? undefined : parsePort(values.port);
    const reporter = values.log === 'json' ? createJsonReporter() : createTextReporter(output, values.quiet === true);

    try {
      return await serve(reporter, {
        project: positionals[0] ?? '.',
        host: values.host,
        port,
        micros: (values.micro ?? []).flatMap((list) => list.split(',')).map((name) => name.trim()).filter(Boolean),
        open: values.open === true,
        auth: values.auth === true,
      });
    } catch (error) {
      if (error instanceof UsageError) throw error;
      reporter.failed(error);
      return 1;
    }
  },
};

interface DevSettings {
  project: string;
  host: string;
  port: number | undefined;
  micros: string[];
  open: boolean;
  auth: boolean;
}

async function serve(reporter: DevReporter, settings: DevSettings): Promise<number> {
  const startedAt = Date.now();
  const spacefile = loadSpacefile(settings.project);
  const names = spacefile.micros.map((micro) => micro.name);
  const unknown = settings.micros.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`--micro names ${unknown.map((name) => `"${name}"`).join(', ')}, but the Spacefile has ${names.join(', ')}`);
  }
  reporter.begin({
    spacefile: displayPath(spacefile.filename ?? settings.project),
    micros: spacefile.micros.map((micro) => ({
      name: micro.name,
      runs:
        micro.engine === 'static' ? 'static' : settings.micros.length > 0 && !settings.micros.includes(micro.name) ? 'skipped' : 'process',
    })),
    auth: settings.auth,
  });

  const options: RouterOptions = { logger: reporter.logger, auth: settings.auth };
  if (settings.micros.length > 0) options.only = settings.micros;
  const router = spaceRouter(spacefile, options);
  const server = createServer(router);
  router.attach(server);
  // Upgraded (websocket) sockets outlive server.close(); they are destroyed on stop.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await router.close();
      if (server.listening) await closed;
    })());

  let stopRequested: () => void = () => {};
  const stopSignalled = new Promise<void>((resolve) => (stopRequested = resolve));
  const onSignal = () => {
    if (stopping) {
      // Second Ctrl-C: the supervisor's exit hook kills every process group synchronously.
      reporter.stopping(true);
      process.exit(130);
    }
    reporter.stopping(false);
    stopRequested();
    void stop();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);

  const elapsed = () => Date.now() - startedAt;
  let watch: StateWatch | undefined;
  try {
    let port: number;
    try {
      port = await listen(server, settings.host, settings.port);
    } catch (error) {
      await router.close();
      throw error;
    }
    const url = `http://${urlHost(settings.host)}:${port}/`;
    reporter.listening(url);
    watch = watchStates(router, {
      intervalMs: 100,
      waitingEveryMs: 10_000,
      onState: (micro) => reporter.state(micro, elapsed()),
      onWaiting: (micro, ms) => reporter.waiting(micro, ms),
    });

    const outcome = await Promise.race([
      router.ready().then(() => 'ready' as const),
      stopSignalled.then(() => 'stopped' as const),
    ]).catch((error: unknown) => error);
    watch.check();
    if (outcome !== 'ready' && outcome !== 'stopped') {
      if (stopping) return await stopped(reporter, stop, watch);
      watch.stop();
      reporter.failed(outcome);
      await stop();
      return 1;
    }
    if (outcome === 'ready') {
      reporter.ready(router.micros, url, elapsed());
      if (settings.open) openBrowser(url);
    }
    await stopSignalled;
    return await stopped(reporter, stop, watch);
  } finally {
    watch?.stop();
    for (const signal of signals) process.off(signal, onSignal);
  }
}

async function stopped(reporter: DevReporter, stop: () => Promise<void>, watch: StateWatch): Promise<number> {
  await stop();
  watch.stop();
  reporter.stopped();
  return 0;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a port number (0-65535), got "${text}"`);
  return port;
}

/** What to put in the printed URL: wildcard addresses are reached as localhost, IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
