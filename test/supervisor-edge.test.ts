import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSupervisor, type MicroError, type Supervisor } from '../lib/supervisor/index.js';
import { planSpawn } from '../lib/supervisor/command.js';
import { MAX_LINE_LENGTH } from '../lib/supervisor/line-reader.js';
import { FIXTURES, fetchMicro, isAlive, isolateUserDirs, memoryLogger, micro, spacefile } from './fixtures/supervisor/helpers.js';

/** Micros that behave badly in ways a newcomer's dev command does, and what the host must survive. */

const userDirs = isolateUserDirs();
const supervisors: Supervisor[] = [];
const strays = new Set<number>();
after(async () => {
  await Promise.all(supervisors.map((s) => s.stop()));
  for (const pid of strays) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(userDirs, { recursive: true, force: true });
});

test('a 4 MiB line without a break reaches the logger cut to a bounded length; CR, CRLF and an unended last line end lines', async () => {
  const logger = memoryLogger();
  const supervisor = createSupervisor(spacefile([micro('noisy', { primary: true, path: '/', dev: 'node noisy.mjs' })]), {
    logger,
    restart: false,
  });
  supervisors.push(supervisor);
  await supervisor.start();
  await supervisor.stop();
  const dropped = 4 * 1024 * 1024 - MAX_LINE_LENGTH;
  assert.deepEqual(logger.lines, [
    `noisy | ${'x'.repeat(MAX_LINE_LENGTH)} … [${dropped} more characters]`,
    'noisy | next',
    'noisy | after-cr',
    'noisy | after-crlf',
    'noisy | no end',
  ]);
  assert.equal(supervisor.logTail('noisy', 1)[0], 'no end');
});

test('after stop() the host exits by itself, even while a daemon that escaped the tree still holds the micro\'s stdout', async () => {
  const config = {
    spacefile: spacefile([micro('escaper', { primary: true, path: '/', dev: 'node escaper.mjs' })]),
    options: { restart: false, stopTimeout: 300 },
  };
  const host = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'stop-host.ts'), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  strays.add(host.pid!);
  let output = '';
  host.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  host.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => host.once('exit', (code) => resolve(code)));
  // Bounded: a host kept alive by the daemon's pipe would otherwise hang here for good.
  const code = await Promise.race([exited, sleep(30_000, 'still running')]);
  const daemon = Number(/escaped (\d+)/.exec(output)?.[1]);
  if (daemon) strays.add(daemon);
  assert.ok(daemon > 0, `the micro reported its daemon:\n${output}`);
  assert.equal(code, 0, `host output:\n${output}`);
  assert.match(output, /^STOPPED$/m);
});

test('a command with a home-relative path (~/...) runs through the shell, which expands it', async () => {
  assert.equal(planSpawn('node ~/server.mjs', {}).shell, true);
  assert.equal(planSpawn('node a~b.mjs', {}).shell, false);
  const home = mkdtempSync(join(tmpdir(), 'supervisor-home-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(
    join(home, 'server.mjs'),
    "import http from 'node:http';\nhttp.createServer((req, res) => res.end(JSON.stringify({ pid: process.pid, argv: process.argv.slice(1), env: {}, url: req.url }))).listen(Number(process.env.PORT), '127.0.0.1');\n",
  );
  const supervisor = createSupervisor(spacefile([micro('home', { primary: true, path: '/', dev: 'node ~/server.mjs --port $PORT' })]), {
    logger: memoryLogger(),
    restart: false,
    env: { HOME: home },
  });
  supervisors.push(supervisor);
  await supervisor.start();
  const status = supervisor.status('home')!;
  assert.equal(status.command, 'node ~/server.mjs --port ' + status.port);
  const reply = await fetchMicro(status);
  assert.deepEqual(reply.argv, [join(home, 'server.mjs'), '--port', String(status.port)]);
  await supervisor.stop();
});

test('a command that exits 0 at once (a server sent to the background) is told to stay in the foreground', async () => {
  const supervisor = createSupervisor(
    spacefile([micro('bg', { primary: true, path: '/', dev: 'node server.mjs & exit 0' })]),
    { logger: memoryLogger(), restart: false, stopTimeout: 300 },
  );
  supervisors.push(supervisor);
  await assert.rejects(supervisor.start(), (error: MicroError) => {
    assert.equal(error.code, 'CRASHED');
    assert.match(
      error.message,
      /^Micro "bg" exited with code 0 and was given up on \(restarts disabled\)\. A dev command must keep running in the foreground while it serves \(no trailing "&", no daemon or background mode\)\.\n/,
    );
    return true;
  });
  await supervisor.stop();
});

test('a Python micro\'s plain print() lines reach the log while it runs, not when its stdout buffer fills or it exits', async (t) => {
  // As on a developer's machine, where nothing sets it (some CI images do).
  const inherited = process.env.PYTHONUNBUFFERED;
  delete process.env.PYTHONUNBUFFERED;
  t.after(() => {
    if (inherited !== undefined) process.env.PYTHONUNBUFFERED = inherited;
  });
  const logger = memoryLogger();
  const supervisor = createSupervisor(
    spacefile([micro('py', { primary: true, path: '/', engine: 'python3.9', dev: 'python3 print_server.py' })]),
    { logger, restart: false, stopTimeout: 300 },
  );
  supervisors.push(supervisor);
  await supervisor.start();
  // Bounded: an unflushed line would never arrive while the micro runs.
  for (let i = 0; i < 100 && !logger.lines.includes('py | hello from print()'); i++) await sleep(50);
  assert.deepEqual(logger.lines, ['py | hello from print()']);
  await supervisor.stop();
});
