import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { echo, send, startHost, type Host } from './fixtures/router/harness.js';

describe('what micros see and what clients get back', () => {
  let host: Host;
  let apiPort: number;
  const logged: string[] = [];
  before(async () => {
    const logger = { info: (line: string) => logged.push(line), warn: (line: string) => logged.push(line), error: (line: string) => logged.push(line) };
    host = await startHost('node:http', { proxyTimeout: 5_000, logger });
    apiPort = host.router.micros.find((micro) => micro.name === 'api')!.port!;
  });
  after(() => host?.close());

  test('Host is passed through and X-Forwarded-* are added', async () => {
    const got = await echo(host.port, '/api/h', { headers: { host: 'myapp.local:8080' } });
    assert.equal(got.headers.host, 'myapp.local:8080');
    assert.equal(got.headers['x-forwarded-host'], 'myapp.local:8080');
    assert.equal(got.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(got.headers['x-forwarded-proto'], 'http');
    assert.equal(got.headers['x-forwarded-prefix'], '/api');

    const primary = await echo(host.port, '/p', { headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
    assert.equal(primary.headers.host, `127.0.0.1:${host.port}`);
    assert.equal(primary.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(primary.headers['x-forwarded-proto'], 'https');
    assert.equal(primary.headers['x-forwarded-prefix'], undefined);
  });

  test('hop-by-hop headers stay on their hop', async () => {
    const got = await echo(host.port, '/api/hop', { headers: { connection: 'close, x-private', 'x-private': 'secret', 'x-kept': 'yes' } });
    assert.equal(got.headers['x-private'], undefined);
    assert.equal(got.headers['x-kept'], 'yes');
    assert.doesNotMatch(String(got.headers.connection ?? ''), /close|x-private/);
  });

  test('HEAD is answered by the micro verbatim', async () => {
    const reply = await send(host.port, '/api/thing', { method: 'HEAD' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-length'], '1234');
    assert.equal(reply.headers['x-micro'], 'api');
    assert.equal(reply.body, '');
  });

  test('OPTIONS is answered by the micro verbatim', async () => {
    const reply = await send(host.port, '/api/thing', { method: 'OPTIONS', headers: { origin: 'http://elsewhere', 'access-control-request-method': 'PUT' } });
    assert.equal(reply.status, 204);
    assert.equal(reply.headers.allow, 'GET, POST, OPTIONS');
    assert.equal(reply.headers['x-micro'], 'api');
  });

  test("a redirect to the micro's internal address points at the router instead", async () => {
    const reply = await send(host.port, '/api/redirect');
    assert.equal(reply.status, 302);
    assert.equal(reply.headers.location, `http://127.0.0.1:${host.port}/api/landed?from=redirect`);

    const frontPort = host.router.micros.find((micro) => micro.name === 'front')!.port!;
    const primary = await send(host.port, '/redirect', { headers: { host: `localhost:${host.port}` } });
    assert.equal(primary.headers.location, `http://localhost:${host.port}/landed?from=redirect`);
    assert.notEqual(frontPort, host.port);

    const away = await send(host.port, '/api/redirect-elsewhere');
    assert.equal(away.headers.location, 'https://example.com/away');
  });

  test('every Set-Cookie stays a separate header', async () => {
    const reply = await send(host.port, '/api/cookies');
    const cookies = [];
    for (let i = 0; i < reply.rawHeaders.length; i += 2) {
      if (reply.rawHeaders[i]!.toLowerCase() === 'set-cookie') cookies.push(reply.rawHeaders[i + 1]);
    }
    assert.deepEqual(cookies, ['a=1; Path=/; HttpOnly', 'b=2, with comma; Path=/']);
  });

  test('Expect: 100-continue gets its 100 and the whole body reaches the micro', async () => {
    const body = 'x'.repeat(50_000);
    const result = await new Promise<{ continued: boolean; status: number; text: string }>((resolve, reject) => {
      let continued = false;
      const req = request(
        { host: '127.0.0.1', port: host.port, path: '/api/upload', method: 'POST', agent: false, headers: { expect: '100-continue', 'content-length': String(body.length) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ continued, status: res.statusCode!, text }));
        },
      );
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('error', reject);
    });
    assert.equal(result.continued, true);
    assert.equal(result.status, 200);
    const got = JSON.parse(result.text);
    assert.equal(got.url, '/upload');
    assert.equal(got.body.length, body.length);
  });

  test('SSE: the first event arrives while the micro still holds the stream open', { timeout: 15_000 }, async () => {
    const order: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/api/sse', agent: false }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        res.setEncoding('utf8');
        let seen = '';
        res.on('data', (chunk: string) => {
          seen += chunk;
          if (seen.includes('data: first') && !order.includes('first')) {
            order.push('first');
            // Only now let the micro send the rest and end: had anything buffered the first
            // event, this line would never run.
            void send(host.port, '/api/sse-release').then(() => order.push('released'), reject);
          }
        });
        res.on('end', () => {
          order.push(seen.includes('data: second') ? 'second' : 'no second event');
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(order[0], 'first');
    assert.ok(order.includes('second'), `got ${order.join(', ')}`);
  });

  test('a micro that resets mid-response breaks the client connection; the host survives', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/api/reset', agent: false }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve('ended cleanly'));
        res.on('error', (error) => resolve(`error: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
        res.on('aborted', () => resolve('aborted'));
      });
      req.on('error', (error) => resolve(`request error: ${error.message}`));
      req.end();
    });
    assert.notEqual(outcome, 'ended cleanly');
    const got = await echo(host.port, '/api/after-reset');
    assert.equal(got.url, '/after-reset');
  });

  test('a client that leaves mid-stream does not hurt the host', async () => {
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/api/bytes?n=200000000', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.end();
    });
    const got = await echo(host.port, '/api/after-abort');
    assert.equal(got.url, '/after-abort');
  });

  test('no response headers within proxyTimeout: 504 naming the micro', async () => {
    const reply = await send(host.port, '/api/never', { headers: { accept: 'application/json' } });
    assert.equal(reply.status, 504);
    const { error } = JSON.parse(reply.body);
    assert.equal(error.code, 'micro_timeout');
    assert.equal(error.micro.name, 'api');
    assert.equal(error.micro.port, apiPort);
    assert.equal(error.micro.command, 'node ../../echo-micro.mjs --ipv6');
    assert.equal(error.micro.state, 'ready');
    assert.match(error.message, /within 5000 ms/);
  });

  test('crash -> 502 page naming the micro -> held until restarted -> recovered', { timeout: 30_000 }, async () => {
    const crashed = await send(host.port, '/api/v2/crash', { headers: { accept: 'text/html,application/xhtml+xml' } });
    assert.equal(crashed.status, 502);
    assert.match(String(crashed.headers['content-type']), /^text\/html/);
    assert.match(crashed.body, /Micro &#34;v2&#34; did not answer/);
    assert.match(crashed.body, /node \.\.\/\.\.\/echo-micro\.mjs/);
    assert.match(crashed.body, /Last log lines/);

    // The supervisor restarts it; this request waits for that instead of failing.
    const recovered = await echo(host.port, '/api/v2/back');
    assert.equal(recovered.micro, 'v2');
    assert.equal(recovered.url, '/back');
    assert.equal(host.router.micros.find((micro) => micro.name === 'v2')!.state, 'ready');
    // The crashing request is not sent to the restarted micro: it would only crash it again.
    assert.equal(logged.filter((line) => line.includes('v2: crashing on purpose')).length, 1);
  });

  test('a request already on its way when the micro crashes is held for the restart; the crashing one is sent once', { timeout: 30_000 }, async () => {
    const before = logged.filter((line) => line.includes('v2: crashing on purpose')).length;
    const crashed = send(host.port, '/api/v2/crash', { headers: { accept: 'application/json' } });
    // Close behind it, so that it waits unread in the micro's connection queue when the micro dies.
    await new Promise((resolve) => setTimeout(resolve, 2));
    const queued = await echo(host.port, '/api/v2/queued');
    assert.equal(queued.micro, 'v2');
    assert.equal(queued.url, '/queued');
    assert.equal((await crashed).status, 502);
    assert.equal(logged.filter((line) => line.includes('v2: crashing on purpose')).length, before + 1);
  });
});
