import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { join } from 'node:path';
import { localKeys } from '../lib/runtime/keys.js';
import { createSupervisor, type MicroState, type Supervisor } from '../lib/supervisor/index.js';
import { canBind, FIXTURES, fetchMicro, isAlive, isolateUserDirs, memoryLogger, micro, spacefile } from './fixtures/supervisor/helpers.js';

isolateUserDirs();
process.env.PRESET_FROM_PARENT = 'from-parent';

const supervisors: Supervisor[] = [];
after(() => Promise.all(supervisors.map((s) => s.stop())));

function track(s: Supervisor): Supervisor {
  supervisors.push(s);
  return s;
}

test('node, python and npm-run micros start in parallel on their own ports with the Space environment', async () => {
  const presets = {
    env: [
      { name: 'GREETING', default: 'hello' },
      { name: 'EMPTY_DEFAULT', default: '' },
      { name: 'PRESET_FROM_PARENT', default: 'preset' },
    ],
    apiKeys: false,
  };
  const app = spacefile([
    micro('web', { primary: true, path: '/', dev: 'node server.mjs', presets }),
    micro('py', { engine: 'python3.9', dev: 'python3 env_server.py' }),
    // No `dev`: the svelte engine's default, `npm run dev -- --port $PORT`.
    micro('npmapp', { engine: 'svelte', src: 'npm-app', path: '/app' }),
  ]);
  const supervisor = track(
    createSupervisor(app, { hostname: 'localhost:4200', env: { FROM_OPTION: 'yes' }, logger: memoryLogger() }),
  );
  await supervisor.start();

  const keys = localKeys(FIXTURES);
  assert.match(keys.projectKey, /^[0-9a-f]{8}_[0-9a-f]{32}$/);
  const statuses = supervisor.list();
  assert.deepEqual(
    statuses.map((s) => [s.name, s.state, s.address]),
    [
      ['web', 'ready', '127.0.0.1'],
      ['py', 'ready', '127.0.0.1'],
      ['npmapp', 'ready', '127.0.0.1'],
    ],
  );
  const ports = statuses.map((s) => s.port);
  assert.equal(new Set(ports).size, 3);

  const pids: number[] = [];
  for (const status of statuses) {
    const { env, pid } = await fetchMicro(status);
    // The serving process: the micro's own pid, or the node process npm started for it.
    pids.push(status.pid!, pid);
    const expected: Record<string, string | undefined> = {
      PORT: String(status.port),
      UVICORN_PORT: status.name === 'py' ? String(status.port) : undefined,
      DETA_SPACE_APP_HOSTNAME: 'localhost:4200',
      DETA_SPACE_APP_MICRO_NAME: status.name,
      DETA_SPACE_APP_MICRO_TYPE: status.name === 'web' ? 'primary' : 'normal',
      DETA_SPACE_APP: 'true',
      DETA_SPACE_APP_VERSION: '0.0.0-dev',
      DETA_PROJECT_KEY: keys.projectKey,
      DETA_API_KEY: keys.apiKey,
      GREETING: status.name === 'web' ? 'hello' : undefined,
      EMPTY_DEFAULT: undefined,
      PRESET_FROM_PARENT: 'from-parent',
      FROM_OPTION: 'yes',
    };
    assert.deepEqual(
      Object.fromEntries(Object.keys(expected).map((k) => [k, env[k]])),
      expected,
      `environment of ${status.name}`,
    );
  }
  const npm = await fetchMicro(supervisor.status('npmapp'));
  assert.deepEqual(npm.argv, ['--port', String(supervisor.status('npmapp')!.port)]);
  assert.equal(supervisor.status('npmapp')!.command, `npm run dev -- --port ${supervisor.status('npmapp')!.port}`);

  assert.notEqual(npm.pid, supervisor.status('npmapp')!.pid);
  await supervisor.stop();
  assert.deepEqual(pids.filter(isAlive), []);
  for (const port of ports) assert.equal(await canBind(port!), true, `port ${port} free`);
  assert.deepEqual(
    supervisor.list().map((s) => s.state),
    ['stopped', 'stopped', 'stopped'],
  );
});

test('a micro listening only on ::1 and one only on 127.0.0.1 are both ready at the address that answered', async () => {
  const supervisor = track(
    createSupervisor(
      spacefile([
        micro('six', { primary: true, path: '/', dev: 'node server.mjs --host ::1' }),
        micro('four', { dev: 'node server.mjs --host 127.0.0.1' }),
      ]),
      { logger: memoryLogger() },
    ),
  );
  await supervisor.start();
  assert.equal(supervisor.status('six')!.address, '::1');
  assert.equal(supervisor.status('four')!.address, '127.0.0.1');
  assert.equal((await fetchMicro(supervisor.status('six'))).env.DETA_SPACE_APP_MICRO_NAME, 'six');
  assert.equal((await fetchMicro(supervisor.status('four'))).env.DETA_SPACE_APP_MICRO_NAME, 'four');
  await supervisor.stop();
});

test('a micro that takes 4 s to listen is waited for', async () => {
  const supervisor = track(
    createSupervisor(spacefile([micro('slow', { primary: true, path: '/', dev: 'node server.mjs --delay 4000' })]), {
      logger: memoryLogger(),
      readyTimeout: 20_000,
    }),
  );
  const states: MicroState[] = [];
  supervisor.onState((s) => states.push(s.state));
  await supervisor.start();
  assert.deepEqual(states, ['starting', 'ready']);
  assert.deepEqual(supervisor.logTail('slow'), ['booting slow', `listening on 127.0.0.1:${supervisor.status('slow')!.port}`]);
  assert.equal((await fetchMicro(supervisor.status('slow'))).url, '/');
  await supervisor.stop();
});

test('&&, pipes, ; and VAR=x commands run through the shell; ${VAR} is expanded', async () => {
  const logger = memoryLogger();
  const supervisor = track(
    createSupervisor(
      spacefile([
        micro('and', { primary: true, path: '/', dev: 'cd npm-app && node ../server.mjs' }),
        micro('pipe', { dev: 'node server.mjs | cat' }),
        micro('semi', { dev: 'true; node server.mjs --port ${PORT}' }),
        micro('assign', { dev: 'GREETING=hi node server.mjs' }),
        micro('braces', { dev: 'node server.mjs --port ${PORT}' }),
      ]),
      { logger },
    ),
  );
  await supervisor.start();
  for (const name of ['and', 'pipe', 'semi', 'assign', 'braces']) {
    const reply = await fetchMicro(supervisor.status(name));
    assert.equal(reply.env.DETA_SPACE_APP_MICRO_NAME, name);
  }
  assert.equal((await fetchMicro(supervisor.status('and'))).env.PWD, join(FIXTURES, 'npm-app'));
  assert.equal((await fetchMicro(supervisor.status('assign'))).env.GREETING, 'hi');
  const pipe = supervisor.status('pipe')!;
  // The server's stdout went through `cat` and still arrived as whole, prefixed lines.
  assert.deepEqual(supervisor.logTail('pipe'), ['booting pipe', `listening on 127.0.0.1:${pipe.port}`]);
  assert.ok(logger.lines.includes(`pipe   | listening on 127.0.0.1:${pipe.port}`), logger.lines.join('\n'));
  const braces = supervisor.status('braces')!;
  assert.equal(braces.command, `node server.mjs --port ${braces.port}`);
  assert.deepEqual((await fetchMicro(braces)).argv, ['--port', String(braces.port)]);
  await supervisor.stop();
});

test('micros `only` leaves out are stopped, never ready; static and skipped ones stay ready', async () => {
  const supervisor = track(
    createSupervisor(
      spacefile([
        micro('site', { primary: true, path: '/', engine: 'static', serve: 'dist' }),
        micro('host', { dev: 'node does-not-exist.mjs' }),
        micro('api', { dev: 'node server.mjs' }),
        micro('worker', { dev: 'node server.mjs' }),
      ]),
      { only: ['api'], skip: ['host'], logger: memoryLogger() },
    ),
  );
  const left = { name: 'worker', path: '/worker', state: 'stopped' };
  assert.deepEqual(supervisor.status('worker'), left);
  await supervisor.start();
  const api = supervisor.status('api')!;
  assert.equal(api.state, 'ready');
  assert.equal((await fetchMicro(api)).env.DETA_SPACE_APP_MICRO_NAME, 'api');
  assert.deepEqual(
    supervisor.list().map((s) => [s.name, s.state, s.port === undefined]),
    [
      ['site', 'ready', true],
      ['host', 'ready', true],
      ['api', 'ready', false],
      ['worker', 'stopped', true],
    ],
  );
  assert.deepEqual(supervisor.status('worker'), left);
  await assert.rejects(supervisor.waitReady('worker', 1_000), {
    code: 'STOPPED',
    micro: 'worker',
    message: 'Micro "worker" is not started: options.only (api) leaves it out.',
  });
  await supervisor.stop();
  assert.deepEqual(supervisor.status('worker'), left);
  assert.equal(await canBind(api.port!), true);
});

test('static and skipped micros are not spawned and show as ready without a port', async () => {
  const supervisor = track(
    createSupervisor(
      spacefile([
        micro('site', { primary: true, path: '/', engine: 'static', serve: 'dist' }),
        micro('host', { dev: 'node does-not-exist.mjs' }),
        micro('api', { dev: 'node server.mjs' }),
      ]),
      { skip: ['host'], logger: memoryLogger() },
    ),
  );
  await supervisor.start();
  assert.deepEqual(supervisor.status('site'), { name: 'site', path: '/', state: 'ready' });
  assert.deepEqual(supervisor.status('host'), { name: 'host', path: '/host', state: 'ready' });
  assert.equal(supervisor.status('api')!.state, 'ready');
  assert.deepEqual(await supervisor.waitReady('site', 10), { name: 'site', path: '/', state: 'ready' });
  await assert.rejects(supervisor.waitReady('nope'), { code: 'UNKNOWN_MICRO', micro: 'nope' });
  await supervisor.stop();
  await supervisor.stop();
  assert.throws(() => createSupervisor(spacefile([micro('a')]), { skip: ['b'] }), /options\.skip names "b"/);
});

test('a static micro with a `dev` command is spawned on a port; one without stays a portless ready', async () => {
  const supervisor = track(
    createSupervisor(
      spacefile([
        micro('site', { primary: true, path: '/', engine: 'static', serve: 'dist', dev: 'node server.mjs' }),
        micro('docs', { engine: 'static', serve: 'public' }),
        // A blank `dev` is no command: the engine has no default, so the files are served.
        micro('blank', { engine: 'static', serve: 'public', dev: '  ' }),
      ]),
      { logger: memoryLogger() },
    ),
  );
  await supervisor.start();
  const site = supervisor.status('site')!;
  assert.equal(site.state, 'ready');
  assert.equal(site.command, 'node server.mjs');
  assert.equal(typeof site.port, 'number');
  assert.equal((await fetchMicro(site)).env.DETA_SPACE_APP_MICRO_NAME, 'site');
  assert.deepEqual(supervisor.status('docs'), { name: 'docs', path: '/docs', state: 'ready' });
  assert.deepEqual(supervisor.status('blank'), { name: 'blank', path: '/blank', state: 'ready' });
  await supervisor.stop();
  assert.equal(await canBind(site.port!), true);
});
