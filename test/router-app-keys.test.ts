import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppKey, listAppKeys, revokeAppKey, type AppKeyInfo, type CreatedAppKey } from 'space-router';
import { send, startHost, type Host } from './fixtures/router/harness.js';

const config = mkdtempSync(join(tmpdir(), 'router-app-keys-'));
process.env.XDG_CONFIG_HOME = config;
// Its api micro has `presets: api_keys: true`; web has not.
const APP = fileURLToPath(new URL('./fixtures/cli/keys', import.meta.url));

let host: Host;
let stored: string;
before(async () => {
  const created: CreatedAppKey = createAppKey(APP, 'stored');
  stored = created.key;
  host = await startHost('node:http', { auth: true, appKeys: ['from-option'], only: ['api'] }, {}, APP);
});
after(async () => {
  await host?.close();
  rmSync(config, { recursive: true, force: true });
});

test('options.appKeys are accepted in X-Space-App-Key next to the project\'s stored keys', async () => {
  for (const key of ['from-option', stored]) {
    const answer = await send(host.port, '/api/x?y=1', { headers: { 'x-space-app-key': key } });
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(JSON.parse(answer.body), { micro: 'api', method: 'GET', url: '/x?y=1', body: '' });
  }
  const unknown = await send(host.port, '/api/x', { headers: { 'x-space-app-key': 'from-optio' } });
  assert.equal(unknown.status, 401);
  assert.equal(
    JSON.parse(unknown.body).reason,
    'X-Space-App-Key is not an app API key of this project (create one with createAppKey or the CLI).',
  );
});

test('the package exports the app key functions: a revoked key is refused at once', async () => {
  const temporary = createAppKey(APP, 'temporary');
  const listed: AppKeyInfo[] = listAppKeys(APP);
  assert.deepEqual(listed.map((key) => key.name), ['stored', 'temporary']);
  assert.equal(listed[1]!.createdAt, temporary.createdAt);
  const headers = { 'x-space-app-key': temporary.key };
  assert.equal((await send(host.port, '/api/', { headers })).status, 200);
  assert.equal(revokeAppKey(APP, 'temporary'), true);
  assert.equal(revokeAppKey(APP, 'temporary'), false);
  assert.equal((await send(host.port, '/api/', { headers })).status, 401);
  assert.deepEqual(listAppKeys(APP).map((key) => key.name), ['stored']);
});
