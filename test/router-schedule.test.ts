import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spaceRouter, type RouterOptions } from 'space-router';
import { FIXTURES, processesInGroups, send } from './fixtures/router/harness.js';

type Clock = NonNullable<RouterOptions['scheduleClock']>;

/** Time moves only when the test says so; due timers fire in order. */
class ManualClock implements Clock {
  private timers = new Map<number, { due: number; callback: () => void }>();
  private nextId = 1;
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    this.timers.set(this.nextId, { due: this.time + ms, callback });
    return this.nextId++;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const target = this.time + ms;
    for (let fired = 0; fired < 1000; fired++) {
      const next = [...this.timers].filter(([, t]) => t.due <= target).sort((a, b) => a[1].due - b[1].due)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].due;
      next[1].callback();
    }
    this.time = target;
  }
}

const MINUTE = 60_000;

test('schedule: true runs an action on its rate through the router until close', { timeout: 30_000 }, async () => {
  const clock = new ManualClock(Date.UTC(2024, 0, 1, 12, 0, 0));
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  const record = (line: string) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  };
  const actionLines = () => lines.filter((line) => line.startsWith('action '));
  /** Resolves once `count` action log lines were written; bounded by the test's timeout. */
  const logged = async (count: number) => {
    while (actionLines().length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return actionLines();
  };

  const router = spaceRouter(`${FIXTURES}/actions`, {
    schedule: true,
    scheduleClock: clock,
    logger: { info: record, warn: record, error: record },
  });
  const server = createServer(router);
  router.attach(server);
  // Nothing is scheduled before the micros start (here: when the attached server listens).
  assert.equal(clock.pending, 0);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const groups: number[] = [];
  after(async () => {
    server.closeAllConnections();
    server.close();
    await router.close();
    assert.deepEqual(processesInGroups(groups), []);
  });
  await router.ready();
  groups.push(...router.micros.flatMap((micro) => (micro.pid === undefined ? [] : [micro.pid])));
  const received = async (mount: string) => JSON.parse((await send(port, `${mount}/received`)).body) as unknown[];

  assert.equal(clock.pending, 1);
  clock.advance(5 * MINUTE - 1);
  assert.deepEqual(await received('/jobs'), []);

  clock.advance(1);
  assert.deepEqual(await logged(2), [
    'action "tick" (micro jobs) triggered by schedule "5 minutes"',
    'action "tick" (micro jobs) answered 200',
  ]);
  const action = { method: 'POST', url: '/__space/v0/actions', body: '{"event":{"id":"tick","trigger":"schedule"}}' };
  assert.deepEqual(await received('/jobs'), [action]);
  assert.deepEqual(await received(''), []);

  clock.advance(5 * MINUTE);
  assert.equal((await logged(4)).length, 4);
  assert.deepEqual(await received('/jobs'), [action, action]);

  await router.close();
  assert.equal(clock.pending, 0);
  clock.advance(60 * MINUTE);
  assert.equal(actionLines().length, 4);
});
