import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { echo, rawJsonBody, send, sendRaw, startHost, type Echo, type Host } from './fixtures/router/harness.js';

// Each row: the request target the browser sends, the micro that must get it, and the exact
// request target that micro must see (spec section 2: segment match on the raw path, whole
// prefix stripped, every other byte kept).
const ROWS: Array<[target: string, micro: string, seen: string]> = [
  ['/', 'front', '/'],
  ['/api', 'api', '/'],
  ['/api/', 'api', '/'],
  ['/api/x?y=1', 'api', '/x?y=1'],
  ['/api?q=1', 'api', '/?q=1'],
  ['/api/users/42?x=1&x=2', 'api', '/users/42?x=1&x=2'],
  ['/apix', 'front', '/apix'],
  ['/api.ts', 'front', '/api.ts'],
  ['/apikey/x', 'front', '/apikey/x'],
  ['/API/x', 'front', '/API/x'],
  ['/api%2Fx', 'front', '/api%2Fx'],
  ['/%61pi/x', 'front', '/%61pi/x'],
  ['//api/x', 'front', '//api/x'],
  ['/api//x', 'api', '//x'],
  ['/api/a%20b/%E2%9C%93?q=%2F%3F', 'api', '/a%20b/%E2%9C%93?q=%2F%3F'],
  ['/api/x/../y', 'api', '/x/../y'],
  ['/api/v2', 'v2', '/'],
  ['/api/v2/items?page=2', 'v2', '/items?page=2'],
  ['/api/v2x', 'api', '/v2x'],
  ['/api/v3/items', 'api', '/v3/items'],
  ['/front/x', 'front', '/front/x'],
];

describe('routing through a real router to real micros', () => {
  let host: Host;
  before(async () => {
    host = await startHost('node:http');
  });
  after(() => host?.close());

  for (const [target, micro, seen] of ROWS) {
    test(`${target} -> ${micro} sees ${seen}`, async () => {
      const got = await echo(host.port, target);
      assert.equal(got.micro, micro);
      assert.equal(got.url, seen);
      assert.equal(got.method, 'GET');
    });
  }

  test('a UTF-8 path as a browser sends it (percent-encoded) arrives in the same encoding', async () => {
    const target = new URL('/api/caf\u00e9/\u2713 x?n=\u00fc', 'http://localhost');
    const got = await echo(host.port, target.pathname + target.search);
    assert.equal(got.micro, 'api');
    assert.equal(got.url, '/caf%C3%A9/%E2%9C%93%20x?n=%C3%BC');
  });

  test('an absolute-form request target is routed like its path', async () => {
    const head = `GET http://127.0.0.1:${host.port}/api/v2/abs?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`;
    const got = rawJsonBody<Echo>(await sendRaw(host.port, head));
    assert.equal(got.micro, 'v2');
    assert.equal(got.url, '/abs?x=1');
  });

  test('methods and bodies pass through unchanged', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const got = await echo(host.port, '/api/items/7', {
        method,
        headers: { 'content-type': 'application/json' },
        body: '{"n": 1.0, "text":"caf\u00e9"}',
      });
      assert.equal(got.method, method);
      assert.equal(got.url, '/items/7');
      assert.equal(got.body, '{"n": 1.0, "text":"caf\u00e9"}');
    }
  });

  test('/__space is the runtime\'s: no micro receives it', async () => {
    const reply = await send(host.port, '/__space/v0/anything', { headers: { accept: 'application/json' } });
    assert.equal(reply.status, 404);
    assert.equal(JSON.parse(reply.body).error.code, 'runtime_path');
  });

  test('route() explains URLs without sending anything', () => {
    assert.deepEqual(host.router.route('/api/x?y=1'), { micro: 'api', path: '/x?y=1' });
    assert.deepEqual(host.router.route('/api/v2'), { micro: 'v2', path: '/' });
    assert.deepEqual(host.router.route('/apix'), { micro: 'front', path: '/apix' });
    assert.deepEqual(host.router.route('/__space/v0/actions'), { micro: null });
  });
});
