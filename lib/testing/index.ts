import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import supertest from 'supertest';
import { spaceRouter } from '../index.js';
import type { RouterOptions, SpaceRouter } from '../router/types.js';
import type { Spacefile } from '../spacefile/types.js';
import { LeakError, killAll, survivors, trackMicroProcesses } from './leaks.js';

export { LeakError, type LeakedProcess } from './leaks.js';

/** A host that already has a router: the helper only serves it on an ephemeral port. */
export interface ExistingHost {
  router: SpaceRouter;
  /**
   * An Express or connect app (any request listener) that already uses the router; the helper makes
   * its server and attaches the router to it (upgrades, address, close).
   */
  app?: RequestListener;
  /** A server the host built itself, with its own upgrade dispatch; the helper only makes it listen. */
  server?: Server;
}

export interface SpaceApp {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly router: SpaceRouter;
  /** A supertest agent bound to `url` (it keeps cookies across requests, like a browser session). */
  readonly request: InstanceType<typeof supertest.agent>;
  /** `ws://127.0.0.1:<port><path>`. */
  wsUrl(path?: string): string;
  /**
   * Stop the server and the router, then check that no micro process (nor any member of its process
   * group or one of its descendants) and no connection to the app server is left. Leftover processes
   * are killed and reported in a LeakError naming micro, pid and command; leftover connections are
   * destroyed and reported. A process that left the micro's tree entirely (a double-forked daemon in
   * a new session) cannot be traced back to it and is not reported. Idempotent.
   */
  close(): Promise<void>;
}

/** How long processes and handles get to disappear once the router's close() resolved. */
const SETTLE_MS = 2_000;
/** How long connections (left-open websockets) get to end once the micros are gone. */
const DRAIN_MS = 2_000;

/**
 * Serve a Space app on 127.0.0.1 and an ephemeral port, and resolve once every micro is ready.
 * `source` is a Spacefile (path, directory or model), for which a bare router becomes the whole
 * app, or an existing host with its router. `options` apply to a router the helper creates.
 */
export async function startSpaceApp(source: string | Spacefile | ExistingHost, options: RouterOptions = {}): Promise<SpaceApp> {
  const host: ExistingHost = isExistingHost(source) ? source : { router: spaceRouter(source, options) };
  const { router } = host;
  let server: Server;
  if (host.server) {
    server = host.server;
  } else {
    server = createServer(host.app ?? router);
    router.attach(server);
  }
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  const app: SpaceApp = {
    url,
    port,
    server,
    router,
    request: supertest.agent(url),
    wsUrl: (path = '/') => `ws://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    close() {
      closing ??= shutDown(server, router, sockets);
      return closing;
    },
  };

  try {
    await router.ready();
  } catch (error) {
    await app.close().catch(() => {});
    throw error;
  }
  return app;
}

async function shutDown(server: Server, router: SpaceRouter, sockets: Set<Socket>): Promise<void> {
  const tracked = trackMicroProcesses(router.micros);
  const groups = router.micros.flatMap((m) => (m.pid === undefined ? [] : [{ micro: m.name, pgid: m.pid }]));

  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await router.close();

  const handles: string[] = [];
  if (!(await settles(serverClosed, DRAIN_MS))) {
    handles.push(`${sockets.size} connection(s) to the app server were still open (a websocket the test did not close?); the helper destroyed them`);
    for (const socket of sockets) socket.destroy();
    await serverClosed;
  }

  const leaked = await survivors(tracked, groups, SETTLE_MS);
  await killAll(leaked, SETTLE_MS);

  if (leaked.length > 0 || handles.length > 0) throw new LeakError(leaked, handles);
}

function isExistingHost(source: string | Spacefile | ExistingHost): source is ExistingHost {
  return typeof source === 'object' && 'router' in source;
}

async function settles(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
