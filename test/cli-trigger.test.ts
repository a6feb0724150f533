import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from './fixtures/cli/run-cli.js';

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
