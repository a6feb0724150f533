import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { spaceRouter, MicroError, type SpaceRouter } from 'space-router';
import { echo, FIXTURES, processesInGroups, quietLogger, send, startHost } from './fixtures/router/harness.js';

/** A router in a plain node:http server that is NOT attached: micros start on the first request. */
async function unattached(spacefile: string, options: Parameters<typeof spaceRouter>[1] = {}) {
  const router = spaceRouter(spacefile, { logger: quietLogger, ...options });
  const server = createServer(router);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { router, server, port: (server.address() as AddressInfo).port };
}

async function shutDown(router: SpaceRouter, server: Server): Promise<void> {
  const groups = router.micros.flatMap((micro) => (micro.pid ? [micro.pid] : []));
  server.closeAllConnections();
  server.close();
  await router.close();
  assert.deepEqual(processesInGroups(groups), []);
}

describe('router lifecycle', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('a request that arrives before its micro exists is held, then answered by it', { timeout: 30_000 }, async () => {
    const { router, server, port } = await unattached(`${FIXTURES}/slow`);
    cleanups.push(() => shutDown(router, server));
    assert.deepEqual(router.micros, [
      { name: 'slow', path: '/', port: undefined, pid: undefined, state: 'starting', command: undefined, error: undefined },
    ]);
    const got = await echo(port, '/first?x=1');
    assert.equal(got.micro, 'slow');
    assert.equal(got.url, '/first?x=1');
    // Learned from the request's socket, since no server was attached.
    const env = JSON.parse((await send(port, '/env')).body).env;
    assert.equal(env.DETA_SPACE_APP_HOSTNAME, `127.0.0.1:${port}`);
  });

  test('a micro that never gets ready: held requests get 503 + Retry-After, pages refresh themselves', { timeout: 30_000 }, async () => {
    const { router, server, port } = await unattached(`${FIXTURES}/looping`, {
      readyTimeout: 1_500,
      restart: { maxRestarts: 50, initialDelayMs: 100, maxDelayMs: 100 },
    });
    cleanups.push(() => shutDown(router, server));
    const page = await send(port, '/', { headers: { accept: 'text/html' } });
    assert.equal(page.status, 503);
    assert.equal(page.headers['retry-after'], '2');
    assert.match(page.body, /<meta http-equiv="refresh" content="2">/);
    assert.match(page.body, /Micro &#34;looping&#34; is still starting/);
    assert.match(page.body, /node \.\.\/\.\.\/echo-micro\.mjs --exit-after 200/);

    const api = await send(port, '/x', { headers: { accept: 'application/json' } });
    assert.equal(api.status, 503);
    const { error } = JSON.parse(api.body);
    assert.equal(error.code, 'micro_starting');
    assert.equal(error.micro.name, 'looping');
    assert.ok(['starting', 'restarting'].includes(error.micro.state), error.micro.state);
    assert.equal(typeof error.micro.port, 'number');
  });

  test('ready() rejects with the failing micro named; its requests then get 502 with its log', { timeout: 30_000 }, async () => {
    const { router, server, port } = await unattached(`${FIXTURES}/looping`, { restart: false });
    cleanups.push(() => shutDown(router, server));
    const failure = await router.ready().then(
      () => assert.fail('ready() resolved for a micro that exits'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof MicroError, String(failure));
    assert.equal(failure.micro, 'looping');
    assert.match(failure.message, /looping/);

    const reply = await send(port, '/x', { headers: { accept: 'application/json' } });
    assert.equal(reply.status, 502);
    const { error } = JSON.parse(reply.body);
    assert.equal(error.code, 'micro_not_running');
    assert.equal(error.micro.state, 'failed');
    assert.ok(error.micro.logTail.includes('looping: giving up before listening'), error.micro.logTail.join('\n'));
  });

  test('attach(): DETA_SPACE_APP_HOSTNAME is the listening address; trigger() delivers actions', { timeout: 30_000 }, async () => {
    const host = await startHost('node:http', { hostname: 'fallback.invalid:1' });
    cleanups.push(() => host.close());
    const env = JSON.parse((await send(host.port, '/api/env')).body).env;
    assert.equal(env.DETA_SPACE_APP_HOSTNAME, `127.0.0.1:${host.port}`);
    assert.equal(env.DETA_SPACE_APP_MICRO_NAME, 'api');

    const result = await host.router.trigger('cleanup', { dryRun: true });
    assert.equal(result.status, 200);
    const seen = JSON.parse(result.body);
    assert.equal(seen.micro, 'api');
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/__space/v0/actions');
    assert.deepEqual(JSON.parse(seen.body), { event: { id: 'cleanup', trigger: 'schedule', input: { dryRun: true } } });
    await assert.rejects(host.router.trigger('nope'), /nope/);
  });

  test('close() is idempotent and leaves every port free', { timeout: 30_000 }, async () => {
    const host = await startHost('node:http');
    const micros = host.router.micros.filter((micro) => micro.port !== undefined);
    assert.equal(micros.length, 3);
    const groups = micros.map((micro) => micro.pid!);
    const closes = [host.router.close(), host.router.close()];
    await Promise.all(closes);
    await host.close();
    await host.router.close();
    assert.deepEqual(processesInGroups(groups), []);
    assert.ok(host.router.micros.filter((micro) => micro.port !== undefined).every((micro) => micro.state === 'stopped'));
    for (const micro of micros) {
      const address = micro.name === 'api' ? '::1' : '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        const probe = createNetServer();
        probe.once('error', reject);
        probe.listen(micro.port, address, () => probe.close(() => resolve()));
      });
    }
  });
});
