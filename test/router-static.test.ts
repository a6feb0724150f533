import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { APP, FIXTURES, echo, send, sendRaw, startHost, type Host } from './fixtures/router/harness.js';

const PUBLIC = `${APP}/docs/public`;

describe('a static micro served in-process', () => {
  let host: Host;
  before(async () => {
    // `only: []` spawns nothing: the static micro needs no process, and the others answer 502.
    host = await startHost('node:http', { only: [] });
  });
  after(() => host?.close());

  test('the mount path redirects to its directory form, query kept', async () => {
    const bare = await send(host.port, '/docs');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.location, '/docs/');
    const withQuery = await send(host.port, '/docs?lang=en');
    assert.equal(withQuery.headers.location, '/docs/?lang=en');
  });

  test('a directory serves its index.html', async () => {
    const reply = await send(host.port, '/docs/');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/html;charset=utf-8');
    assert.equal(reply.body, readFileSync(`${PUBLIC}/index.html`, 'utf8'));
  });

  test('a directory path without its slash redirects, then serves its index.html', async () => {
    const redirect = await send(host.port, '/docs/guide?x=1');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, '/docs/guide/?x=1');
    const page = await send(host.port, '/docs/guide/');
    assert.equal(page.status, 200);
    assert.equal(page.body, readFileSync(`${PUBLIC}/guide/index.html`, 'utf8'));
  });

  test('files get their content type; HEAD gets headers only', async () => {
    const css = await send(host.port, '/docs/style.css');
    assert.equal(css.status, 200);
    assert.equal(css.headers['content-type'], 'text/css');
    assert.equal(css.body, 'h1 { color: teal; }\n');
    const head = await send(host.port, '/docs/style.css', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(css.body.length));
    assert.equal(head.body, '');
  });

  test('missing files are 404, with no SPA fallback to index.html', async () => {
    for (const path of ['/docs/missing.txt', '/docs/some/client/route', '/docs/guide/nope.html']) {
      const reply = await send(host.port, path, { headers: { accept: 'application/json' } });
      assert.equal(reply.status, 404, path);
      assert.equal(JSON.parse(reply.body).error.code, 'static_not_found');
    }
  });

  test('nothing outside the serve directory is reachable', async () => {
    for (const path of ['/docs/../secret.txt', '/docs/%2e%2e/secret.txt', '/docs/..%2fsecret.txt', '/docs/%2e%2e%2fsecret.txt']) {
      const raw = await sendRaw(host.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.match(raw, /^HTTP\/1\.1 404 /, path);
      assert.doesNotMatch(raw, /outside the serve directory/, path);
    }
  });

  test('only GET and HEAD', async () => {
    const reply = await send(host.port, '/docs/', { method: 'POST', body: 'x' });
    assert.equal(reply.status, 405);
    assert.equal(reply.headers.allow, 'GET, HEAD');
  });

  test('micros left out by `only` answer 502 naming the option', async () => {
    const reply = await send(host.port, '/api/x', { headers: { accept: 'application/json' } });
    assert.equal(reply.status, 502);
    const { error } = JSON.parse(reply.body);
    assert.equal(error.code, 'micro_not_started');
    assert.match(error.message, /options\.only/);
  });

  test('is ready while the router runs and stopped once it is closed', async () => {
    const docs = () => host.router.micros.find((micro) => micro.name === 'docs')!.state;
    assert.equal(docs(), 'ready');
    await host.close();
    assert.equal(docs(), 'stopped');
  });
});

describe('a static micro as the primary', () => {
  let host: Host;
  before(async () => {
    host = await startHost('node:http', {}, {}, `${FIXTURES}/static-primary`);
  });
  after(() => host?.close());

  test('a directory redirect never points at another host, however many slashes the path starts with', async () => {
    // `//evil.example/%2e%2e/guide` is the `guide` directory on disk; a Location of
    // `//evil.example/...` would send the browser to evil.example (and browsers read `/\` as `//`).
    const cases = [
      ['/guide', '/guide/'],
      ['//guide?x=1', '/guide/?x=1'],
      ['//evil.example/%2e%2e/guide', '/evil.example/%2e%2e/guide/'],
      ['///evil.example/%2e%2e/guide', '/evil.example/%2e%2e/guide/'],
      ['/\\evil.example/%2e%2e/guide', '/evil.example/%2e%2e/guide/'],
    ];
    for (const [path, location] of cases) {
      const raw = await sendRaw(host.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.match(raw, /^HTTP\/1\.1 301 /, path);
      assert.equal(/\r\nLocation: ([^\r]*)\r\n/i.exec(raw)?.[1], location, path);
    }
    const page = await send(host.port, '/guide/');
    assert.equal(page.status, 200);
    assert.equal(page.body, '<h1>guide</h1>\n');
  });
});

describe('a static micro with a `dev` command', () => {
  let host: Host;
  before(async () => {
    host = await startHost('node:http', {}, {}, `${FIXTURES}/static-dev`);
  });
  after(() => host?.close());

  test('runs that command and answers through the router, not from its serve directory', async () => {
    const site = host.router.micros.find((micro) => micro.name === 'site')!;
    assert.equal(site.state, 'ready');
    assert.equal(site.command, 'node ../../echo-micro.mjs');
    assert.equal(typeof site.port, 'number');
    const reply = await echo(host.port, '/index.html?x=1');
    assert.equal(reply.micro, 'site');
    assert.equal(reply.url, '/index.html?x=1');
  });

  test('a static micro without one is still served from its files, with no process', async () => {
    const docs = host.router.micros.find((micro) => micro.name === 'docs')!;
    assert.equal(docs.state, 'ready');
    assert.equal(docs.port, undefined);
    assert.equal(docs.pid, undefined);
    const reply = await send(host.port, '/docs/');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, readFileSync(`${FIXTURES}/static-dev/docs/public/index.html`, 'utf8'));
  });
});
