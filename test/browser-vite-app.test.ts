import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import getPort from 'get-port';
import { createServer } from 'vite';
import { collectErrors, consoleMessage, launchChromium } from './fixtures/integrations/browser.js';
import { frontendDir } from './fixtures/integrations/vite-scenario.js';

const greetingFile = path.join(frontendDir, 'src', 'greeting.ts');

test('the Vite example in Chromium: one origin, the api micro answers, HMR keeps page state', async (t) => {
  const port = await getPort({ host: '127.0.0.1' });
  const server = await createServer({
    root: frontendDir,
    configLoader: 'native',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port, strictPort: true },
  });
  t.after(() => server.close());
  await server.listen();
  const origin = `http://127.0.0.1:${port}`;

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors = collectErrors(page);

  const connected = consoleMessage(page, /\[vite\] connected/);
  await page.goto(`${origin}/`);
  await connected;
  assert.equal(await page.textContent('#greeting'), 'Hello from Vite');
  // Survives HMR, but not a full reload.
  await page.evaluate("window.loadedOnce = 'yes'");

  for (let i = 0; i < 3; i += 1) await page.click('#count');
  assert.equal(await page.textContent('#count'), 'count: 3');

  const answered = page.waitForResponse((res) => res.url().endsWith('/api/users'));
  await page.click('#load');
  const response = await answered;
  assert.equal(response.url(), `${origin}/api/users`);
  assert.equal(response.status(), 200);
  await page.waitForSelector('#users li:nth-child(2)');
  assert.deepEqual(await page.$$eval('#users li', (items) => items.map((li) => li.textContent)), ['Ada', 'Grace']);

  const original = readFileSync(greetingFile, 'utf8');
  try {
    const updated = consoleMessage(page, /\[vite\] hot updated: \/src\/greeting\.ts/);
    writeFileSync(greetingFile, original.replace('Hello from Vite', 'Hello from HMR'));
    await updated;
    await page.waitForFunction("document.querySelector('#greeting')?.textContent === 'Hello from HMR'");
  } finally {
    writeFileSync(greetingFile, original);
  }
  assert.equal(await page.textContent('#count'), 'count: 3');
  assert.equal(await page.evaluate('window.loadedOnce'), 'yes');
  assert.deepEqual(errors, []);
});
