import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { spaceRouter } from 'space-router';
import { APP, processesInGroups, quietLogger, startHost } from './fixtures/router/harness.js';

interface Opened {
  first: { micro: string; url: string; headers: Record<string, string> };
  reply: string;
}

/** Open a websocket, read the micro's hello, send one message and read its echo. */
function openAndEcho(url: string, message = 'hi'): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let first: Opened['first'] | undefined;
    ws.on('message', (data) => {
      if (!first) {
        first = JSON.parse(String(data));
        ws.send(message);
      } else {
        ws.close();
        resolve({ first, reply: String(data) });
      }
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`unexpected response ${res.statusCode}`)));
  });
}

/** How a handshake that must fail ends: the status the client got, or how the socket died. */
function failedHandshake(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      resolve('opened');
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
    });
    ws.on('error', (error) => resolve(`error: ${error.message}`));
  });
}

describe('websockets through the route table', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('an upgrade before any HTTP request starts the micros and waits for its owner', { timeout: 30_000 }, async () => {
    const router = spaceRouter(APP, { logger: quietLogger });
    const server = createServer();
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!router.upgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      const groups = router.micros.flatMap((micro) => (micro.pid ? [micro.pid] : []));
      server.closeAllConnections();
      server.close();
      await router.close();
      assert.deepEqual(processesInGroups(groups), []);
    });
    const { port } = server.address() as AddressInfo;
    assert.equal(router.micros.every((micro) => micro.pid === undefined), true);

    const opened = await openAndEcho(`ws://127.0.0.1:${port}/api/socket?x=1`);
    assert.equal(opened.first.micro, 'api');
    assert.equal(opened.first.url, '/socket?x=1');
    assert.equal(opened.first.headers.host, `127.0.0.1:${port}`);
    assert.equal(opened.first.headers['x-forwarded-prefix'], '/api');
    assert.equal(opened.first.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(opened.reply, 'echo:hi');
  });

  test('only the owner micro gets the upgrade, longest path first', async () => {
    const host = await startHost('node:http');
    cleanups.push(() => host.close());
    const wsBase = `ws://127.0.0.1:${host.port}`;
    const nested = await openAndEcho(`${wsBase}/api/v2/live`, 'v2?');
    assert.equal(nested.first.micro, 'v2');
    assert.equal(nested.first.url, '/live');
    assert.equal(nested.reply, 'echo:v2?');
    const primary = await openAndEcho(`${wsBase}/apix/live`);
    assert.equal(primary.first.micro, 'front');
    assert.equal(primary.first.url, '/apix/live');
    assert.equal(primary.first.headers['x-forwarded-prefix'], undefined);

    assert.match(await failedHandshake(`${wsBase}/docs/socket`), /^404 .*static_no_websocket/);
  });

  test("with self set, the host's own upgrades are left untouched", async () => {
    // A host that serves the primary itself, with its own websocket endpoint (like Vite's HMR).
    const own = new WebSocketServer({ noServer: true });
    const seenByHost: string[] = [];
    const host = await startHost('express5', { self: 'front' });
    cleanups.push(() => host.close());
    host.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (host.router.route(req.url ?? '/').micro !== 'front') return;
      seenByHost.push(req.url ?? '');
      own.handleUpgrade(req, socket, head, (ws) => ws.send('from host'));
    });
    const hostReply = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/hmr`);
      ws.on('message', (data) => {
        ws.close();
        resolve(String(data));
      });
      ws.on('error', reject);
    });
    assert.equal(hostReply, 'from host');
    assert.deepEqual(seenByHost, ['/hmr']);

    const micro = await openAndEcho(`ws://127.0.0.1:${host.port}/api/ws`);
    assert.equal(micro.first.micro, 'api');
    assert.deepEqual(seenByHost, ['/hmr']);
  });

  test('an upgrade nobody takes is closed, not left hanging', async () => {
    const host = await startHost('node:http', { self: 'front' });
    cleanups.push(() => host.close());
    assert.match(await failedHandshake(`ws://127.0.0.1:${host.port}/hmr`), /^error: socket hang up/);
  });
});
