import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import type { MicroStatus } from '../lib/supervisor/index.js';
import { createSupervisor, type Supervisor } from '../lib/supervisor/index.js';
import {
  canBind,
  fetchMicro,
  isAlive,
  isolateUserDirs,
  memoryLogger,
  micro,
  spacefile,
  startHost,
  type Host,
} from './fixtures/supervisor/helpers.js';

const userDirs = isolateUserDirs();

const supervisors: Supervisor[] = [];
const hosts: Host[] = [];
const strays = new Set<number>();
after(async () => {
  await Promise.all(supervisors.map((s) => s.stop()));
  for (const host of hosts) host.child.kill('SIGKILL');
  // Only reached when an assertion failed: nothing a test started may outlive the file.
  for (const pid of strays) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

/** Two micros, one of them with children that ignore SIGTERM (one in a process group of its own). */
const app = spacefile([
  micro('web', { primary: true, path: '/', dev: 'node server.mjs --stubborn' }),
  micro('api', { dev: 'cd . && node server.mjs' }),
]);

/** Every pid of every tree, as the micros report them, and the ports. */
async function treesOf(statuses: MicroStatus[]): Promise<{ pids: number[]; ports: number[] }> {
  const pids: number[] = [];
  for (const status of statuses) {
    const reply = await fetchMicro(status);
    pids.push(status.pid!, reply.pid, ...(reply.children ?? []));
  }
  for (const pid of pids) strays.add(pid);
  return { pids: [...new Set(pids)], ports: statuses.map((s) => s.port!) };
}

async function assertAllGone(trees: { pids: number[]; ports: number[] }): Promise<void> {
  assert.deepEqual(
    trees.pids.filter((pid) => isAlive(pid)),
    [],
    'no process of any tree is left',
  );
  for (const port of trees.ports) assert.equal(await canBind(port), true, `port ${port} can be bound again`);
}

test('stop() ends every tree, grandchildren that ignore SIGTERM included, and frees every port', async () => {
  const supervisor = createSupervisor(app, { stopTimeout: 300, logger: memoryLogger() });
  supervisors.push(supervisor);
  await supervisor.start();
  const trees = await treesOf(supervisor.list());
  // The shell, the server and its two stubborn children for web; sh and node for api.
  assert.equal(trees.pids.length, 5);
  assert.deepEqual(trees.pids.map(isAlive), [true, true, true, true, true]);
  await supervisor.stop();
  await assertAllGone(trees);
  await supervisor.stop();
  await assert.rejects(supervisor.start(), /was stopped/);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} to the host ends every tree`, async () => {
    const host = startHost({ spacefile: app, options: { stopTimeout: 300 } });
    hosts.push(host);
    const trees = await treesOf(await host.ready);
    host.child.kill(signal);
    assert.deepEqual(await host.exited, { code: null, signal });
    await assertAllGone(trees);
  });
}

for (const [command, code, what] of [
  ['exit', 3, 'process.exit()'],
  ['throw', 1, 'an uncaught exception'],
] as const) {
  test(`${what} in the host ends every tree`, async () => {
    const host = startHost({ spacefile: app, options: { stopTimeout: 300 } });
    hosts.push(host);
    const trees = await treesOf(await host.ready);
    host.child.stdin!.write(`${command}\n`);
    assert.deepEqual(await host.exited, { code, signal: null });
    await assertAllGone(trees);
  });
}

test('after SIGKILL of the host, the next start of the same project ends what it left', async () => {
  const host = startHost({ spacefile: app, options: { stopTimeout: 300 } });
  hosts.push(host);
  const trees = await treesOf(await host.ready);
  host.child.kill('SIGKILL');
  await host.exited;
  // Nothing ended them: a hard-killed host runs no handler.
  assert.deepEqual(trees.pids.map(isAlive), [true, true, true, true, true]);

  const next = createSupervisor(spacefile([micro('other', { primary: true, path: '/', dev: 'node server.mjs' })]), {
    stopTimeout: 300,
    logger: memoryLogger(),
  });
  supervisors.push(next);
  await next.start();
  await assertAllGone(trees);
  await next.stop();
  const runs = join(userDirs, 'state', 'space-router', 'runs');
  assert.deepEqual(
    readdirSync(runs).flatMap((dir) => readdirSync(join(runs, dir))),
    [],
    'every ledger file is gone',
  );
});

test('the ledger of a live host is left alone by another start of the same project', async () => {
  const host = startHost({ spacefile: app, options: { stopTimeout: 300 } });
  hosts.push(host);
  const trees = await treesOf(await host.ready);
  const other = createSupervisor(spacefile([micro('other', { primary: true, path: '/', dev: 'node server.mjs' })]), {
    logger: memoryLogger(),
  });
  supervisors.push(other);
  await other.start();
  assert.deepEqual(trees.pids.map(isAlive), [true, true, true, true, true]);
  await other.stop();
  host.child.kill('SIGTERM');
  await host.exited;
  await assertAllGone(trees);
});

test('a host killed while it writes its ledger still leaves a ledger the next start can read', async (t) => {
  // The window is the moment between truncating the file and writing it: a host writing in a loop and
  // killed at arbitrary moments lands in it often enough that a truncating write shows up as an empty file.
  const ledgerModule = fileURLToPath(new URL('../lib/supervisor/ledger.ts', import.meta.url));
  const state = mkdtempSync(join(tmpdir(), 'space-router-ledger-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  const writer = `
    const { Ledger } = await import(${JSON.stringify(ledgerModule)});
    const ledger = new Ledger(process.cwd(), 'run' + process.pid);
    // No start times: the reaper below then only reads and removes these files, whatever the pids are.
    ledger.record('micro0', 1, undefined);
    process.stdout.write('writing\\n');
    for (let i = 2; ; i++) ledger.record('micro' + (i % 5), i, undefined);
  `;
  for (let kill = 0; kill < 20; kill++) {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], {
      env: { ...process.env, XDG_STATE_HOME: state },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(child.stdout!, 'data');
    await new Promise((resolve) => setTimeout(resolve, kill % 4));
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  const runs = join(state, 'space-router', 'runs');
  const files = readdirSync(runs).flatMap((dir) =>
    readdirSync(join(runs, dir))
      .filter((name) => name.endsWith('.json'))
      .map((name) => join(runs, dir, name)),
  );
  assert.equal(files.length, 20);
  const unreadable = files.filter((file) => {
    try {
      return typeof (JSON.parse(readFileSync(file, 'utf8')) as { host?: { pid?: unknown } }).host?.pid !== 'number';
    } catch {
      return true;
    }
  });
  assert.deepEqual(unreadable, [], 'every ledger file parses and names its host');

  const reaper = `
    const { reapLeftovers } = await import(${JSON.stringify(ledgerModule)});
    await reapLeftovers(process.cwd(), 100);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', reaper], {
    env: { ...process.env, XDG_STATE_HOME: state },
    stdio: 'inherit',
  });
  assert.deepEqual(await once(child, 'exit'), [0, null]);
  assert.deepEqual(
    readdirSync(runs).flatMap((dir) => readdirSync(join(runs, dir))),
    [],
    'the next start removed every ledger of the dead hosts, and what they were writing',
  );
});
