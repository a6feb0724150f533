import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { spaceRouter } from 'space-router';
import { FIXTURES, processesInGroups, quietLogger, sendRaw, startHost, type Host } from './fixtures/router/harness.js';

const EDGE = `${FIXTURES}/edge`;

/** GET with a client that accepts 64 KiB of response headers; resolves once body and trailers are in. */
function getLarge(url: string): Promise<{ status: number; cookies: string[]; body: string; trailers: Record<string, string | undefined> }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, maxHeaderSize: 65_536 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, cookies: res.headers['set-cookie'] ?? [], body, trailers: res.trailers }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * A raw connection: write `request`, read until the response head is complete, then `afterHead`
 * (if given) is written and the reply to it read until `until` matches. Resolves with everything read.
 */
function rawExchange(port: number, request: string, afterHead: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let wrote = false;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!wrote && text.includes('\r\n\r\n')) {
        wrote = true;
        socket.write(afterHead);
      }
      if (wrote && until.test(text.slice(text.indexOf('\r\n\r\n') + 4))) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed after: ${JSON.stringify(text)}`)));
    socket.write(request);
  });
}

/** Send each message in turn and collect the replies; then close, and expect a clean close. */
function websocketEchoes(url: string, messages: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const replies: string[] = [];
    ws.on('open', () => ws.send(messages[0]!));
    ws.on('message', (data) => {
      replies.push(String(data));
      if (replies.length < messages.length) ws.send(messages[replies.length]!);
      else ws.close(1000);
    });
    ws.on('close', (code) => (code === 1000 ? resolve(replies) : reject(new Error(`closed with ${code}`))));
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`unexpected response ${res.statusCode}`)));
  });
}

const statusLines = (response: string) => response.match(/^HTTP\/1\.1 \d{3}/gm) ?? [];
const bodyOf = (response: string) => response.slice(response.indexOf('\r\n\r\n') + 4);

describe('responses micros send that a default client would refuse', () => {
  let host: Host;
  before(async () => {
    host = await startHost('node:http', {}, {}, EDGE);
  });
  after(() => host?.close());

  test('about 20 KB of Set-Cookie headers (over Node\'s 16 KiB default) pass through, every cookie kept', async () => {
    const reply = await getLarge(`${host.url}/big-cookies`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'five cookies');
    assert.deepEqual(reply.cookies, [1, 2, 3, 4, 5].map((i) => `k${i}=${String(i).repeat(4000)}`));
  });

  test('HTTP trailers reach the client after the body', async () => {
    const reply = await getLarge(`${host.url}/sw/trailers`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'body, then trailers');
    assert.deepEqual({ ...reply.trailers }, { 'x-checksum': 'abc123', 'x-count': '1' });
  });

  // As after a micro restart: every pooled connection is dead, not only the first one tried.
  test('a request meeting a stale pooled connection is sent once more on a new connection, even when the whole pool is stale', async () => {
    const warm = await Promise.all([1, 2, 3, 4].map(() => getLarge(`${host.url}/warm`)));
    assert.deepEqual(warm.map((reply) => reply.body), ['warm', 'warm', 'warm', 'warm']);
    assert.equal((await getLarge(`${host.url}/arm-stale-trap`)).body, 'armed');

    const reply = await getLarge(`${host.url}/after-restart?n=1`);
    assert.equal(reply.status, 200);
    assert.equal(JSON.parse(reply.body).url, '/after-restart?n=1');
    assert.deepEqual(JSON.parse((await getLarge(`${host.url}/stale-trap`)).body), { dropped: 1 });
  });

  test('a POST meeting a stale pooled connection is not sent twice (the micro may have died handling it): 502', async () => {
    await Promise.all([1, 2].map(() => getLarge(`${host.url}/warm`)));
    assert.equal((await getLarge(`${host.url}/arm-stale-trap`)).body, 'armed');

    const reply = await sendRaw(host.port, 'POST /order HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 502 /);
    assert.match(reply, /ECONNRESET/);
    assert.deepEqual(JSON.parse((await getLarge(`${host.url}/stale-trap`)).body), { dropped: 1 });
  });
});

describe('upgrades', () => {
  let host: Host;
  before(async () => {
    host = await startHost('node:http', {}, {}, EDGE);
    // A helper and the app both attach: the router must still take each socket once.
    host.router.attach(host.server);
  });
  after(() => host?.close());

  test('attach() twice on one server: websockets still work, each socket proxied once', async () => {
    for (const path of ['/sw/one', '/sw/two']) {
      assert.deepEqual(await websocketEchoes(`ws://127.0.0.1:${host.port}${path}`, ['a', 'b', 'c']), ['echo:a', 'echo:b', 'echo:c']);
    }
  });

  test('upgrade() called twice with the same socket takes it once, and says it is taken both times', async () => {
    const taken: boolean[] = [];
    const server = createServer();
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      taken.push(host.router.upgrade(req, socket, head), host.router.upgrade(req, socket, head));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.deepEqual(await websocketEchoes(`ws://127.0.0.1:${port}/sw/again`, ['a', 'b', 'c']), ['echo:a', 'echo:b', 'echo:c']);
      assert.deepEqual(taken, [true, true]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('an h2c upgrade the micro declines is answered by the micro, then the connection closes', async () => {
    const response = await sendRaw(host.port, 'GET /h2c?x=1 HTTP/1.1\r\nHost: app.local\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n');
    assert.deepEqual(statusLines(response), ['HTTP/1.1 200']);
    const seen = JSON.parse(bodyOf(response));
    assert.equal(seen.micro, 'main');
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/h2c?x=1');
    assert.equal(seen.headers.host, 'app.local');
    assert.equal(seen.headers.upgrade, 'h2c');
    assert.equal(seen.headers['http2-settings'], 'AAMAAABkAAQAAP__');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-host'], 'app.local');
  });

  test('a POST with Upgrade: websocket and a body reaches the micro with its body', async () => {
    const response = await sendRaw(
      host.port,
      'POST /form HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
    );
    assert.deepEqual(statusLines(response), ['HTTP/1.1 200']);
    const seen = JSON.parse(bodyOf(response));
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/form');
    assert.equal(seen.bodyHex, Buffer.from('hello').toString('hex'));
  });

  test('after a declined upgrade, a request pipelined on the same connection is not sent to that micro', async () => {
    const response = await sendRaw(
      host.port,
      'GET /first HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nGET /sw/second HTTP/1.1\r\nHost: h\r\n\r\n',
    );
    assert.deepEqual(statusLines(response), ['HTTP/1.1 200']);
    assert.equal(JSON.parse(bodyOf(response)).url, '/first');
  });

  test('a protocol the micro switches to (101) is tunnelled both ways', async () => {
    const response = await rawExchange(
      host.port,
      'GET /sw/tunnel?q=1 HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\n\r\n',
      'ping',
      /PING/,
    );
    assert.match(response, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(response, /\r\nX-Seen-Url: \/tunnel\?q=1\r\n/i);
    assert.equal(bodyOf(response), 'PING');
  });

  test('an upgrade with a chunked body gets a 501 that says why, not a silent close', async () => {
    const response = await sendRaw(
      host.port,
      'POST /chunked HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    assert.deepEqual(statusLines(response), ['HTTP/1.1 501']);
    assert.match(bodyOf(response), /chunked body/);
  });

  test('an upgrade the micro refuses with its own status gets that status', async () => {
    const response = await sendRaw(host.port, 'GET /sw/other HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: something-else\r\n\r\n');
    assert.deepEqual(statusLines(response), ['HTTP/1.1 400']);
    assert.equal(bodyOf(response), 'not an x-echo\n');
  });
});

describe('ready() once the router is closed', () => {
  test('rejects with ERR_ROUTER_CLOSED, whether the micros ran, never started, or were still starting', { timeout: 30_000 }, async () => {
    const used = spaceRouter(EDGE, { logger: quietLogger, only: ['main'] });
    await used.ready();
    const groups = used.micros.flatMap((micro) => (micro.pid ? [micro.pid] : []));
    await used.close();
    assert.deepEqual(processesInGroups(groups), []);
    await assert.rejects(used.ready(), { code: 'ERR_ROUTER_CLOSED', message: 'space-router: the router is closed; create a new one to start the micros again.' });

    const unused = spaceRouter(EDGE, { logger: quietLogger, only: ['main'] });
    await unused.close();
    await assert.rejects(unused.ready(), { code: 'ERR_ROUTER_CLOSED' });

    const interrupted = spaceRouter(EDGE, { logger: quietLogger, only: ['main'] });
    const waiting = interrupted.ready();
    await interrupted.close();
    await assert.rejects(waiting, { code: 'ERR_ROUTER_CLOSED' });
  });
});
