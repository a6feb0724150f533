import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createAppKey, revokeAppKey } from '../lib/runtime/app-keys.js';
import { createAuthGate } from '../lib/runtime/auth.js';
import type { Spacefile } from '../lib/spacefile/types.js';
import { micro, send, startGateHost, startUpstreams, type Upstreams } from './fixtures/runtime/gate-host.js';

const API_KEY = 'test-api-key_0123456789';
const OPTION_APP_KEY = 'sak_given-as-option';

const scratch = mkdtempSync(join(tmpdir(), 'runtime-auth-'));
const projectRoot = join(scratch, 'project');
process.env.XDG_CONFIG_HOME = join(scratch, 'config');

const micros = [
  micro({ name: 'web', primary: true, path: '/', publicRoutes: ['/', '/assets/*'] }),
  micro({
    name: 'api',
    presets: { env: [], apiKeys: true },
    // Wildcards at the end, the start and in the middle of a pattern.
    publicRoutes: ['/public/*', '/health', '*.png', '/docs/*/index.html'],
  }),
  micro({ name: 'open', public: true }),
  micro({ name: 'admin' }),
];
const spacefile: Spacefile = { v: 0, micros, autoPwa: true, root: projectRoot };

let upstreams: Upstreams;
let host: { port: number; close(): Promise<void> };
let storedKey: string;
let cookie: string;

before(async () => {
  storedKey = createAppKey(projectRoot, 'ci').key;
  upstreams = await startUpstreams(micros);
  host = await startGateHost(micros, createAuthGate({ spacefile, apiKey: API_KEY, appKeys: [OPTION_APP_KEY] }), upstreams.ports);
  const signIn = await send(host.port, '/__space/signin?next=/', { method: 'POST' });
  cookie = String(signIn.headers['set-cookie']?.[0]).split(';')[0]!;
});

after(async () => {
  await host?.close();
  await upstreams?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const json = { accept: 'application/json' };
const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

interface Row {
  name: string;
  target: string;
  method?: string;
  headers?: () => Record<string, string>;
  status: number;
  /** What the one upstream that got the request saw (`micro:path`), or null when none did. */
  saw: string | null;
  location?: string;
  reason?: RegExp;
}

const rows: Row[] = [
  // The primary's public routes.
  { name: 'primary public root', target: '/', status: 200, saw: 'web:/' },
  { name: 'primary public wildcard', target: '/assets/app.js?v=1', status: 200, saw: 'web:/assets/app.js?v=1' },
  { name: 'primary private route, API client', target: '/dashboard', headers: () => json, status: 401, saw: null, reason: /micro "web" is private/ },
  { name: 'primary private route, anonymous browser', target: '/dashboard?tab=2', headers: () => browser, status: 302, saw: null, location: '/__space/signin?next=%2Fdashboard%3Ftab%3D2' },
  { name: 'browser POST is not redirected', target: '/dashboard', method: 'POST', headers: () => browser, status: 401, saw: null },
  { name: 'signed-in cookie', target: '/dashboard', headers: () => ({ ...browser, cookie }), status: 200, saw: 'web:/dashboard' },
  { name: 'signed-in cookie among others', target: '/dashboard', headers: () => ({ cookie: `a=1; ${cookie}; b=2` }), status: 200, saw: 'web:/dashboard' },
  { name: 'forged cookie', target: '/dashboard', headers: () => ({ cookie: `${cookie.slice(0, -2)}xx` }), status: 401, saw: null },
  { name: 'X-API-Key', target: '/dashboard', headers: () => ({ 'x-api-key': API_KEY }), status: 200, saw: 'web:/dashboard' },
  { name: 'wrong X-API-Key', target: '/dashboard', headers: () => ({ 'x-api-key': 'nope' }), status: 401, saw: null, reason: /X-API-Key does not match/ },
  { name: 'wrong X-API-Key is not rescued by a session', target: '/dashboard', headers: () => ({ 'x-api-key': 'nope', cookie, ...browser }), status: 401, saw: null },
  { name: 'X-API-Key reaches a non-primary micro', target: '/admin/users', headers: () => ({ 'x-api-key': API_KEY }), status: 200, saw: 'admin:/users' },

  // public_routes relative to the micro root, wildcards in several positions.
  { name: 'trailing wildcard', target: '/api/public/a/b', status: 200, saw: 'api:/public/a/b' },
  { name: 'trailing wildcard, empty run', target: '/api/public/', status: 200, saw: 'api:/public/' },
  { name: 'trailing wildcard needs its slash', target: '/api/public', status: 401, saw: null },
  { name: 'query stripped before matching', target: '/api/public/x?next=/private', status: 200, saw: 'api:/public/x?next=/private' },
  { name: 'exact route', target: '/api/health', status: 200, saw: 'api:/health' },
  { name: 'exact route with query', target: '/api/health?full=1', status: 200, saw: 'api:/health?full=1' },
  { name: 'exact route is not a prefix', target: '/api/health/deep', status: 401, saw: null },
  { name: 'exact route, longer name', target: '/api/healthz', status: 401, saw: null },
  { name: 'leading wildcard', target: '/api/img/logo.png', status: 200, saw: 'api:/img/logo.png' },
  { name: 'leading wildcard, wrong extension', target: '/api/img/logo.png.txt', status: 401, saw: null },
  { name: 'middle wildcard', target: '/api/docs/v1/index.html', status: 200, saw: 'api:/docs/v1/index.html' },
  { name: 'middle wildcard spans segments', target: '/api/docs/v1/en/index.html', status: 200, saw: 'api:/docs/v1/en/index.html' },
  { name: 'middle wildcard needs both ends', target: '/api/docs/index.html', status: 401, saw: null },
  { name: 'patterns are relative to the micro root', target: '/public/x', status: 401, saw: null },
  { name: 'public: true', target: '/open/anything/at/all', status: 200, saw: 'open:/anything/at/all' },
  { name: 'public: true, micro root', target: '/open', status: 200, saw: 'open:/' },

  // App API keys.
  { name: 'app key from the option', target: '/api/private', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY }), status: 200, saw: 'api:/private' },
  { name: 'app key from the store', target: '/api/private', headers: () => ({ 'x-space-app-key': storedKey }), status: 200, saw: 'api:/private' },
  { name: 'unknown app key', target: '/api/private', headers: () => ({ 'x-space-app-key': 'sak_unknown' }), status: 401, saw: null, reason: /not an app API key of this project/ },
  { name: 'app key to a micro without the preset', target: '/admin/users', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY }), status: 401, saw: null, reason: /micro "admin", which does not accept app API keys/ },
  { name: 'app key to the primary without the preset', target: '/dashboard', headers: () => ({ 'x-space-app-key': storedKey }), status: 401, saw: null },
  { name: 'app key with a session is still judged alone', target: '/admin/users', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY, cookie }), status: 401, saw: null },
  { name: 'public route wins over a bad app key', target: '/api/public/x', headers: () => ({ 'x-space-app-key': 'sak_unknown' }), status: 200, saw: 'api:/public/x' },
  { name: 'public route wins over a bad X-API-Key', target: '/api/health', headers: () => ({ 'x-api-key': 'nope' }), status: 200, saw: 'api:/health' },
  { name: 'public micro wins over an app key without preset', target: '/open/x', headers: () => ({ 'x-space-app-key': 'sak_unknown' }), status: 200, saw: 'open:/x' },

  // Path tricks: routed on the raw path, judged by the owner's rules.
  { name: '/%61pi goes to the primary, private', target: '/%61pi/public/x', status: 401, saw: null },
  { name: '/%61pi with an app key: the primary has no preset', target: '/%61pi/private', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY }), status: 401, saw: null },
  { name: '/%61pi with X-API-Key reaches the primary, not api', target: '/%61pi/private', headers: () => ({ 'x-api-key': API_KEY }), status: 200, saw: 'web:/%61pi/private' },
  { name: '//api goes to the primary, private', target: '//api/public/x', status: 401, saw: null },
  { name: '//api with an app key: the primary has no preset', target: '//api/private', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY }), status: 401, saw: null },
  { name: '/api/../x stays with api, private there', target: '/api/../admin/users', status: 401, saw: null },
  { name: '/api/../x with an app key reaches api only', target: '/api/../admin/users', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY }), status: 200, saw: 'api:/../admin/users' },
  { name: '/api%2F.. goes to the primary, private', target: '/api%2F..%2Fpublic%2Fx', status: 401, saw: null },
  { name: '/api%2F.. with an app key: the primary has no preset', target: '/api%2F..%2Fadmin', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY }), status: 401, saw: null },
  { name: 'dot segments under a public prefix are not public', target: '/api/public/../private', status: 401, saw: null },
  { name: 'encoded dot segments under a public prefix are not public', target: '/api/public/%2E%2e/private', status: 401, saw: null },
  { name: 'encoded slash under a public prefix is not public', target: '/api/public/x%2F..%2F..%2Fprivate', status: 401, saw: null },
  { name: 'dot segments under the primary public prefix', target: '/assets/../dashboard', status: 401, saw: null },
  { name: 'case matters: /API is the primary', target: '/API/public/x', status: 401, saw: null },
  { name: '/apix is not api', target: '/apix/public/x', status: 401, saw: null },
  { name: 'absolute-form target routed like its path', target: 'http://example.test/api/public/x', status: 200, saw: 'api:/public/x' },
  { name: 'absolute-form target, private', target: 'http://example.test/api/private', status: 401, saw: null },
];

describe('auth gate decisions through real sockets', () => {
  for (const row of rows) {
    test(`${row.name}: ${row.method ?? 'GET'} ${row.target} -> ${row.status}`, async () => {
      const before = upstreams.seen.length;
      const answer = await send(host.port, row.target, { method: row.method, headers: row.headers?.() });
      assert.equal(answer.status, row.status, answer.body);
      assert.deepEqual(upstreams.seen.slice(before), row.saw === null ? [] : [row.saw]);
      if (row.saw !== null) assert.equal(answer.body, row.saw);
      if (row.location !== undefined) assert.equal(answer.headers.location, row.location);
      if (row.status === 401) {
        assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
        const body = JSON.parse(answer.body) as { error: string; reason: string };
        assert.equal(body.error, 'Unauthorized');
        assert.match(body.reason, row.reason ?? /./);
      }
    });
  }
});

describe('websocket upgrades use the same decision', () => {
  const cases: Array<{ name: string; target: string; headers?: () => Record<string, string>; opens: boolean; saw: string | null }> = [
    { name: 'anonymous to a private route', target: '/api/live', opens: false, saw: null },
    { name: 'anonymous to a public route', target: '/api/public/live', opens: true, saw: 'api:ws:/public/live' },
    { name: 'signed-in browser', target: '/api/live', headers: () => ({ cookie }), opens: true, saw: 'api:ws:/live' },
    { name: 'app key', target: '/api/live', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY }), opens: true, saw: 'api:ws:/live' },
    { name: 'app key without preset', target: '/admin/live', headers: () => ({ 'x-space-app-key': OPTION_APP_KEY }), opens: false, saw: null },
    { name: '//api trick', target: '//api/public/live', opens: false, saw: null },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.target} ${c.opens ? 'opens' : 'is refused with 401'}`, async () => {
      const before = upstreams.seen.length;
      const outcome = await new Promise<string>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${host.port}${c.target}`, { headers: c.headers?.() });
        socket.on('message', (data) => {
          resolve(`message:${String(data)}`);
          socket.close();
        });
        socket.on('unexpected-response', (_req, res) => {
          resolve(`status:${res.statusCode}`);
          res.resume();
        });
        socket.on('error', (error) => resolve(`error:${error.message}`));
      });
      const owner = c.target.startsWith('/admin') ? 'admin' : 'api';
      assert.equal(outcome, c.opens ? `message:hello from ${owner}` : 'status:401');
      assert.deepEqual(upstreams.seen.slice(before), c.saw === null ? [] : [c.saw]);
    });
  }
});

describe('sign-in and sign-out pages', () => {
  test('GET /__space/signin shows a page with a sign-in button that returns to next', async () => {
    const answer = await send(host.port, '/__space/signin?next=%2Fdashboard%3Ftab%3D2');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(answer.body, /<form method="post" action="\/__space\/signin\?next=%2Fdashboard%3Ftab%3D2"><button type="submit" id="signin">Sign in<\/button><\/form>/);
  });

  test('POST sets an HttpOnly signed session cookie and redirects to next', async () => {
    const answer = await send(host.port, '/__space/signin?next=%2Fdashboard%3Ftab%3D2', { method: 'POST', headers: { origin: `http://127.0.0.1:${host.port}`, host: `127.0.0.1:${host.port}` } });
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.location, '/dashboard?tab=2');
    const setCookie = answer.headers['set-cookie'] ?? [];
    assert.equal(setCookie.length, 1);
    assert.match(setCookie[0]!, /^space_router_session_[0-9a-f]{8}=v1\.[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const fresh = setCookie[0]!.split(';')[0]!;
    const page = await send(host.port, '/dashboard', { headers: { cookie: fresh } });
    assert.equal(page.status, 200);
  });

  test('a signed-in visit to the sign-in page offers sign-out', async () => {
    const answer = await send(host.port, '/__space/signin', { headers: { cookie } });
    assert.equal(answer.status, 200);
    assert.match(answer.body, /You are signed in/);
    assert.match(answer.body, /action="\/__space\/signout\?next=%2F"/);
  });

  for (const [next, location] of [
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['', '/'],
    ['/ok/path?x=1#frag', '/ok/path?x=1#frag'],
    ['/caf\u00e9/\u65e5 x', '/caf%C3%A9/%E6%97%A5%20x'],
  ] as const) {
    test(`next=${JSON.stringify(next)} redirects to ${location}`, async () => {
      const answer = await send(host.port, `/__space/signin?next=${encodeURIComponent(next)}`, { method: 'POST' });
      assert.equal(answer.status, 303);
      assert.equal(answer.headers.location, location);
    });
  }

  test('a sign-in form posted from another origin is refused', async () => {
    const answer = await send(host.port, '/__space/signin?next=/', { method: 'POST', headers: { origin: 'http://evil.example' } });
    assert.equal(answer.status, 403);
    assert.equal(answer.headers['set-cookie'], undefined);
  });

  test('sign-out clears the cookie and redirects to next', async () => {
    const answer = await send(host.port, '/__space/signout?next=%2Fdashboard', { headers: { cookie } });
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, '/dashboard');
    assert.deepEqual(answer.headers['set-cookie'], [`${cookie.slice(0, cookie.indexOf('='))}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`]);
  });

  test('other methods get 405 with Allow', async () => {
    const answer = await send(host.port, '/__space/signin', { method: 'DELETE' });
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.allow, 'GET, HEAD, POST');
  });

  test('other runtime paths are left to the router', async () => {
    const answer = await send(host.port, '/__space/v0/other');
    assert.equal(answer.status, 404);
    assert.equal(answer.body, 'no such runtime page');
  });

  test('a session from another gate (another secret) is not valid here', async () => {
    const otherHost = await startGateHost(micros, createAuthGate({ spacefile, apiKey: API_KEY }), upstreams.ports);
    try {
      const answer = await send(otherHost.port, '/dashboard', { headers: { cookie } });
      assert.equal(answer.status, 401);
    } finally {
      await otherHost.close();
    }
  });
});

describe('stored app keys', () => {
  test('only a hash is stored, outside the project, and revoking takes effect on a running gate', async () => {
    const created = createAppKey(projectRoot, 'revoke-me');
    const allowed = await send(host.port, '/api/private', { headers: { 'x-space-app-key': created.key } });
    assert.equal(allowed.status, 200);

    const storeDir = join(process.env.XDG_CONFIG_HOME!, 'space-router', 'app-keys');
    const files = readdirSync(storeDir);
    assert.equal(files.length, 1);
    const stored = readFileSync(join(storeDir, files[0]!), 'utf8');
    assert.equal(stored.includes(created.key), false);
    assert.equal(stored.includes(storedKey), false);

    assert.equal(revokeAppKey(projectRoot, 'revoke-me'), true);
    const refused = await send(host.port, '/api/private', { headers: { 'x-space-app-key': created.key } });
    assert.equal(refused.status, 401);
  });
});
