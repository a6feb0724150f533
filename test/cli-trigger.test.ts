import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import getPort from 'get-port';
import { localKeys } from '../lib/runtime/keys.js';
import { fixtureDir, runCli, startCli, type RunningCli } from './fixtures/cli/run-cli.js';

const APP = 'test/fixtures/cli/app';

interface Seen {
  micro: string;
  method: string;
  url: string;
  body: string;
}

describe('space-router trigger', () => {
  test('delivers the action to the owning micro, as Space did, and prints its answer', async () => {
    const result = await runCli(['trigger', 'cleanup', APP, '--no-color']);
    assert.equal(result.code, 0, result.stderr);
    const seen = JSON.parse(result.stdout) as Seen;
    assert.deepEqual(seen, {
      micro: 'api',
      method: 'POST',
      url: '/__space/v0/actions',
      body: '{"event":{"id":"cleanup","trigger":"schedule"}}',
    });
    const stderr = result.stderr.split('\n');
    assert.equal(stderr[0], 'starting api for action "cleanup"…');
    assert.match(result.stderr, /^api {2}\| api listening on \d+$/m);
    assert.match(result.stderr, /^✓ action "cleanup" → api answered 200$/m);
    // Only the owning micro was started.
    assert.doesNotMatch(result.stderr, /^web /m);
  });

  test('--input travels as event.input', async () => {
    const result = await runCli(['trigger', 'cleanup', APP, '--input', '{"dryRun": true}']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as Seen).body, '{"event":{"id":"cleanup","trigger":"schedule","input":{"dryRun":true}}}');
  });

  test('a handler answering 500: exit 1, its body printed', async () => {
    const result = await runCli(['trigger', 'fail', APP, '--no-color']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'cleanup failed: disk full\n');
    assert.match(result.stderr, /^✖ action "fail" → api answered 500$/m);
  });

  test('an unknown action id: exit 1 listing the declared ids, nothing started', async () => {
    const result = await runCli(['trigger', 'cleanup-all', APP, '--no-color']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'error: Unknown action "cleanup-all": the Spacefile declares "cleanup", "fail".\n');
  });

  test('--input that is not JSON is a usage error', async () => {
    const result = await runCli(['trigger', 'cleanup', APP, '--input', '{dryRun}', '--no-color']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^error: --input must be JSON \(quote it for the shell: --input '\{"n": 1\}'\): /);
  });
});

describe('space-router trigger --url: a running dev delivers the action', () => {
  const config = mkdtempSync(join(tmpdir(), 'space-router-cli-trigger-'));
  // dev, trigger and this process derive the project's DETA_API_KEY from the same user config dir.
  process.env.XDG_CONFIG_HOME = config;
  const env = { XDG_CONFIG_HOME: config };
  const running: RunningCli[] = [];
  after(async () => {
    await Promise.all(running.map((cli) => cli.stop()));
    rmSync(config, { recursive: true, force: true });
  });
  const apiKey = () => localKeys(fixtureDir('app')).apiKey;

  async function dev(...flags: string[]): Promise<string> {
    const port = await getPort({ host: '127.0.0.1' });
    const cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--quiet', ...flags], { env });
    running.push(cli);
    await cli.waitFor(/➜ /);
    return `http://127.0.0.1:${port}`;
  }
  const post = (url: string, headers: Record<string, string>, body?: string) =>
    fetch(url, { method: 'POST', headers, body }).then(async (response) => ({
      status: response.status,
      allow: response.headers.get('allow'),
      json: (await response.json()) as Record<string, unknown>,
    }));

  let origin: string;

  test('the CLI reaches the micro dev already runs, and prints its answer as without --url', async () => {
    origin = await dev();
    const result = await runCli(['trigger', 'cleanup', APP, '--url', origin, '--no-color'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout) as Seen, {
      micro: 'api',
      method: 'POST',
      url: '/__space/v0/actions',
      body: '{"event":{"id":"cleanup","trigger":"schedule"}}',
    });
    assert.equal(result.stderr, '✓ action "cleanup" → api answered 200\n');

    const withInput = await runCli(['trigger', 'cleanup', APP, '--url', origin, '--input', '[1, "two"]'], { env });
    assert.equal((JSON.parse(withInput.stdout) as Seen).body, '{"event":{"id":"cleanup","trigger":"schedule","input":[1,"two"]}}');

    const failing = await runCli(['trigger', 'fail', APP, '--url', origin, '--no-color'], { env });
    assert.equal(failing.code, 1);
    assert.equal(failing.stdout, 'cleanup failed: disk full\n');
    assert.equal(failing.stderr, '✖ action "fail" → api answered 500\n');
  });

  test('the CLI: unknown ids, another project\'s key and no dev there are errors saying what to do', async () => {
    const unknown = await runCli(['trigger', 'nope', APP, '--url', origin, '--no-color'], { env });
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'error: Unknown action "nope": the Spacefile declares "cleanup", "fail".\n');

    const otherProject = await runCli(['trigger', 'cleanup', 'test/fixtures/cli/keys', '--url', origin, '--no-color'], { env });
    assert.equal(otherProject.code, 1);
    assert.equal(
      otherProject.stderr,
      `error: ${origin} refused the key of the project in test/fixtures/cli/keys: is that the project its space-router dev serves? ` +
        'Pass the same directory as to dev: space-router trigger <action-id> <dir> --url ...\n',
    );

    const closed = await getPort({ host: '127.0.0.1' });
    const nobody = await runCli(['trigger', 'cleanup', APP, '--url', `http://127.0.0.1:${closed}`, '--no-color'], { env });
    assert.equal(nobody.code, 1);
    assert.equal(
      nobody.stderr,
      `error: Could not reach space-router dev at http://127.0.0.1:${closed} (ECONNREFUSED). ` +
        'Is it running there? Leave out --url to start the micro just for this action.\n',
    );

    const badUrl = await runCli(['trigger', 'cleanup', APP, '--url', 'localhost:4200', '--no-color'], { env });
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.stderr, /^error: --url must be an http:\/\/ or https:\/\/ address, got "localhost:4200"\n/);
  });

  test('the endpoint takes only X-API-Key with the project\'s DETA_API_KEY, and POST', async () => {
    const url = `${origin}/__space/dev/actions/cleanup`;
    const refused = {
      status: 401,
      allow: null,
      json: {
        error: 'Unauthorized',
        reason: "POST /__space/dev/actions/<id> needs X-API-Key with the project's DETA_API_KEY (space-router trigger --url sends it).",
      },
    };
    assert.deepEqual(await post(url, {}), refused);
    assert.deepEqual(await post(url, { 'x-api-key': `${apiKey()}x` }), refused);

    const get = await fetch(url, { headers: { 'x-api-key': apiKey() } });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');

    assert.deepEqual(await post(`${origin}/__space/dev/actions/clean%75p-all`, { 'x-api-key': apiKey() }), {
      status: 404,
      allow: null,
      json: {
        error: 'Not Found',
        reason: 'Unknown action "cleanup-all": the Spacefile declares "cleanup", "fail".',
        actions: ['cleanup', 'fail'],
      },
    });

    const ok = await post(url, { 'x-api-key': apiKey(), 'content-type': 'application/json' }, '{"input":{"n":1}}');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, {
      action: 'cleanup',
      micro: 'api',
      status: 200,
      body: JSON.stringify({
        micro: 'api',
        method: 'POST',
        url: '/__space/v0/actions',
        body: '{"event":{"id":"cleanup","trigger":"schedule","input":{"n":1}}}',
      }),
    });

    const notJson = await post(url, { 'x-api-key': apiKey() }, '{input}');
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.json.reason), /^the request body is not JSON \(/);
  });

  test('with --auth the endpoint still wants the key (a signed-in session is not enough), and the CLI works', async () => {
    const authOrigin = await dev('--auth');
    const signIn = await fetch(`${authOrigin}/__space/signin`, { method: 'POST', redirect: 'manual' });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.equal((await fetch(`${authOrigin}/api/x`, { headers: { cookie } })).status, 200);
    const anonymous = await post(`${authOrigin}/__space/dev/actions/cleanup`, { cookie });
    assert.equal(anonymous.status, 401);

    const result = await runCli(['trigger', 'cleanup', APP, '--url', authOrigin, '--no-color'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as Seen).url, '/__space/v0/actions');
  });
});
