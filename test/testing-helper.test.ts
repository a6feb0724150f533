import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { WebSocketServer } from 'ws';
import { spaceRouter } from 'space-router';
import { LeakError, startSpaceApp } from 'space-router/testing';
import { processesWithEnv } from './fixtures/integrations/processes.js';
import { closeSocket, firstMessage, roundTrip } from './fixtures/integrations/sockets.js';

const spacefile = fileURLToPath(new URL('./fixtures/integrations/helper-app/Spacefile', import.meta.url));
const quiet = { info() {}, warn() {}, error() {} };

/** Running and not a zombie (an exited child the host has not reaped yet holds nothing). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

test('startSpaceApp serves a Spacefile: supertest agent, websocket URL, clean close', async (t) => {
  const app = await startSpaceApp(spacefile, { logger: quiet });
  t.after(() => app.close());

  assert.match(app.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const api = await app.request.get('/api/users?x=1').expect(200);
  assert.deepEqual(api.body, { micro: 'api', path: '/users?x=1' });
  const web = await app.request.get('/about').expect(200);
  assert.deepEqual(web.body, { micro: 'web', path: '/about' });

  assert.equal(app.wsUrl('/api/live'), `ws://127.0.0.1:${app.port}/api/live`);
  const { socket, message } = await firstMessage(app.wsUrl('/api/live'));
  assert.equal(message, 'api saw /live');
  assert.equal(await roundTrip(socket, 'hi'), 'echo: hi');
  await closeSocket(socket);

  const pids = app.router.micros.map((micro) => micro.pid);
  assert.equal(pids.length, 2);
  assert.ok(pids.every((pid) => pid !== undefined && isAlive(pid)));
  await app.close();
  assert.deepEqual(pids.filter((pid) => isAlive(pid!)), []);
  // Idempotent: a second close (for example from t.after) resolves the same way.
  await app.close();
});

test('startSpaceApp serves a router mounted on an existing Express app', async (t) => {
  const router = spaceRouter(spacefile, { logger: quiet });
  const host = express();
  host.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  host.use(router);
  const app = await startSpaceApp({ app: host, router });
  t.after(() => app.close());

  await app.request.get('/health').expect(200, { ok: true });
  const res = await app.request.get('/api').expect(200);
  assert.deepEqual(res.body, { micro: 'api', path: '/' });
  // The helper attached the router, so upgrades reach the micros.
  const { socket, message } = await firstMessage(app.wsUrl('/api'));
  assert.equal(message, 'api saw /');
  await closeSocket(socket);
  await app.close();
});

test('close() reports, names and kills a micro process the router left running', async (t) => {
  // No restarts: the helper's kills must not look like crashes to a router that is still running.
  const router = spaceRouter(spacefile, { logger: quiet, hostname: 'leak-test.localhost:1', restart: false });
  const realClose = router.close.bind(router);
  t.after(realClose);
  // A router whose close() forgets its micros: exactly the bug the helper exists to catch.
  router.close = async () => {};
  const app = await startSpaceApp({ router, server: createServer(router) });
  const api = app.router.micros.find((micro) => micro.name === 'api');
  assert.ok(api?.pid);
  assert.ok(isAlive(api.pid));

  const error = await app.close().then(
    () => assert.fail('close() should have reported the leaked micros'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof LeakError);
  assert.equal(error.code, 'ERR_SPACE_APP_LEAK');
  assert.deepEqual(
    error.processes.map((p) => p.micro).sort(),
    ['api', 'web'],
  );
  const leakedApi = error.processes.find((p) => p.micro === 'api');
  assert.equal(leakedApi?.pid, api.pid);
  assert.equal(leakedApi?.command, `node ${path.join('..', 'echo.js')}`);
  assert.match(error.message, new RegExp(`micro "api": pid ${api.pid} \\(node \\.\\./echo\\.js\\) was still running; the test helper killed it`));
  // The helper killed what it reported, so the suite is left clean either way.
  assert.deepEqual(processesWithEnv(['DETA_SPACE_APP_HOSTNAME=leak-test.localhost:1']), []);
});

test('close() reports a websocket the test left open, with advice about that websocket', async (t) => {
  // The host serves micro "web" itself, websockets included, so its sockets outlive the micros.
  const router = spaceRouter(spacefile, { logger: quiet, self: 'web' });
  const server = createServer(router);
  router.attach(server);
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (router.route(req.url ?? '/').micro === 'web') sockets.handleUpgrade(req, socket, head, (ws) => ws.send('host'));
  });
  const app = await startSpaceApp({ router, server });
  t.after(() => app.close().catch(() => {}));
  const { socket, message } = await firstMessage(app.wsUrl('/live'));
  assert.equal(message, 'host');
  socket.on('error', () => {});

  const error = await app.close().then(
    () => assert.fail('close() should have reported the open websocket'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof LeakError);
  assert.deepEqual(error.processes, []);
  assert.equal(
    error.message,
    'space-router/testing: close() left things running:\n' +
      '  1 connection(s) to the app server were still open (a websocket the test did not close?); the helper destroyed them\n' +
      'Close every websocket and stream the test opened before calling close().',
  );
});

test('two apps at once: closing one checks only its own micros and leaves the other serving', async (t) => {
  const [first, second] = await Promise.all([
    startSpaceApp(spacefile, { logger: quiet }),
    startSpaceApp(spacefile, { logger: quiet }),
  ]);
  t.after(() => first.close());
  t.after(() => second.close());
  const secondPids = second.router.micros.map((micro) => micro.pid!);
  await first.close();
  assert.deepEqual(secondPids.filter((pid) => !isAlive(pid)), []);
  const res = await second.request.get('/api/still').expect(200);
  assert.deepEqual(res.body, { micro: 'api', path: '/still' });
  await second.close();
});
