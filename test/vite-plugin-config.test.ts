import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import supertest from 'supertest';
import { createLogger, createServer, preview, type InlineConfig } from 'vite';
import spaceRouter, { type SpaceRouterPluginOptions } from 'space-router/vite';
import { processesWithEnv, until } from './fixtures/integrations/processes.js';

const fixture = fileURLToPath(new URL('./fixtures/integrations/vite-project', import.meta.url));
const quiet = { info() {}, warn() {}, error() {} };
const cacheDir = mkdtempSync(path.join(tmpdir(), 'space-router-vite-cache-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

function viteConfig(root: string, port: number, options: SpaceRouterPluginOptions = {}): InlineConfig {
  return {
    root,
    configFile: false,
    logLevel: 'silent',
    cacheDir,
    plugins: [spaceRouter({ logger: quiet, ...options })],
    server: { host: '127.0.0.1', port, strictPort: true },
  };
}

test('editing the Spacefile restarts Vite onto the new micros and stops the old ones', async (t) => {
  const project = mkdtempSync(path.join(tmpdir(), 'space-router-vite-'));
  t.after(() => rmSync(project, { recursive: true, force: true }));
  cpSync(fixture, project, { recursive: true });
  const port = await getPort({ host: '127.0.0.1' });
  const server = await createServer(viteConfig(path.join(project, 'web'), port));
  t.after(() => server.close());
  await server.listen();
  const request = supertest(`http://127.0.0.1:${port}`);
  const apiEnv = ['DETA_SPACE_APP_MICRO_NAME=api', `DETA_SPACE_APP_HOSTNAME=127.0.0.1:${port}`];

  await request.get('/api/users').expect(200, { prefix: '/api', path: '/users' });
  const [before] = processesWithEnv(apiEnv);
  assert.ok(before);

  const spacefile = path.join(project, 'Spacefile');
  writeFileSync(spacefile, readFileSync(spacefile, 'utf8').replace('dev: node server.mjs', 'path: v1\n    dev: node server.mjs'));
  // Requests in flight while Vite swaps servers may be cut; only the outcome counts.
  const answered = async () => (await request.get('/v1/users').catch(() => undefined))?.status === 200;
  await until('/v1 to reach the api micro', answered, 30_000);
  await request.get('/v1/users').expect(200, { prefix: '/v1', path: '/users' });
  const after = await until('exactly one api process, not the old one', () => {
    const pids = processesWithEnv(apiEnv);
    return pids.length === 1 && pids[0] !== before ? pids : undefined;
  });
  assert.notEqual(after[0], before);
  // `/api` is no micro's any more: Vite answers it (its SPA fallback serves index.html).
  const old = await request.get('/api/users').set('accept', 'text/html').expect(200);
  assert.match(old.text, /vite fixture/);

  await server.close();
  assert.deepEqual(processesWithEnv(apiEnv), []);
});

test('bad setups fail Vite at startup with a message that says what to do', async () => {
  const port = await getPort({ host: '127.0.0.1' });
  await assert.rejects(
    createServer(viteConfig(path.join(fixture, 'elsewhere'), port)),
    (error: Error) => {
      assert.equal(
        error.message,
        `space-router/vite: no micro of ${path.join(fixture, 'Spacefile')} has Vite's root (${path.join(fixture, 'elsewhere')}) as its src; ` +
          "its micros are web (src: ./web), api (src: ./api). Point a micro's src at this directory, or name the micro Vite serves: spaceRouter({ micro: 'frontend' }).",
      );
      return true;
    },
  );
  await assert.rejects(createServer(viteConfig(path.join(fixture, 'web'), port, { micro: 'frontend' })), {
    message: `space-router/vite: the plugin option micro: "frontend" names no micro of ${path.join(fixture, 'Spacefile')}; its micros are web (src: ./web), api (src: ./api).`,
  });
  await assert.rejects(createServer(viteConfig(tmpdir(), port)), (error: Error) => {
    assert.match(error.message, /^space-router\/vite: no Spacefile in \/tmp or any of its parent directories\. Create one at the project root, or pass its path: spaceRouter\(\{ spacefile: '\.\.\/Spacefile' \}\)\.$/);
    return true;
  });
  await assert.rejects(createServer(viteConfig(path.join(fixture, 'web'), port, { spacefile: '../Nope' })), {
    message: `space-router/vite: the Spacefile given in the plugin options does not exist: ${path.join(fixture, 'Nope')}. Pass the path of the Spacefile (or of its directory), relative to Vite's root.`,
  });
});

test('inside a micro that space-router spawned, the plugin stays out of the way', async (t) => {
  process.env.DETA_SPACE_APP_MICRO_NAME = 'web';
  t.after(() => {
    delete process.env.DETA_SPACE_APP_MICRO_NAME;
  });
  const port = await getPort({ host: '127.0.0.1' });
  const server = await createServer(viteConfig(path.join(fixture, 'web'), port));
  t.after(() => server.close());
  await server.listen();
  assert.equal(server.config.plugins.some((plugin) => plugin.name === 'space-router'), false);
  const res = await supertest(`http://127.0.0.1:${port}`).get('/api/users').set('accept', 'text/html').expect(200);
  assert.match(res.text, /vite fixture/);
  assert.deepEqual(processesWithEnv([`DETA_SPACE_APP_HOSTNAME=127.0.0.1:${port}`]), []);
});

// The 502 page of a micro that was given up on says to fix it and restart; in Vite that is `r` (or
// a config edit), which keeps the running micros, so it has to start the failed one again.
test('a Vite restart starts a micro that had been given up on again', async (t) => {
  const project = mkdtempSync(path.join(tmpdir(), 'space-router-vite-'));
  t.after(() => rmSync(project, { recursive: true, force: true }));
  cpSync(fixture, project, { recursive: true });
  const serverFile = path.join(project, 'api', 'server.mjs');
  const working = readFileSync(serverFile, 'utf8');
  writeFileSync(serverFile, 'process.exit(3);\n');
  const port = await getPort({ host: '127.0.0.1' });
  const server = await createServer(viteConfig(path.join(project, 'web'), port, { restart: false }));
  t.after(() => server.close());
  await server.listen();
  const request = supertest(`http://127.0.0.1:${port}`);
  const failed = await request.get('/api/users').set('accept', 'application/json').expect(502);
  assert.equal(failed.body.error.micro.state, 'failed');

  writeFileSync(serverFile, working);
  await server.restart();
  await request.get('/api/users').expect(200, { prefix: '/api', path: '/users' });

  await server.close();
  assert.deepEqual(processesWithEnv(['DETA_SPACE_APP_MICRO_NAME=api', `DETA_SPACE_APP_HOSTNAME=127.0.0.1:${port}`]), []);
});

// Vitest loads the same vite.config and makes a Vite server in middleware mode with no HMR, through
// which no request ever reaches a micro: unit tests must not start (or wait for) the whole app.
test('under Vitest the plugin stays out of the way', async (t) => {
  process.env.VITEST = 'true';
  t.after(() => {
    delete process.env.VITEST;
  });
  const port = await getPort({ host: '127.0.0.1' });
  const marker = `SPACE_ROUTER_VITEST_TEST=${port}`;
  const server = await createServer({
    ...viteConfig(path.join(fixture, 'web'), port, { env: { SPACE_ROUTER_VITEST_TEST: String(port) } }),
    server: { middlewareMode: true, hmr: false, ws: false },
  });
  t.after(() => server.close());
  assert.equal(server.config.plugins.some((plugin) => plugin.name === 'space-router'), false);
  assert.deepEqual(processesWithEnv(['DETA_SPACE_APP_MICRO_NAME=api', marker]), []);
});

test('under vite preview it starts no micro and says that micros are not routed there', async (t) => {
  const project = mkdtempSync(path.join(tmpdir(), 'space-router-vite-preview-'));
  t.after(() => rmSync(project, { recursive: true, force: true }));
  cpSync(fixture, project, { recursive: true });
  mkdirSync(path.join(project, 'web', 'dist'));
  writeFileSync(path.join(project, 'web', 'dist', 'index.html'), '<!doctype html><title>built</title>');
  const port = await getPort({ host: '127.0.0.1' });
  const warnings: string[] = [];
  const logger = createLogger('silent');
  logger.warn = (message) => void warnings.push(message);
  const server = await preview({
    ...viteConfig(path.join(project, 'web'), port, { env: { SPACE_ROUTER_PREVIEW_TEST: String(port) } }),
    customLogger: logger,
    preview: { host: '127.0.0.1', port, strictPort: true },
  });
  t.after(() => server.close());

  const built = await supertest(`http://127.0.0.1:${port}`).get('/api/users').set('accept', 'text/html').expect(200);
  assert.match(built.text, /<title>built<\/title>/);
  assert.deepEqual(warnings, [
    'space-router: vite preview serves the built frontend only; micros are not started or routed here. ' +
      'For the whole app run `vite` (dev) or `npx space-router dev`.',
  ]);
  assert.deepEqual(processesWithEnv([`SPACE_ROUTER_PREVIEW_TEST=${port}`]), []);
});
