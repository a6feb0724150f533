import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouteTable, type RouteResult } from 'space-router';
import { parseSpacefile } from 'space-router';
import { rewriteLocation } from '../lib/router/location.js';
import { encodeForm } from '../lib/router/form-encoding.js';

const spacefile = parseSpacefile(`
v: 0
micros:
  - name: api
    src: api
    engine: nodejs16
    dev: node a.js
  - name: web
    src: web
    engine: custom
    primary: true
    dev: node w.js
  - name: deep
    src: deep
    engine: custom
    path: api/v2/deep
    dev: node d.js
  - name: v2
    src: v2
    engine: custom
    path: api/v2
    dev: node v.js
`);
const route = createRouteTable(spacefile.micros);
const explain = (result: RouteResult) =>
  result.micro === null ? ['runtime', result.path] : [result.micro.name, result.path];

test('longest mount path wins whatever the Spacefile order', () => {
  assert.deepEqual(explain(route('/api/v2/deep/x')), ['deep', '/x']);
  assert.deepEqual(explain(route('/api/v2/deeper')), ['v2', '/deeper']);
  assert.deepEqual(explain(route('/api/v2')), ['v2', '/']);
  assert.deepEqual(explain(route('/api/v3')), ['api', '/v3']);
  assert.deepEqual(explain(route('/api')), ['api', '/']);
});

test('segment boundaries, case and encoding are respected on the raw target', () => {
  assert.deepEqual(explain(route('/api?x=/api/v2')), ['api', '/?x=/api/v2']);
  assert.deepEqual(explain(route('/api#frag')), ['api', '/#frag']);
  assert.deepEqual(explain(route('/api-docs')), ['web', '/api-docs']);
  assert.deepEqual(explain(route('/Api/x')), ['web', '/Api/x']);
  assert.deepEqual(explain(route('/api%2Fv2/x')), ['web', '/api%2Fv2/x']);
  assert.deepEqual(explain(route('/api/v2%2Fdeep')), ['api', '/v2%2Fdeep']);
});

test('absolute-form targets route like their path', () => {
  assert.deepEqual(explain(route('http://example.com:8080/api/v2/x?q')), ['v2', '/x?q']);
  assert.deepEqual(explain(route('http://example.com')), ['web', '/']);
  assert.deepEqual(explain(route('https://example.com?q=1')), ['web', '/?q=1']);
});

test('/__space is reserved, /__spacex is not', () => {
  assert.deepEqual(explain(route('/__space/v0/actions')), ['runtime', '/v0/actions']);
  assert.deepEqual(explain(route('/__space')), ['runtime', '/']);
  assert.deepEqual(explain(route('/__spacex')), ['web', '/__spacex']);
});

test("Location rewriting only touches the micro's own loopback address", () => {
  const micro = { port: 4100 };
  const origin = 'http://app.local:3000';
  assert.equal(rewriteLocation('http://127.0.0.1:4100/x?y=%20#h', micro, origin, '/api'), 'http://app.local:3000/api/x?y=%20#h');
  assert.equal(rewriteLocation('http://localhost:4100', micro, origin, '/api'), 'http://app.local:3000/api/');
  assert.equal(rewriteLocation('http://[::1]:4100/a', micro, origin, '/'), 'http://app.local:3000/a');
  assert.equal(rewriteLocation('http://127.0.0.1:4101/x', micro, origin, '/api'), undefined);
  assert.equal(rewriteLocation('https://127.0.0.1:4100/x', micro, origin, '/api'), undefined);
  assert.equal(rewriteLocation('/relative', micro, origin, '/api'), undefined);
  assert.equal(rewriteLocation('http://example.com:4100/x', micro, origin, '/api'), undefined);
});

test('parsed forms are re-encoded so either parser reads the same value back', () => {
  assert.equal(encodeForm({ a: '1', list: ['x', 'y'], nested: { b: 'c d' }, rows: [{ n: '1' }] }).join('&'),
    'a=1&list=x&list=y&nested%5Bb%5D=c%20d&rows%5B0%5D%5Bn%5D=1');
  assert.equal(encodeForm({ empty: '', none: null }).join('&'), 'empty=&none=');
});
