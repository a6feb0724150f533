import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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
