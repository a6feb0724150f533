import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spaceRouter, type MicroSnapshot } from 'space-router';
import { APP, processesInGroups, quietLogger, send } from './fixtures/router/harness.js';

test('onState reports every state change of a micro with its command, port, pid and error; unsubscribe stops it', { timeout: 30_000 }, async () => {
  const router = spaceRouter(APP, { logger: quietLogger, only: ['front'], restart: { initialDelayMs: 100 } });
  const server = createServer(router);
  router.attach(server);
  const groups = new Set<number>();
  after(async () => {
    server.closeAllConnections();
    server.close();
    await router.close();
    assert.deepEqual(processesInGroups([...groups]), []);
  });

  const seen: MicroSnapshot[] = [];
  const waiters: Array<() => void> = [];
  const off = router.onState((micro) => {
    seen.push(micro);
    if (micro.pid !== undefined) groups.add(micro.pid);
    for (const wake of waiters.splice(0)) wake();
  });
  /** Resolves once `count` events arrived; bounded by the test's timeout. */
  const events = async (count: number) => {
    while (seen.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return seen.slice(0, count);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await router.ready();
  const [starting, ready] = await events(2);
  assert.equal(starting!.name, 'front');
  assert.equal(starting!.state, 'starting');
  assert.equal(starting!.command, 'node ../../echo-micro.mjs');
  assert.equal(typeof starting!.pid, 'number');
  assert.deepEqual(ready, { ...starting!, state: 'ready' });
  assert.deepEqual(router.micros.find((micro) => micro.name === 'front'), ready);

  // A crash: restarting with the reason, then a new process.
  await send((server.address() as AddressInfo).port, '/crash').catch(() => undefined);
  const [, , restarting, again, readyAgain] = await events(5);
  assert.equal(restarting!.state, 'restarting');
  assert.equal(restarting!.error?.split('\n')[0], 'Micro "front" exited with code 1; restarting in 0.1 s.');
  assert.equal(again!.state, 'starting');
  assert.notEqual(again!.pid, starting!.pid);
  assert.equal(readyAgain!.state, 'ready');
  assert.equal(readyAgain!.error, undefined);

  off();
  await router.close();
  assert.equal(seen.length, 5, JSON.stringify(seen.slice(5)));
  assert.equal(router.micros.find((micro) => micro.name === 'front')!.state, 'stopped');
});
