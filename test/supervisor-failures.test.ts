import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import getPort from 'get-port';
import { createSupervisor, MicroError, type MicroState, type Supervisor } from '../lib/supervisor/index.js';
import { canBind, FIXTURES, fetchMicro, isAlive, isolateUserDirs, memoryLogger, micro, spacefile } from './fixtures/supervisor/helpers.js';

isolateUserDirs();

const supervisors: Supervisor[] = [];
after(() => Promise.all(supervisors.map((s) => s.stop())));

function supervise(...args: Parameters<typeof createSupervisor>): Supervisor {
  const supervisor = createSupervisor(...args);
  supervisors.push(supervisor);
  return supervisor;
}

async function startError(supervisor: Supervisor): Promise<MicroError> {
  const error = await supervisor.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof MicroError, `expected a MicroError, got ${String(error)}`);
  return error;
}

test('a micro that never listens fails with an error naming micro, command, port and its last log lines', async () => {
  const supervisor = supervise(spacefile([micro('idle', { primary: true, path: '/', dev: 'node idle.mjs' })]), {
    readyTimeout: 1_500,
    logger: memoryLogger(),
  });
  const error = await startError(supervisor);
  const status = supervisor.status('idle')!;
  assert.equal(error.code, 'READY_TIMEOUT');
  assert.equal(error.micro, 'idle');
  assert.equal(error.command, 'node idle.mjs');
  assert.equal(error.port, status.port);
  assert.deepEqual(error.logTail, ['idle micro up, not listening', 'a line on stderr']);
  assert.equal(
    error.message,
    `Micro "idle" did not accept connections on port ${status.port} (127.0.0.1 or ::1) within 1.5 s. Make sure it listens on $PORT.\n` +
      `  command: node idle.mjs\n  port: ${status.port}\n  cwd: ${FIXTURES}\n` +
      `  last 2 log lines:\n    idle micro up, not listening\n    a line on stderr`,
  );
  assert.equal(status.state, 'failed');
  assert.equal(status.error, error.message);
  await supervisor.stop();
  assert.equal(isAlive(status.pid!), false);
});

test('a micro listening on a hard-coded port is told which port and to use $PORT', async () => {
  const hardcoded = await getPort();
  const supervisor = supervise(
    spacefile([micro('fixed', { primary: true, path: '/', dev: `node server.mjs --port ${hardcoded}` })]),
    { readyTimeout: 2_000, logger: memoryLogger() },
  );
  const error = await startError(supervisor);
  assert.equal(error.code, 'READY_TIMEOUT');
  assert.match(
    error.message.split('\n')[0]!,
    new RegExp(
      `^Micro "fixed" did not accept connections on port ${error.port} .* It is listening on port ${hardcoded} instead: make its command or code use \\$PORT`,
    ),
  );
  await supervisor.stop();
  assert.equal(await canBind(hardcoded), true);
});

test('a crashing micro is restarted with backoff, then failed, while another keeps serving', async () => {
  const logger = memoryLogger();
  const supervisor = supervise(
    spacefile([
      micro('good', { primary: true, path: '/', dev: 'node server.mjs' }),
      micro('crasher', { dev: 'node crash.mjs' }),
    ]),
    { logger, restart: { maxRestarts: 3, windowMs: 60_000, initialDelayMs: 100, maxDelayMs: 300 } },
  );
  const states: MicroState[] = [];
  supervisor.onState((s) => {
    if (s.name === 'crasher') states.push(s.state);
  });
  const error = await startError(supervisor);
  assert.equal(error.code, 'CRASHED');
  assert.equal(error.micro, 'crasher');
  assert.match(error.message, /^Micro "crasher" exited with code 1 and was given up on \(3 restarts within 60 s\)\./);
  assert.deepEqual(states, [
    'starting',
    'restarting',
    'starting',
    'restarting',
    'starting',
    'restarting',
    'starting',
    'failed',
  ]);
  assert.deepEqual(
    logger.lines.filter((l) => l.startsWith('crasher > ')),
    [
      'crasher > exited with code 1; restarting in 0.1 s',
      'crasher > exited with code 1; restarting in 0.2 s',
      'crasher > exited with code 1; restarting in 0.3 s',
      `crasher > Micro "crasher" exited with code 1 and was given up on (3 restarts within 60 s).`,
    ],
  );
  assert.deepEqual(supervisor.logTail('crasher'), ['crashing now', 'crashing now', 'crashing now', 'crashing now']);
  assert.equal(supervisor.status('good')!.state, 'ready');
  assert.equal((await fetchMicro(supervisor.status('good'))).env.DETA_SPACE_APP_MICRO_NAME, 'good');
  await assert.rejects(supervisor.waitReady('crasher'), { code: 'CRASHED' });
  await supervisor.stop();
});

test('a ready micro that dies is restarted on the same port and becomes ready again', async () => {
  const supervisor = supervise(spacefile([micro('api', { primary: true, path: '/', dev: 'node server.mjs' })]), {
    logger: memoryLogger(),
    restart: { initialDelayMs: 50 },
  });
  await supervisor.start();
  const before = supervisor.status('api')!;
  process.kill(before.pid!, 'SIGKILL');
  await new Promise<void>((resolve) => {
    const off = supervisor.onState((s) => {
      if (s.state === 'restarting') {
        off();
        resolve();
      }
    });
  });
  const after = await supervisor.waitReady('api', 10_000);
  assert.equal(after.port, before.port);
  assert.notEqual(after.pid, before.pid);
  assert.equal((await fetchMicro(after)).pid, after.pid);
  await supervisor.stop();
});

test('a micro whose port was taken meanwhile (EADDRINUSE) moves to a new port once', async () => {
  const flag = join(mkdtempSync(join(tmpdir(), 'space-router-port-taken-')), 'taken');
  const logger = memoryLogger();
  const supervisor = supervise(
    spacefile([micro('api', { primary: true, path: '/', dev: 'node port-taken-once.mjs' })]),
    { logger, env: { PORT_TAKEN_FLAG: flag }, restart: false },
  );
  await supervisor.start();
  const first = Number(readFileSync(flag, 'utf8'));
  const status = supervisor.status('api')!;
  assert.notEqual(status.port, first);
  assert.equal((await fetchMicro(status)).env.PORT, String(status.port));
  assert.ok(logger.lines.includes(`api > port ${first} was taken by another process; restarting on port ${status.port}`));
  await supervisor.stop();
});

test('missing commands, directories and programs are named errors', async () => {
  const supervisor = supervise(
    spacefile([
      micro('nocmd', { primary: true, path: '/' }),
      micro('nocmdpy', { engine: 'python3.9' }),
      micro('nodir', { src: 'no-such-dir', dev: 'node server.mjs' }),
      micro('noprog', { dev: 'no-such-program-xyz --port $PORT' }),
      micro('noprogsh', { dev: 'true && no-such-program-xyz' }),
      micro('runonly', { run: 'node server.mjs' }),
    ]),
    { logger: memoryLogger(), restart: false },
  );
  await startError(supervisor);
  for (const [name, code] of [
    ['nocmd', 'NO_COMMAND'],
    ['nocmdpy', 'NO_COMMAND'],
    ['nodir', 'NO_DIRECTORY'],
    ['noprog', 'COMMAND_NOT_FOUND'],
    ['noprogsh', 'COMMAND_NOT_FOUND'],
  ] as const) {
    await assert.rejects(supervisor.waitReady(name, 10_000), (e: MicroError) => e.code === code && e.micro === name);
  }
  assert.match(
    supervisor.status('nocmd')!.error!,
    /^Micro "nocmd" \(engine nodejs16\) has no command to run in development\. Add a `dev` command/,
  );
  // The example fits the engine: a Python micro is not told to run `node index.js`.
  assert.match(supervisor.status('nocmd')!.error!, /e\.g\. `dev: node index\.js`\.$/m);
  assert.match(supervisor.status('nocmdpy')!.error!, /\(engine python3\.9\).*e\.g\. `dev: uvicorn main:app --port \$PORT`\.$/m);
  assert.match(supervisor.status('nodir')!.error!, /its src directory .*no-such-dir does not exist/);
  assert.match(supervisor.status('noprog')!.error!, /spawn no-such-program-xyz ENOENT/);
  assert.match(supervisor.status('noprogsh')!.error!, /command not found/);
  const runonly = await supervisor.waitReady('runonly', 10_000);
  assert.equal((await fetchMicro(runonly)).env.DETA_SPACE_APP_MICRO_NAME, 'runonly');
  await supervisor.stop();
});
