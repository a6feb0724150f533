import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSpaceApp } from 'space-router/testing';
import { collectErrors, launchChromium } from './fixtures/integrations/browser.js';
import { closeSocket, firstMessage } from './fixtures/integrations/sockets.js';

const exampleDir = fileURLToPath(new URL('../examples/next-micro/', import.meta.url));
const greetingFile = `${exampleDir}web/app/greeting.jsx`;

test('Next as the primary micro in Chromium: one origin, the api micro answers, Fast Refresh keeps state', async (t) => {
  const app = await startSpaceApp(`${exampleDir}Spacefile`, {
    env: { NEXT_TELEMETRY_DISABLED: '1' },
    readyTimeout: 120_000,
    logger: { info() {}, warn: console.warn, error: console.error },
  });
  t.after(() => app.close());
  // Next's dev server accepts its own resources from localhost origins.
  const origin = `http://localhost:${app.port}`;

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors = collectErrors(page);

  const hmrSocket = page.waitForEvent('websocket', { predicate: (ws) => ws.url().includes('/_next/hmr'), timeout: 90_000 });
  await page.goto(`${origin}/`, { timeout: 90_000 });
  const socket = await hmrSocket;
  assert.equal(new URL(socket.url()).host, `localhost:${app.port}`);
  await socket.waitForEvent('framereceived', { timeout: 60_000 });
  assert.equal(await page.textContent('#greeting'), 'Hello from Next');
  await page.evaluate("window.loadedOnce = 'yes'");

  for (let i = 1; i <= 3; i += 1) {
    await page.click('#count');
    await page.waitForFunction(`document.querySelector('#count')?.textContent === 'count: ${i}'`);
  }

  const answered = page.waitForResponse((res) => res.url().endsWith('/api/hello'));
  await page.click('#ask');
  const response = await answered;
  assert.equal(response.url(), `${origin}/api/hello`);
  assert.equal(response.status(), 200);
  await page.waitForFunction("document.querySelector('#answer')?.textContent !== ''");
  assert.equal(await page.textContent('#answer'), 'hello from the api micro');

  const original = readFileSync(greetingFile, 'utf8');
  try {
    writeFileSync(greetingFile, original.replace('Hello from Next', 'Hello from Fast Refresh'));
    await page.waitForFunction("document.querySelector('#greeting')?.textContent === 'Hello from Fast Refresh'", undefined, { timeout: 60_000 });
  } finally {
    writeFileSync(greetingFile, original);
  }
  assert.equal(await page.textContent('#count'), 'count: 3');
  assert.equal(await page.evaluate('window.loadedOnce'), 'yes');
  assert.deepEqual(errors, []);

  // The api micro's own websocket shares the origin with Next's HMR socket.
  const api = await firstMessage(app.wsUrl('/api/ws'));
  assert.equal(api.message, 'api saw /ws');
  await closeSocket(api.socket);

  await browser.close();
  await app.close();
});
