import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { test } from 'node:test';
import express from 'express';
import getPort from 'get-port';
import supertest from 'supertest';
import { createLogger, createServer } from 'vite';
import spaceRouter from 'space-router/vite';
import { processesWithEnv, until } from './fixtures/integrations/processes.js';
import { closeSocket, firstMessage, roundTrip } from './fixtures/integrations/sockets.js';
import { frontendDir } from './fixtures/integrations/vite-scenario.js';

const quiet = { info() {}, warn() {}, error() {} };

// Vite in middleware mode inside an Express host (SSR setups do this): the host owns the HTTP
// server, and hands it to Vite as `server.hmr.server` so HMR shares its port. Micro websockets must
// be routed on that same server, next to Vite's HMR socket.
test('middleware mode: the host server given as server.hmr.server carries micro websockets too', async (t) => {
  const port = await getPort({ host: '127.0.0.1' });
  const host = express();
  const httpServer = createHttpServer(host);
  const apiEnv = ['DETA_SPACE_APP_MICRO_NAME=api', `SPACE_ROUTER_MIDDLEWARE_TEST=${port}`];
  const vite = await createServer({
    root: frontendDir,
    configFile: false,
    logLevel: 'silent',
    appType: 'spa',
    plugins: [spaceRouter({ logger: quiet, env: { SPACE_ROUTER_MIDDLEWARE_TEST: String(port) } })],
    server: { middlewareMode: true, hmr: { server: httpServer } },
  });
  let closed = false;
  t.after(async () => {
    if (!closed) await vite.close();
    httpServer.closeAllConnections();
    httpServer.close();
  });
  host.use(vite.middlewares);
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  const request = supertest(`http://127.0.0.1:${port}`);

  const res = await request.get('/api/users').set('accept', 'text/html').expect(200);
  assert.equal(res.body.micro, 'api');
  assert.equal(res.body.path, '/users');
  await request.get('/src/api.ts').expect(200).expect('content-type', /javascript/);

  const hmr = await firstMessage(`ws://127.0.0.1:${port}/?token=${vite.config.webSocketToken}`, 'vite-hmr');
  assert.deepEqual(JSON.parse(hmr.message), { type: 'connected' });
  await closeSocket(hmr.socket);

  const micro = await firstMessage(`ws://127.0.0.1:${port}/api/ws`);
  assert.equal(micro.message, 'api saw /ws');
  assert.equal(await roundTrip(micro.socket, 'one'), 'echo: one');
  await closeSocket(micro.socket);

  const [apiPid] = await until('one api process', () => {
    const pids = processesWithEnv(apiEnv);
    return pids.length === 1 ? pids : undefined;
  });
  // Restarts keep one listener on the shared server: each socket is relayed once (twice would
  // corrupt its frames) and by the running router.
  await vite.restart();
  await vite.restart();
  assert.deepEqual(processesWithEnv(apiEnv), [apiPid]);
  const again = await firstMessage(`ws://127.0.0.1:${port}/api/ws`);
  assert.equal(again.message, 'api saw /ws');
  assert.equal(await roundTrip(again.socket, 'two'), 'echo: two');
  await closeSocket(again.socket);

  await vite.close();
  closed = true;
  assert.deepEqual(processesWithEnv(apiEnv), []);
});

test('middleware mode without server.hmr.server warns that micro websockets cannot be routed', async (t) => {
  const warnings: string[] = [];
  const customLogger = createLogger('silent');
  customLogger.warn = (message) => warnings.push(message);
  const vite = await createServer({
    root: frontendDir,
    configFile: false,
    customLogger,
    appType: 'custom',
    plugins: [spaceRouter({ logger: quiet, env: { SPACE_ROUTER_MIDDLEWARE_TEST: 'no-hmr-server' } })],
    server: { middlewareMode: true, hmr: false },
  });
  t.after(() => vite.close());
  assert.deepEqual(warnings, [
    'space-router: Vite runs in middleware mode without server.hmr.server, so websockets to the micros cannot be routed. ' +
      'Pass the HTTP server your app listens on as server.hmr.server (Vite then shares it for HMR too).',
  ]);
  await vite.close();
  assert.deepEqual(processesWithEnv(['SPACE_ROUTER_MIDDLEWARE_TEST=no-hmr-server']), []);
});
