import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import { spaceRouter, type SpaceRouter } from 'space-router';
import { APP, echo, quietLogger, send, startHost, type Host, type HostKind } from './fixtures/router/harness.js';

/** Reads a multipart body and keeps nothing of it, as upload middlewares do before the router. */
function multipartEater(req: IncomingMessage & { body?: unknown }, _res: ServerResponse, next: () => void) {
  if (!String(req.headers['content-type']).startsWith('multipart/form-data')) return next();
  req.on('data', () => {});
  req.on('end', () => {
    req.body = {};
    next();
  });
}

/** The host's own routes (the `self` micro): answer with what the host saw. */
function ownRoutes(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) {
  res.setHeader('content-type', 'text/plain');
  res.end(`host saw ${req.originalUrl ?? req.url}`);
}

const PARSERS = {
  express4: [express4.json(), express4.urlencoded({ extended: true }), express4.text()],
  express5: [express5.json(), express5.urlencoded({ extended: true }), express5.text()],
  connect: [express5.json(), express5.urlencoded({ extended: false }), express5.text()],
};

for (const kind of ['node:http', 'connect', 'express4', 'express5'] as HostKind[]) {
  describe(`mounted at the root of ${kind}`, () => {
    let host: Host;
    before(async () => {
      const parsers = kind === 'node:http' ? [] : PARSERS[kind];
      host = await startHost(
        kind,
        { self: 'front' },
        kind === 'node:http' ? {} : { before: [...parsers, multipartEater], after: [ownRoutes] },
      );
    });
    after(() => host?.close());

    test('proxies a micro path, stripped, query kept', async () => {
      const got = await echo(host.port, '/api/x?y=1');
      assert.equal(got.micro, 'api');
      assert.equal(got.url, '/x?y=1');
      const nested = await echo(host.port, '/api/v2/deep/path?z=%20');
      assert.equal(nested.micro, 'v2');
      assert.equal(nested.url, '/deep/path?z=%20');
    });

    test('micros report their state, and self is never spawned', () => {
      const byName = Object.fromEntries(host.router.micros.map((micro) => [micro.name, micro]));
      assert.equal(byName.api!.state, 'ready');
      assert.equal(typeof byName.api!.pid, 'number');
      assert.equal(byName.front!.pid, undefined);
      assert.equal(byName.docs!.port, undefined);
    });

    if (kind === 'node:http') {
      test('the self micro with no next(): a 404 that says the host must answer', async () => {
        const reply = await send(host.port, '/own/page', { headers: { accept: 'application/json' } });
        assert.equal(reply.status, 404);
        assert.equal(JSON.parse(reply.body).error.code, 'served_by_host');
      });
      test('a streamed body passes through untouched', async () => {
        const got = await echo(host.port, '/api/post', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n": 1.0}' });
        assert.equal(got.body, '{"n": 1.0}');
      });
      return;
    }

    test("the self micro's requests go to next() with the url untouched", async () => {
      const reply = await send(host.port, '/own/page?q=1');
      assert.equal(reply.status, 200);
      assert.equal(reply.body, 'host saw /own/page?q=1');
    });

    test('a JSON body parsed before the router reaches the micro complete', async () => {
      const sent = '{"n": 1.0, "text": "caf\u00e9", "list": [1, {"a": null}]}';
      const got = await echo(host.port, '/api/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: sent });
      assert.equal(got.body, JSON.stringify(JSON.parse(sent)));
      assert.equal(got.headers['content-length'], String(Buffer.byteLength(got.body)));
      assert.equal(got.headers['content-type'], 'application/json');
    });

    test('a urlencoded body parsed before the router reaches the micro as the same form', async () => {
      const sent = 'name=caf%C3%A9&list=x&list=y';
      const got = await echo(host.port, '/api/form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: sent });
      assert.equal(got.body, sent);
    });

    test('a one-item list of a form (tags[]=a) reaches the micro still a list', async () => {
      // qs (urlencoded extended: true) reads `tags[]=a` as ['a']; sent on as `tags=a`, a qs micro
      // would read the string 'a'. Repeated keys already say "list" for two items or more.
      const sent = 'tags[]=a&one[x][]=1&list=x&list=y';
      const got = await echo(host.port, '/api/form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: sent });
      assert.equal(decodeURIComponent(got.body), sent);
    });

    test('a text body parsed before the router reaches the micro unchanged', async () => {
      const got = await echo(host.port, '/api/text', { method: 'PUT', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'hello caf\u00e9' });
      assert.equal(got.body, 'hello caf\u00e9');
      assert.equal(got.method, 'PUT');
    });

    test('a multipart body consumed before the router: a clear 500, not a hang', async () => {
      const body = '--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--b--\r\n';
      const reply = await send(host.port, '/api/upload', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=b', accept: 'application/json' },
        body,
      });
      assert.equal(reply.status, 500);
      const { error } = JSON.parse(reply.body);
      assert.equal(error.code, 'request_body_consumed');
      assert.match(error.message, /Mount spaceRouter before body parsers/);
      assert.equal(error.micro.name, 'api');
    });
  });
}

describe('mounted under a path by mistake', () => {
  let server: Server;
  let router: SpaceRouter;
  const warnings: string[] = [];
  before(async () => {
    router = spaceRouter(APP, { logger: { ...quietLogger, warn: (line: string) => warnings.push(line) } });
    const app = express5();
    app.use('/api', router);
    server = createServer(app);
    router.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await router.ready();
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await router?.close();
  });

  test("Express's app.use('/api', router) is named once, with the fix", async () => {
    const { port } = server.address() as AddressInfo;
    const first = await echo(port, '/api/hello');
    assert.equal(first.micro, 'front');
    await echo(port, '/api/again');
    assert.deepEqual(warnings, [
      "space-router: the router is mounted under /api (app.use('/api', router)), so it sees /hello without that prefix " +
        'and routes it as such. Mount it at the root, app.use(router): it matches micro paths itself.',
    ]);
  });
});
