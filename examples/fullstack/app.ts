import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { spaceRouter, type Logger, type SpaceRouter } from 'space-router';

export interface ExampleOptions {
  /** Port for the host server; 0 picks a free one. */
  port: number;
  /** Where micro logs go; the router's default prints them prefixed with the micro's name. */
  logger?: Logger;
}

export interface RunningExample {
  server: http.Server;
  router: SpaceRouter;
  port: number;
  /** Stops the host server and every micro; safe to call more than once. */
  close(): Promise<void>;
}

/** The Spacefile next to this file, so the example starts the same way from any working directory. */
export const spacefilePath = fileURLToPath(new URL('./Spacefile', import.meta.url));

/**
 * The whole host side of the example: an Express app whose only middleware is the router. It
 * listens on 127.0.0.1 before the micros are ready; requests that arrive early are held by the
 * router until their micro answers, so callers await `router.ready()` only when they need to.
 */
export async function startExample(options: ExampleOptions): Promise<RunningExample> {
  const router = spaceRouter(spacefilePath, options.logger ? { logger: options.logger } : {});
  const app = express();
  app.use(router);

  const server = http.createServer(app);
  router.attach(server);
  // Upgraded (websocket) sockets are no longer closed by server.closeAllConnections().
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await router.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await router.close();
      await closed;
    })();
    return closing;
  };

  return { server, router, port: (server.address() as AddressInfo).port, close };
}
