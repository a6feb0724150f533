/**
 * The `bin` as users get it: lib/ compiled by the package's own build config into a scratch copy of
 * the package (its package.json, node_modules linked), run through its shebang, against the
 * fullstack example (Vite, Express, Python and a static micro).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import getPort from 'get-port';
import WebSocket from 'ws';
import { canBind, interrupt, repoRoot, runCli, startCli, type CliOptions, type RunningCli } from './fixtures/cli/run-cli.js';

const EXAMPLE = 'examples/fullstack';
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const scratch = mkdtempSync(join(tmpdir(), 'space-router-bin-'));
const bin = join(scratch, manifest.bin['space-router']!);
/** Runs the built file itself (not `node file`), so its shebang is what starts it. */
const built: CliOptions = { executable: bin };

before(() => {
  copyFileSync(join(repoRoot, 'package.json'), join(scratch, 'package.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', join(scratch, 'dist')],
    { stdio: 'pipe' },
  );
  // npm marks bin files executable on install; the shebang then picks node from PATH.
  chmodSync(bin, 0o755);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('the built space-router bin', () => {
  test('--version', async () => {
    const result = await runCli(['--version'], built);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${manifest.version}\n`);
  });

  test('validate and routes on the fullstack example', async () => {
    const valid = await runCli(['validate', EXAMPLE], built);
    assert.equal(valid.code, 0, valid.stderr);
    assert.equal(valid.stdout, `✓ ${EXAMPLE}/Spacefile is valid: 4 micros (frontend /, api /api, stats /stats, docs /docs)\n`);

    const route = await runCli(['routes', EXAMPLE, '/stats/?q=1'], built);
    assert.equal(route.stdout, '/stats/?q=1\n  micro:    stats (mounted at /stats, engine python3.9)\n  receives: /?q=1\n');
  });

  describe('dev examples/fullstack', () => {
    let cli: RunningCli;
    let origin: string;
    after(() => cli?.stop());

    test('starts all four micros and prints the table', async () => {
      const port = await getPort({ host: '127.0.0.1' });
      origin = `http://127.0.0.1:${port}`;
      cli = startCli(['dev', EXAMPLE, '--host', '127.0.0.1', '--port', String(port), '--no-color'], built);
      await cli.waitFor(/➜ .*Ctrl-C to stop\n/, 90_000);
      const out = cli.stdout();
      assert.match(out, new RegExp(`^  frontend  /       ${origin}/ +\\d+ +ready$`, 'm'));
      assert.match(out, new RegExp(`^  api       /api    ${origin}/api +\\d+ +ready$`, 'm'));
      assert.match(out, new RegExp(`^  stats     /stats  ${origin}/stats +\\d+ +ready$`, 'm'));
      assert.match(out, new RegExp(`^  docs      /docs   ${origin}/docs +- +ready$`, 'm'));
    });

    test('serves every micro through the one origin', async () => {
      const page = await fetch(`${origin}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script type="module" src="\/@vite\/client"><\/script>/);

      const api = await fetch(`${origin}/api/hello?x=1`);
      assert.deepEqual(await api.json(), { micro: 'api', path: '/hello?x=1', message: 'hello from the api micro' });

      const stats = await fetch(`${origin}/stats/`);
      assert.deepEqual(await stats.json(), { micro: 'stats', path: '/', language: 'python' });

      const docs = await fetch(`${origin}/docs/`);
      assert.equal(docs.status, 200);
      assert.equal(await docs.text(), readFileSync(join(repoRoot, EXAMPLE, 'docs/site/index.html'), 'utf8'));
    });

    test('websockets go through it too', async () => {
      const socket = new WebSocket(`${origin.replace('http', 'ws')}/api/echo`);
      after(() => socket.terminate());
      const reply = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no websocket reply in 10 s')), 10_000);
        socket.once('open', () => socket.send('hello'));
        socket.once('message', (data) => {
          clearTimeout(timer);
          resolve(String(data));
        });
        socket.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
      assert.equal(reply, 'echo: hello');
    });

    test('Ctrl-C (SIGINT) ends it with every micro port free', async () => {
      const ports = [...cli.stdout().matchAll(/^ {2}(?:frontend|api|stats) .* (\d+) +ready$/gm)].map((match) => Number(match[1]));
      assert.equal(ports.length, 3);
      const exit = await interrupt(cli);
      assert.equal(exit.code, 0, cli.stderr());
      for (const port of ports) assert.equal(await canBind(port), true, `port ${port} still taken`);
      assert.equal(await canBind(Number(new URL(origin).port)), true);
    });
  });
});
