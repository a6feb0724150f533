import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spaceEnv } from '../lib/runtime/env.js';
import { localKeys } from '../lib/runtime/keys.js';
import { isolateUserDirs, micro } from './fixtures/supervisor/helpers.js';

const userDirs = isolateUserDirs();
const keys = { projectKey: 'abcd1234_secret', apiKey: 'api_key' };

test('spaceEnv gives exactly the Space variables on top of the parent environment', () => {
  const api = micro('api', {
    presets: {
      env: [
        { name: 'GREETING', default: 'hello' },
        { name: 'EMPTY', default: '' },
        { name: 'NO_DEFAULT' },
        { name: 'SET_BY_PARENT', default: 'preset' },
      ],
      apiKeys: false,
    },
  });
  const env = spaceEnv(api, {
    port: 4321,
    hostname: 'localhost:8080',
    keys,
    parentEnv: { PATH: '/bin', PORT: '1', SET_BY_PARENT: 'parent', UNSET: undefined },
  });
  assert.deepEqual(env, {
    PATH: '/bin',
    PORT: '4321',
    SET_BY_PARENT: 'parent',
    DETA_SPACE_APP_HOSTNAME: 'localhost:8080',
    DETA_SPACE_APP_MICRO_NAME: 'api',
    DETA_SPACE_APP_MICRO_TYPE: 'normal',
    DETA_SPACE_APP: 'true',
    DETA_SPACE_APP_VERSION: '0.0.0-dev',
    DETA_PROJECT_KEY: 'abcd1234_secret',
    DETA_API_KEY: 'api_key',
    GREETING: 'hello',
  });
});

test('python engines also get UVICORN_PORT; the primary is "primary"; overrides win over everything', () => {
  const py = micro('py', { engine: 'python3.8', primary: true, path: '/' });
  const env = spaceEnv(py, {
    port: 5000,
    keys,
    parentEnv: {},
    overrides: { PORT: '6000', DETA_SPACE_APP: 'no' },
  });
  assert.deepEqual(env, {
    PORT: '6000',
    UVICORN_PORT: '5000',
    DETA_SPACE_APP_MICRO_NAME: 'py',
    DETA_SPACE_APP_MICRO_TYPE: 'primary',
    DETA_SPACE_APP: 'no',
    DETA_SPACE_APP_VERSION: '0.0.0-dev',
    DETA_PROJECT_KEY: 'abcd1234_secret',
    DETA_API_KEY: 'api_key',
  });
});

test('localKeys are stable per project, differ between projects, and keep their secret out of the project', () => {
  const project = mkdtempSync(join(tmpdir(), 'space-router-keys-'));
  const other = mkdtempSync(join(tmpdir(), 'space-router-keys-'));
  const first = localKeys(project);
  assert.match(first.projectKey, /^[0-9a-f]{8}_[0-9a-f]{32}$/);
  assert.match(first.apiKey, /^[0-9a-f]{8}_[0-9a-f]{40}$/);
  assert.deepEqual(localKeys(project), first);
  assert.deepEqual(localKeys(join(project, '.')), first);
  assert.notEqual(localKeys(other).projectKey, first.projectKey);
  assert.notEqual(first.apiKey, first.projectKey);
  assert.deepEqual(readdirSync(project), []);
  const secret = join(userDirs, 'config', 'space-router', 'secret');
  assert.equal(existsSync(secret), true);
  assert.equal(statSync(secret).mode & 0o777, 0o600);
});
