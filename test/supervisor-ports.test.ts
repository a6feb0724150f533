import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createSupervisor, type MicroStatus, type Supervisor } from '../lib/supervisor/index.js';
import { fetchMicro, isolateUserDirs, memoryLogger, micro, spacefile, startHost, type Host } from './fixtures/supervisor/helpers.js';

isolateUserDirs();

const supervisors: Supervisor[] = [];
const hosts: Host[] = [];
after(async () => {
  await Promise.all(supervisors.map((s) => s.stop()));
  for (const host of hosts) host.child.kill('SIGTERM');
  await Promise.all(hosts.map((h) => h.exited));
});

const app = spacefile([
  micro('one', { primary: true, path: '/', dev: 'node server.mjs' }),
  micro('two', { dev: 'node server.mjs' }),
  micro('three', { dev: 'node server.mjs' }),
]);

/** Each micro answers on its own port, with its own name and its owner's tag. */
async function assertOwnPorts(owners: { tag: string; statuses: MicroStatus[] }[]): Promise<void> {
  const ports = owners.flatMap((o) => o.statuses.map((s) => s.port));
  assert.equal(new Set(ports).size, ports.length, `ports never shared: ${ports.join(', ')}`);
  for (const { tag, statuses } of owners) {
    for (const status of statuses) {
      const { env } = await fetchMicro(status);
      assert.deepEqual([env.OWNER, env.DETA_SPACE_APP_MICRO_NAME, env.PORT], [tag, status.name, String(status.port)]);
    }
  }
}

test('two supervisors in one process never share a port', async () => {
  const a = createSupervisor(app, { env: { OWNER: 'a' }, logger: memoryLogger() });
  const b = createSupervisor(app, { env: { OWNER: 'b' }, logger: memoryLogger() });
  supervisors.push(a, b);
  await Promise.all([a.start(), b.start()]);
  await assertOwnPorts([
    { tag: 'a', statuses: a.list() },
    { tag: 'b', statuses: b.list() },
  ]);
  await Promise.all([a.stop(), b.stop()]);
});

test('two supervisors in parallel processes never share a port', async () => {
  const a = startHost({ spacefile: app, options: { env: { OWNER: 'a' } } });
  const b = startHost({ spacefile: app, options: { env: { OWNER: 'b' } } });
  hosts.push(a, b);
  const [statusesA, statusesB] = await Promise.all([a.ready, b.ready]);
  await assertOwnPorts([
    { tag: 'a', statuses: statusesA },
    { tag: 'b', statuses: statusesB },
  ]);
});
