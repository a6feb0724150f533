import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { spaceRouter } from '../../index.js';
import type { RouterOptions } from '../../router/types.js';
import { loadSpacefile, servedFromFiles } from '../../spacefile/index.js';
import { killAllNow } from '../../supervisor/process-tree.js';
import { UsageError } from '../command.js';
import { displayPath } from '../errors.js';
import { listen } from './listen.js';
import { openBrowser } from './open-browser.js';
import type { DevReporter } from './reporter.js';
import { watchStates, type StateWatch } from './state-watch.js';

/**
 * A stop signal this soon after the first is the same Ctrl-C delivered twice (the terminal signals
 * the whole foreground group, and wrappers such as concurrently or `timeout` forward it too); a
 * person pressing Ctrl-C again to force the stop is slower than this.
 */
export const REPEATED_SIGNAL_MS = 300;

export interface DevSettings {
  project: string;
  host: string;
  port: number | undefined;
  micros: string[];
  open: boolean;
  auth: boolean;
  schedule: boolean;
}

/**
 * Serve the app until a signal stops it: load the Spacefile, listen, start the micros through the
 * router, report progress and the table. Resolves with the exit code.
 */
export async function runDev(reporter: DevReporter, settings: DevSettings): Promise<number> {
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
        servedFromFiles(micro) ? 'static' : settings.micros.length > 0 && !settings.micros.includes(micro.name) ? 'skipped' : 'process',
    })),
    auth: settings.auth,
  });

  // Filled in once the port is known, before the micros start (they start when the server listens).
  const env: Record<string, string> = {};
  const options: RouterOptions = { logger: reporter.logger, auth: settings.auth, schedule: settings.schedule, env };
  if (settings.micros.length > 0) options.only = settings.micros;
  const router = spaceRouter(spacefile, options);
  const server = createServer(router);
  const elapsed = () => Date.now() - startedAt;
  let url = '';
  let watch: StateWatch | undefined;
  // Registered before attach(), whose own listener starts the micros: they get this hostname, and
  // a micro that fails at once is reported after the URL, by a watch that sees its state first.
  server.once('listening', () => {
    const authority = `${urlHost(settings.host)}:${(server.address() as AddressInfo).port}`;
    // On Space this was the hostname people typed; here it is the one dev prints, not the address
    // `localhost` resolved to: a micro's absolute redirect must land where the browser's session is.
    env.DETA_SPACE_APP_HOSTNAME = authority;
    url = `http://${authority}/`;
    reporter.listening(url);
    watch = watchStates(router, {
      waitingEveryMs: 10_000,
      onState: (micro) => reporter.state(micro, elapsed()),
      onWaiting: (micro, ms) => reporter.waiting(micro, ms),
    });
  });
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
  let firstSignalAt = 0;
  const onSignal = () => {
    // Under a wrapper that forwards signals (concurrently, timeout) one Ctrl-C reaches us twice
    // within milliseconds: from the terminal and from the wrapper. That is one request to stop, not
    // the second Ctrl-C that forces it.
    if (stopping && Date.now() - firstSignalAt < REPEATED_SIGNAL_MS) return;
    if (stopping) {
      // Second Ctrl-C: every micro's process group gets SIGKILL now, so the supervisor's exit hook
      // finds nothing left to give its SIGTERM grace period.
      reporter.stopping(true);
      killAllNow();
      process.exit(130);
    }
    firstSignalAt = Date.now();
    reporter.stopping(false);
    stopRequested();
    void stop();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);

  try {
    try {
      await listen(server, settings.host, settings.port);
    } catch (error) {
      await router.close();
      throw error;
    }
    // listen() resolves on the 'listening' event, so the handler above has set the watch.
    const states = watch!;
    const outcome = await Promise.race([
      router.ready().then(() => 'ready' as const),
      stopSignalled.then(() => 'stopped' as const),
    ]).catch((error: unknown) => error);
    states.check();
    if (outcome !== 'ready' && outcome !== 'stopped') {
      if (stopping) return await stopped(reporter, stop, states);
      states.stop();
      reporter.failed(outcome);
      await stop();
      return 1;
    }
    if (outcome === 'ready') {
      reporter.ready(router.micros, url, elapsed());
      if (settings.open) openBrowser(url, (reason) => reporter.logger.warn(`could not open a browser (${reason}); open ${url} yourself`));
    }
    await stopSignalled;
    return await stopped(reporter, stop, states);
  } finally {
    watch?.stop();
    // The handlers stay until the process exits, which follows at once: a wrapper's copy of the
    // Ctrl-C that arrives after a quick stop would otherwise kill the process by that signal and
    // replace exit 0 with a death by SIGINT.
  }
}

async function stopped(reporter: DevReporter, stop: () => Promise<void>, watch: StateWatch): Promise<number> {
  await stop();
  watch.stop();
  reporter.stopped();
  return 0;
}

/** What to put in the printed URL: wildcard addresses are reached as localhost, IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
