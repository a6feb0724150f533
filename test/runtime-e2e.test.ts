import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { SpaceRouter } from 'space-router';
import { createAppKey } from '../lib/runtime/app-keys.js';
import { DEV_APP_VERSION } from '../lib/runtime/env.js';
import { localKeys } from '../lib/runtime/keys.js';
import { UnknownActionError } from '../lib/runtime/actions.js';
import { startHost, type Host } from './fixtures/router/harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'runtime', 'app');
const scratch = mkdtempSync(join(tmpdir(), 'runtime-e2e-'));
// Keys and app-key hashes go to the user's config dir; keep this test's out of the real one.
process.env.XDG_CONFIG_HOME = scratch;
// A parent variable wins over a preset default.
process.env.PARENT_WINS = 'from-parent';
delete process.env.GREETING;
delete process.env.NO_DEFAULT;
delete process.env.EMPTY_DEFAULT;

const keys = localKeys(root);
let host: Host | undefined;
let router: SpaceRouter;
let port: number;
let appKey: string;

before(async () => {
  appKey = createAppKey(root, 'e2e').key;
  host = await startHost('node:http', { auth: true, logger: { info() {}, warn() {}, error() {} } }, {}, join(root, 'Spacefile'));
  ({ router, port } = host);
});

after(async () => {
  await host?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

const withKey = { 'x-api-key': keys.apiKey };

async function envOf(mount: string): Promise<Record<string, string>> {
  const answer = await get(`${mount}/env`, withKey);
  assert.equal(answer.status, 200, answer.body);
  return JSON.parse(answer.body) as Record<string, string>;
}

describe('each micro gets the Space environment', () => {
  const micros = [
    { name: 'web', mount: '', type: 'primary', python: false },
    { name: 'api', mount: '/api', type: 'normal', python: false },
    { name: 'py', mount: '/py', type: 'normal', python: true },
  ];
  for (const m of micros) {
    test(`${m.name}: variable by variable`, async () => {
      const env = await envOf(m.mount);
      const microPort = router.micros.find((s) => s.name === m.name)?.port;
      assert.equal(typeof microPort, 'number');
      assert.equal(env.PORT, String(microPort));
      assert.equal(env.UVICORN_PORT, m.python ? String(microPort) : undefined);
      assert.equal(env.DETA_SPACE_APP_HOSTNAME, `127.0.0.1:${port}`);
      assert.equal(env.DETA_SPACE_APP_MICRO_NAME, m.name);
      assert.equal(env.DETA_SPACE_APP_MICRO_TYPE, m.type);
      assert.equal(env.DETA_SPACE_APP, 'true');
      assert.equal(env.DETA_SPACE_APP_VERSION, DEV_APP_VERSION);
      assert.match(env.DETA_PROJECT_KEY ?? '', /^[0-9a-f]{8}_[0-9a-f]{32}$/);
      assert.equal(env.DETA_PROJECT_KEY, keys.projectKey);
      assert.equal(env.DETA_API_KEY, keys.apiKey);
      // Presets belong to the micro that declares them; empty and missing defaults set nothing.
      assert.equal(env.GREETING, m.name === 'web' ? 'hello' : undefined);
      assert.equal(env.PARENT_WINS, 'from-parent');
      assert.equal('EMPTY_DEFAULT' in env, false);
      assert.equal('NO_DEFAULT' in env, false);
    });
  }
});

describe('server-side calls between micros through the router (seed page pattern)', () => {
  const calls = [
    { from: 'web (Node)', mount: '', to: '/py/whoami?x=1', expect: 'py:py:/whoami?x=1' },
    { from: 'web (Node)', mount: '', to: '/api/whoami', expect: 'node:api:/whoami' },
    { from: 'py (Python stdlib)', mount: '/py', to: '/api/items/7', expect: 'node:api:/items/7' },
    { from: 'py (Python stdlib)', mount: '/py', to: '/dashboard', expect: 'node:web:/dashboard' },
  ];
  for (const c of calls) {
    test(`${c.from} -> ${c.to} with X-API-Key: $DETA_API_KEY reaches the micro`, async () => {
      const answer = await get(`${c.mount}/call?path=${encodeURIComponent(c.to)}`, withKey);
      assert.equal(answer.status, 200, answer.body);
      assert.deepEqual(JSON.parse(answer.body), { status: 200, body: c.expect });
    });
    test(`${c.from} -> ${c.to} with a wrong key gets 401`, async () => {
      const answer = await get(`${c.mount}/call?path=${encodeURIComponent(c.to)}&key=wrong`, withKey);
      assert.equal(answer.status, 200, answer.body);
      const result = JSON.parse(answer.body) as { status: number; body: string };
      assert.equal(result.status, 401);
      assert.equal(JSON.parse(result.body).reason, "X-API-Key does not match the app's DETA_API_KEY.");
    });
  }
});

describe('auth through the router', () => {
  test('anonymous API client: 401 JSON naming the reason', async () => {
    const answer = await get('/api/whoami', { accept: 'application/json' });
    assert.equal(answer.status, 401);
    assert.equal(
      JSON.parse(answer.body).reason,
      'This route of micro "api" is private: sign in at /__space/signin, send X-API-Key with DETA_API_KEY, or list it in public_routes.',
    );
  });

  test('anonymous browser: redirected to sign-in with the URL to return to', async () => {
    const answer = await get('/py/whoami?a=b', { accept: 'text/html' });
    assert.equal(answer.status, 302);
    assert.equal(answer.location, '/__space/signin?next=%2Fpy%2Fwhoami%3Fa%3Db');
  });

  test('public route of the primary is open', async () => {
    const answer = await get('/public/logo.svg');
    assert.deepEqual(answer, { status: 200, body: 'node:web:/public/logo.svg', location: undefined });
  });

  test('the sign-in page is served below /__space', async () => {
    const answer = await get('/__space/signin?next=%2Fapi');
    assert.equal(answer.status, 200);
    assert.match(answer.body, /id="signin"/);
  });

  test('an app key created for the project opens the micro with the preset only', async () => {
    assert.equal((await get('/api/whoami', { 'x-space-app-key': appKey })).body, 'node:api:/whoami');
    assert.equal((await get('/py/whoami', { 'x-space-app-key': appKey })).status, 401);
  });

  test('path tricks are judged by the micro they route to', async () => {
    assert.equal((await get('//api/whoami', { 'x-space-app-key': appKey })).status, 401);
    assert.equal((await get('/%61pi/whoami', { 'x-space-app-key': appKey })).status, 401);
    assert.equal((await get('/%61pi/whoami', withKey)).body, 'node:web:/%61pi/whoami');
    assert.equal((await get('/api/../public/x', withKey)).body, 'node:api:/../public/x');
    assert.equal((await get('/public/../dashboard')).status, 401);
  });
});

describe('router.trigger', () => {
  test('POSTs the event to the owning micro at its own root', async () => {
    const result = await router.trigger('nightly');
    assert.equal(result.status, 200);
    assert.deepEqual(JSON.parse(result.body), {
      micro: 'api',
      path: '/__space/v0/actions',
      contentType: 'application/json',
      body: '{"event":{"id":"nightly","trigger":"schedule"}}',
    });
  });

  test('an unknown action id is a named error', async () => {
    await assert.rejects(router.trigger('weekly'), (error: unknown) => {
      assert.ok(error instanceof UnknownActionError);
      assert.equal(error.message, 'Unknown action "weekly": the Spacefile declares "nightly".');
      return true;
    });
  });
});

describe('sign-in in headless Chromium through the router', () => {
  test('anonymous visit -> sign-in -> back on the original URL; sign-out -> redirected again', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const origin = `http://127.0.0.1:${port}`;
      const page = await browser.newPage();
      await page.goto(`${origin}/api/report?month=12`);
      assert.equal(page.url(), `${origin}/__space/signin?next=%2Fapi%2Freport%3Fmonth%3D12`);
      await Promise.all([page.waitForURL(`${origin}/api/report?month=12`), page.click('#signin')]);
      assert.equal(await page.locator('body').innerText(), 'node:api:/report?month=12');
      await page.goto(`${origin}/py/whoami`);
      assert.equal(await page.locator('body').innerText(), 'py:py:/whoami');
      await page.goto(`${origin}/__space/signout?next=%2Fapi%2Freport%3Fmonth%3D12`);
      assert.equal(page.url(), `${origin}/__space/signin?next=%2Fapi%2Freport%3Fmonth%3D12`);
    } finally {
      await browser.close();
    }
  });
});
