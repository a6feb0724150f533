import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import express from 'express';
import { spaceRouter, type RouterOptions, type SpaceRouter } from 'space-router';

// Loaded without Next's types on purpose: they declare globals (a required NODE_ENV in every
// ProcessEnv) that would leak into everything this file is compiled with. These are the calls used.
interface NextApp {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}
const next = createRequire(import.meta.url)('next') as (options: { dev: boolean; dir: string; httpServer?: Server }) => NextApp;

const here = fileURLToPath(new URL('.', import.meta.url));

export interface NextSpaceServer {
  /** Not listening yet: call `server.listen()`. */
  server: Server;
  router: SpaceRouter;
  /** Stops the micros and Next's dev server. */
  close(): Promise<void>;
}

/**
 * A custom Next server (`next({ dev: true })` + Express) that is also the Space app's front door:
 * this process serves the `web` micro itself (`self`), the router starts the others.
 */
export async function createNextSpaceServer(routerOptions: RouterOptions = {}): Promise<NextSpaceServer> {
  // Next subscribes to `upgrade` on `httpServer` (else on the request's server) at its first request,
  // and ends sockets it judges its own (a path matching one of its files, a cross-site origin) even
  // when another listener is already piping them. Giving it an emitter of its own keeps it off the
  // real server: the dispatcher below is the only listener there, and each upgrade has one owner.
  const nextUpgrades = new EventEmitter();
  const nextApp = next({ dev: true, dir: `${here}web`, httpServer: nextUpgrades as unknown as Server });
  const router = spaceRouter(`${here}Spacefile`, { ...routerOptions, self: 'web' });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();

  const app = express();
  app.use(router);
  app.use((req, res) => handle(req, res));

  const server = createServer(app);
  server.on('upgrade', (req, socket, head) => {
    if (router.upgrade(req, socket, head)) return;
    if (nextUpgrades.emit('upgrade', req, socket, head)) return;
    // Next listens only after serving its first request; nobody else may answer this socket.
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  return {
    server,
    router,
    async close() {
      await router.close();
      await nextApp.close();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  // The dispatcher above replaces attach(), which would have told the router its address; the micros
  // start before any request could, so name it for their DETA_SPACE_APP_HOSTNAME.
  const { server, router, close } = await createNextSpaceServer({ hostname: `localhost:${port}` });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  await router.ready();
  console.log(`> ready on http://localhost:${port}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close();
      server.closeAllConnections();
      // Next's dev server keeps file watchers open after close(), so leave explicitly.
      void close().then(() => process.exit(0));
    });
  }
}
