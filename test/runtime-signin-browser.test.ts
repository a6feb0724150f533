import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createAuthGate } from '../lib/runtime/auth.js';
import type { Spacefile } from '../lib/spacefile/types.js';
import { micro, startGateHost, startUpstreams, type Upstreams } from './fixtures/runtime/gate-host.js';

// Debian's chromium (apt-get install chromium); CI installs it.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const micros = [micro({ name: 'web', primary: true, path: '/', publicRoutes: ['/welcome'] }), micro({ name: 'api' })];
const spacefile: Spacefile = { v: 0, micros, autoPwa: true };

let upstreams: Upstreams;
let host: { port: number; close(): Promise<void> };
let browser: Browser;
/** What the micros saw, minus the favicon requests the browser makes on its own. */
const seen = () => upstreams.seen.filter((entry) => !entry.endsWith('/favicon.ico'));

before(async () => {
  upstreams = await startUpstreams(micros);
  host = await startGateHost(micros, createAuthGate({ spacefile, apiKey: 'k' }), upstreams.ports);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await host?.close();
  await upstreams?.close();
});

test('anonymous visit -> sign-in page -> back on the original URL; sign-out -> sent to sign-in again', async () => {
  const origin = `http://127.0.0.1:${host.port}`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();

    await page.goto(`${origin}/api/reports?year=2026`);
    assert.equal(page.url(), `${origin}/__space/signin?next=%2Fapi%2Freports%3Fyear%3D2026`);
    assert.equal(await page.title(), 'Sign in - space-router');
    assert.deepEqual(seen(), []);

    await Promise.all([page.waitForURL(`${origin}/api/reports?year=2026`), page.click('#signin')]);
    assert.equal(await page.locator('body').innerText(), 'api:/reports?year=2026');
    assert.deepEqual(seen(), ['api:/reports?year=2026']);

    const [session] = await context.cookies(origin);
    assert.match(session?.name ?? '', /^space_router_session_[0-9a-f]{8}$/);
    assert.equal(session?.httpOnly, true);
    assert.equal(session?.sameSite, 'Lax');
    assert.equal(await page.evaluate('document.cookie'), '');

    await page.goto(`${origin}/api/reports?year=2026`);
    assert.equal(await page.locator('body').innerText(), 'api:/reports?year=2026');

    await page.goto(`${origin}/__space/signout?next=${encodeURIComponent('/api/reports?year=2026')}`);
    assert.equal(page.url(), `${origin}/__space/signin?next=%2Fapi%2Freports%3Fyear%3D2026`);
    assert.deepEqual(await context.cookies(origin), []);

    await page.goto(`${origin}/welcome`);
    assert.equal(await page.locator('body').innerText(), 'web:/welcome');
    assert.deepEqual(seen(), ['api:/reports?year=2026', 'api:/reports?year=2026', 'web:/welcome']);
  } finally {
    await context.close();
  }
});
