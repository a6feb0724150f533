import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import getPort from 'get-port';
import { appKeyStorePath } from '../lib/runtime/app-keys.js';
import { fixtureDir, interrupt, runCli, startCli, type RunningCli } from './fixtures/cli/run-cli.js';

const APP = 'test/fixtures/cli/keys';
const config = mkdtempSync(join(tmpdir(), 'space-router-cli-keys-'));
// The CLI and this process agree on where key hashes live, and neither touches the real config dir.
process.env.XDG_CONFIG_HOME = config;
const env = { XDG_CONFIG_HOME: config };
after(() => rmSync(config, { recursive: true, force: true }));

const keys = (...args: string[]) => runCli(['keys', ...args, '--no-color'], { env });

async function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('space-router keys', () => {
  let key: string;

  test('list with no keys says how to create one', async () => {
    const result = await keys('list', APP);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `no app keys for ${APP}; create one with: space-router keys create <name>\n`);
  });

  test('create prints the key once on stdout and stores only its hash, in the user config dir', async () => {
    const result = await keys('create', 'ci', APP);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^sak_[A-Za-z0-9_-]{32}\n$/);
    key = result.stdout.trim();
    const store = appKeyStorePath(fixtureDir('keys'));
    assert.ok(store.startsWith(join(config, 'space-router', 'app-keys')), store);
    assert.equal(
      result.stderr,
      `✓ app key "ci" created for ${APP}\n` +
        `  shown only this once: only its sha256 is stored, in ${store}\n` +
        '  accepted in X-Space-App-Key by api when dev runs with --auth\n',
    );
    const stored = readFileSync(store, 'utf8');
    assert.equal(stored.includes(key), false);
    assert.ok(stored.includes(createHash('sha256').update(key).digest('hex')));
  });

  test('create with a name that is taken: exit 1, nothing printed on stdout', async () => {
    const result = await keys('create', 'ci', APP);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^error: An app key named "ci" already exists for \/.*cli\/keys; revoke it first or pick another name\.\n$/);
  });

  test('list shows each key with its creation time', async () => {
    const result = await keys('list', APP);
    assert.equal(result.code, 0);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^ {2}NAME {2}CREATED$/);
    assert.match(lines[1]!, /^ {2}ci {4}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(lines.length, 3);
  });

  test('a key from the CLI opens micros with the preset in a running dev --auth, and is refused once revoked', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const cli: RunningCli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--auth', '--quiet', '--no-color'], { env });
    after(() => cli.stop());
    await cli.waitFor(/➜ /);
    const origin = `http://127.0.0.1:${port}`;

    const accepted = await get(`${origin}/api/items?x=1`, { 'x-space-app-key': key });
    assert.equal(accepted.status, 200);
    assert.deepEqual(accepted.body, { micro: 'api', method: 'GET', url: '/items?x=1', body: '' });

    const noPreset = await get(`${origin}/`, { 'x-space-app-key': key });
    assert.equal(noPreset.status, 401);
    assert.match(String(noPreset.body.reason), /^X-Space-App-Key was sent to micro "web", which does not accept app API keys/);

    const revoked = await keys('revoke', 'ci', APP);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout, `✓ revoked app key "ci" of ${APP}\n`);

    const refused = await get(`${origin}/api/items?x=1`, { 'x-space-app-key': key });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.reason, 'X-Space-App-Key is not an app API key of this project (create one with createAppKey or the CLI).');
    assert.equal((await interrupt(cli)).code, 0);
  });

  test('revoke of an unknown name: exit 1 naming the keys there are', async () => {
    await keys('create', 'other', APP);
    const result = await keys('revoke', 'ci', APP);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: No app key named "ci" for \S+cli\/keys \(keys: "other"\)\.\n$/);
  });

  test('create warns when no micro of the Spacefile accepts app keys', async () => {
    const result = await keys('create', 'unused', 'test/fixtures/cli/app');
    assert.equal(result.code, 0);
    assert.match(
      result.stderr,
      /\n {2}no micro accepts app keys yet: add "presets: api_keys: true" to those that should, in test\/fixtures\/cli\/app\/Spacefile\n$/,
    );
  });

  test('wrong usage: exit 2 with a pointer to --help', async () => {
    for (const args of [[], ['frob'], ['create'], ['list', APP, 'extra'], ['create', 'a b', APP], ['revoke', 'a b', APP]]) {
      const result = await keys(...args);
      assert.equal(result.code, 2, `keys ${args.join(' ')}`);
      assert.match(result.stderr, /^error: keys .*\nRun space-router keys --help for usage\.\n$/);
    }
  });

  test('a name no key can have: exit 2 saying what a name is, nothing created', async () => {
    const result = await keys('create', 'a b', APP);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'error: keys create: "a b" is not a valid key name; use 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit\n' +
        'Run space-router keys --help for usage.\n',
    );
    assert.doesNotMatch((await keys('list', APP)).stdout, /a b/);
  });
});
