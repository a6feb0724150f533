import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appKeyStorePath, configDir, createAppKey, hashKey, listAppKeys, revokeAppKey, storedAppKeyHashes } from '../lib/runtime/app-keys.js';

const scratch = mkdtempSync(join(tmpdir(), 'runtime-app-keys-'));
const config = join(scratch, 'config');
process.env.XDG_CONFIG_HOME = config;
const projectA = join(scratch, 'a');
const projectB = join(scratch, 'b');
mkdirSync(projectA);
mkdirSync(projectB);

after(() => rmSync(scratch, { recursive: true, force: true }));

test('config dir honours XDG_CONFIG_HOME, else ~/.config/space-router', () => {
  assert.equal(configDir({ XDG_CONFIG_HOME: '/x/conf' }), '/x/conf/space-router');
  assert.equal(configDir({}), join(homedir(), '.config', 'space-router'));
  assert.equal(configDir(), join(config, 'space-router'));
});

test('a created key is returned once and only its sha256 is stored, outside the project', () => {
  const created = createAppKey(projectA, 'deploy-bot');
  assert.match(created.key, /^sak_[A-Za-z0-9_-]{32}$/);
  assert.equal(created.name, 'deploy-bot');
  assert.equal(Number.isNaN(Date.parse(created.createdAt)), false);

  const file = appKeyStorePath(projectA);
  assert.equal(file.startsWith(join(config, 'space-router', 'app-keys')), true);
  const text = readFileSync(file, 'utf8');
  assert.equal(text.includes(created.key), false);
  assert.equal(text.includes(hashKey(created.key)), true);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(projectA), []);
  assert.deepEqual(storedAppKeyHashes(projectA), [hashKey(created.key)]);
});

test('keys are per project, listed without secrets, and revoked by name', () => {
  createAppKey(projectB, 'other');
  assert.deepEqual(listAppKeys(projectA).map((k) => k.name), ['deploy-bot']);
  assert.deepEqual(listAppKeys(projectB).map((k) => k.name), ['other']);
  assert.deepEqual(Object.keys(listAppKeys(projectA)[0]!).sort(), ['createdAt', 'name']);

  assert.equal(revokeAppKey(projectB, 'missing'), false);
  assert.equal(revokeAppKey(projectB, 'other'), true);
  assert.deepEqual(listAppKeys(projectB), []);
  assert.deepEqual(listAppKeys(projectA).map((k) => k.name), ['deploy-bot']);
});

test('the same project through a different spelling of its path shares the store', () => {
  assert.equal(appKeyStorePath(`${projectA}/../a`), appKeyStorePath(projectA));
});

test('duplicate and malformed names are refused with what to do', () => {
  assert.throws(() => createAppKey(projectA, 'deploy-bot'), {
    message: `An app key named "deploy-bot" already exists for ${projectA}; revoke it first or pick another name.`,
  });
  assert.throws(() => createAppKey(projectA, ''), /App key name "" is not valid: use 1 to 64 letters/);
  assert.throws(() => createAppKey(projectA, 'has space'), /App key name "has space" is not valid/);
});

test('a project without keys has no store file until a key is created', () => {
  const fresh = join(scratch, 'fresh');
  assert.deepEqual(listAppKeys(fresh), []);
  assert.equal(existsSync(appKeyStorePath(fresh)), false);
});
