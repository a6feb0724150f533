import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { triggerAction } from '../lib/runtime/actions.js';
import { IntervalError, nextRunAfter, parseInterval, startActionSchedule, type Clock } from '../lib/runtime/schedule.js';
import type { ActionResult } from '../lib/runtime/types.js';
import { parseSpacefile, SpacefileError } from '../lib/spacefile/index.js';
import type { Action, Spacefile } from '../lib/spacefile/types.js';
import type { Logger } from '../lib/supervisor/types.js';
import { micro } from './fixtures/runtime/gate-host.js';

/** Time moves only when the test says so; timers fire in due order, each at its own due time. */
class ManualClock implements Clock {
  time: number;
  private timers = new Map<number, { due: number; callback: () => void }>();
  private nextId = 1;
  constructor(start: number) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { due: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Fire every timer due up to `target`; `settle` runs after each so in-flight work can finish. */
  async advanceTo(target: number, settle: () => Promise<void> = async () => {}): Promise<void> {
    for (let fired = 0; fired < 10_000; fired++) {
      const [id, timer] = [...this.timers].filter(([, t]) => t.due <= target).sort((a, b) => a[1].due - b[1].due)[0] ?? [];
      if (id === undefined || timer === undefined) break;
      this.timers.delete(id);
      this.time = Math.max(this.time, timer.due);
      timer.callback();
      await settle();
    }
    this.time = Math.max(this.time, target);
  }
  /** The machine slept: time passes without any timer firing. */
  jump(ms: number): void {
    this.time += ms;
  }
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

const MINUTE = 60_000;
const action = (id: string, defaultInterval: string): Action => ({ id, name: id, trigger: 'schedule', defaultInterval });
const spacefileWith = (...actions: Action[][]): Spacefile => ({
  v: 0,
  autoPwa: true,
  micros: [
    micro({ name: 'web', primary: true, path: '/' }),
    ...actions.map((list, i) => micro({ name: `m${i}`, actions: list })),
  ],
});

const received: string[] = [];
let server: Server;
let origin: string;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      res.end('done');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('default_interval', () => {
  const at = Date.UTC(2026, 0, 1, 10, 7, 30); // a Thursday
  const cases: Array<[string, string]> = [
    ['1 minute', '2026-01-01T10:08:30.000Z'],
    ['5 minutes', '2026-01-01T10:12:30.000Z'],
    ['1 hour', '2026-01-01T11:07:30.000Z'],
    ['2 days', '2026-01-03T10:07:30.000Z'],
    ['*/15 * * * *', '2026-01-01T10:15:00.000Z'],
    ['0/20 * * * *', '2026-01-01T10:20:00.000Z'],
    ['0 9 * * 1-5', '2026-01-02T09:00:00.000Z'],
    ['0 12 * * SUN', '2026-01-04T12:00:00.000Z'],
    ['0 12 * * 7', '2026-01-04T12:00:00.000Z'],
    ['30 8 1 * mon', '2026-01-05T08:30:00.000Z'],
    ['0 0 29 2 *', '2028-02-29T00:00:00.000Z'],
    ['0 10 L * ?', '2026-01-31T10:00:00.000Z'],
    ['0 10 ? * 5L', '2026-01-30T10:00:00.000Z'],
    ['0 10 ? * MON#2', '2026-01-12T10:00:00.000Z'],
    ['0 10 ? * FRIL', '2026-01-30T10:00:00.000Z'],
    ['0 0 1W 1 ?', '2027-01-01T00:00:00.000Z'],
  ];
  for (const [text, next] of cases) {
    test(`"${text}" next fires at ${next}`, () => {
      assert.equal(new Date(nextRunAfter(parseInterval(text), at)).toISOString(), next);
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['1 minutes', /write "1 minute" \(singular unit for 1\)/],
    ['5 minute', /write "5 minutes"/],
    ['2 MINUTES', /write "2 minutes" \(units are lower case\)/],
    ['0 minutes', /at least 1/],
    ['1 week', /"week" is not a rate unit/],
    ['60 * * * *', /cron field 1 \(minute\) "60" is not valid: 60 is outside 0-59/],
    ['0 0 30 2 *', /never fires/],
    ['0 0 1-5-9 * *', /cron field 3 \(day of month\) "1-5-9" is not valid/],
    ['* * * *', /neither a rate .* nor a 5-field cron expression \(it has 4 fields\)/],
  ];
  for (const [text, message] of bad) {
    test(`"${text}" is refused`, () => {
      assert.throws(() => parseInterval(text), (error: unknown) => error instanceof IntervalError && message.test(error.message));
    });
  }
});

describe('Spacefile validation and the scheduler agree on default_interval', () => {
  // Each line was once read differently by the two (validated but never scheduled, or the other way
  // round); whatever validation accepts must also get a next run from the scheduler.
  const table: Array<[text: string, accepted: boolean]> = [
    ['1 minute', true],
    ['5 minutes', true],
    ['1 hour', true],
    ['2 days', true],
    ['1 minutes', false],
    ['2 MINUTES', false],
    ['0 hours', false],
    ['3 weeks', false],
    ['15', false],
    ['', false],
    ['*/15 * * * *', true],
    ['0 9 * * MON-FRI', true],
    ['0 0 29 2 *', true],
    ['0 0 L * ?', true],
    ['0 12 15W * ?', true],
    ['0 10 ? * 5L', true],
    ['0 10 ? * FRIL', true],
    ['0 10 ? * MON#2', true],
    ['0 0 ? 2 5#5', true],
    ['0 0 ? * ?', true],
    ['0 0 30 2 *', false],
    ['0 0 31 4,6,9,11 *', false],
    ['0 0 30W 2 *', false],
    ['0 0 L,15 * *', false],
    ['0 0 * * 5L,1', false],
    ['? * * * *', false],
    ['0 0 1-5-9 * *', false],
    ['60 * * * *', false],
    ['*/0 * * * *', false],
    ['0 0 ? * 1#6', false],
    ['0 0 * * * *', false],
  ];
  const start = Date.UTC(2026, 0, 1, 10, 7, 30);
  const spacefileText = (text: string) =>
    `v: 0\nmicros:\n  - name: jobs\n    src: .\n    engine: nodejs16\n    actions:\n      - id: job\n        name: Job\n        trigger: schedule\n        default_interval: ${JSON.stringify(text)}\n`;

  for (const [text, accepted] of table) {
    test(`${JSON.stringify(text)} is ${accepted ? 'accepted and scheduled' : 'rejected by both'}`, () => {
      let spacefile: Spacefile | undefined;
      try {
        spacefile = parseSpacefile(spacefileText(text));
      } catch (error) {
        assert.ok(error instanceof SpacefileError, String(error));
        assert.deepEqual(
          error.problems.map((p) => [p.line, p.column, p.path, typeof p.hint]),
          [[10, 9, 'micros[0].actions[0].default_interval', 'string']],
        );
      }
      assert.equal(spacefile !== undefined, accepted, 'validation');
      if (spacefile === undefined) {
        assert.throws(
          () => startActionSchedule({ spacefile: spacefileWith([action('job', text)]), trigger: async () => ({ status: 200, body: '' }), logger: recordingLogger() }),
          (error: unknown) => error instanceof IntervalError && error.message.startsWith(`Micro "m0", action "job": default_interval ${JSON.stringify(text)}: `),
        );
        return;
      }
      const logger = recordingLogger();
      const schedule = startActionSchedule({ spacefile, trigger: async () => ({ status: 200, body: '' }), clock: new ManualClock(start), logger });
      schedule.stop();
      const next = /next run (\S+)$/.exec(logger.lines[0] ?? '')?.[1] ?? '';
      assert.ok(Date.parse(next) > start, `${logger.lines[0]}`);
    });
  }
});

describe('startActionSchedule', () => {
  test('runs rate and cron actions on time against a real micro, logging each run', async () => {
    const start = Date.UTC(2026, 0, 5, 8, 58); // Monday 08:58 UTC
    const clock = new ManualClock(start);
    const logger = recordingLogger();
    const inFlight: Array<Promise<ActionResult>> = [];
    const calls: string[] = [];
    received.length = 0;
    const schedule = startActionSchedule({
      spacefile: spacefileWith([action('sync', '5 minutes'), action('cleanup', '1 hour')], [action('report', '0 9 * * 1')]),
      clock,
      logger,
      trigger: (id) => {
        calls.push(`${new Date(clock.now()).toISOString()} ${id}`);
        const run = triggerAction({ origin }, id);
        inFlight.push(run);
        return run;
      },
    });
    try {
      const settle = async () => {
        await Promise.all(inFlight);
        await new Promise((resolve) => setImmediate(resolve));
      };
      await clock.advanceTo(start + 15 * MINUTE, settle);
      assert.deepEqual(calls, [
        '2026-01-05T09:00:00.000Z report',
        '2026-01-05T09:03:00.000Z sync',
        '2026-01-05T09:08:00.000Z sync',
        '2026-01-05T09:13:00.000Z sync',
      ]);
      assert.deepEqual(received, [
        'POST /__space/v0/actions {"event":{"id":"report","trigger":"schedule"}}',
        'POST /__space/v0/actions {"event":{"id":"sync","trigger":"schedule"}}',
        'POST /__space/v0/actions {"event":{"id":"sync","trigger":"schedule"}}',
        'POST /__space/v0/actions {"event":{"id":"sync","trigger":"schedule"}}',
      ]);
      assert.deepEqual(logger.lines.slice(0, 3), [
        'info scheduled action "sync" (micro m0) on "5 minutes"; next run 2026-01-05T09:03:00.000Z',
        'info scheduled action "cleanup" (micro m0) on "1 hour"; next run 2026-01-05T09:58:00.000Z',
        'info scheduled action "report" (micro m1) on "0 9 * * 1"; next run 2026-01-05T09:00:00.000Z',
      ]);
      assert.deepEqual(logger.lines.slice(3, 7), [
        'info action "report" (micro m1) triggered by schedule "0 9 * * 1"',
        'info action "report" (micro m1) answered 200',
        'info action "sync" (micro m0) triggered by schedule "5 minutes"',
        'info action "sync" (micro m0) answered 200',
      ]);

      await clock.advanceTo(start + 60 * MINUTE, settle);
      assert.equal(calls.filter((c) => c.endsWith(' sync')).length, 12);
      assert.deepEqual(calls.filter((c) => c.endsWith(' cleanup')), ['2026-01-05T09:58:00.000Z cleanup']);
    } finally {
      schedule.stop();
    }
    assert.equal(clock.pending, 0);
    const before = calls.length;
    await clock.advanceTo(start + 24 * 60 * MINUTE);
    assert.equal(calls.length, before);
  });

  test('a run still in flight is not doubled: the next tick is skipped and logged', async () => {
    const clock = new ManualClock(0);
    const logger = recordingLogger();
    let release: (result: ActionResult) => void = () => {};
    let calls = 0;
    const schedule = startActionSchedule({
      spacefile: spacefileWith([action('slow', '1 minute')]),
      clock,
      logger,
      trigger: () => {
        calls++;
        return new Promise((resolve) => (release = resolve));
      },
    });
    try {
      await clock.advanceTo(2 * MINUTE);
      assert.equal(calls, 1);
      assert.deepEqual(logger.lines, [
        'info scheduled action "slow" (micro m0) on "1 minute"; next run 1970-01-01T00:01:00.000Z',
        'info action "slow" (micro m0) triggered by schedule "1 minute"',
        'warn action "slow" (micro m0) is still running; skipped the run due now',
      ]);
      release({ status: 204, body: '' });
      await new Promise((resolve) => setImmediate(resolve));
      await clock.advanceTo(3 * MINUTE);
      assert.equal(calls, 2);
    } finally {
      schedule.stop();
    }
  });

  test('failures are logged with the status and body, or the error', async () => {
    const clock = new ManualClock(0);
    const logger = recordingLogger();
    const schedule = startActionSchedule({
      spacefile: spacefileWith([action('bad', '1 minute')], [action('down', '1 minute')]),
      clock,
      logger,
      trigger: async (id) => {
        if (id === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:9');
        return { status: 500, body: 'Traceback:\n  boom' };
      },
    });
    try {
      await clock.advanceTo(MINUTE);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(logger.lines.filter((l) => !l.startsWith('info')), [
        'warn action "bad" (micro m0) answered 500: Traceback: boom',
        'error action "down" (micro m1) failed: connect ECONNREFUSED 127.0.0.1:9',
      ]);
    } finally {
      schedule.stop();
    }
  });

  test('after the machine slept through several runs, one run happens and the rate resumes on its grid', async () => {
    const clock = new ManualClock(0);
    const times: number[] = [];
    const schedule = startActionSchedule({
      spacefile: spacefileWith([action('tick', '5 minutes')]),
      clock,
      logger: recordingLogger(),
      trigger: async () => {
        times.push(clock.now());
        return { status: 200, body: '' };
      },
    });
    try {
      clock.jump(17 * MINUTE);
      await clock.advanceTo(clock.now());
      assert.deepEqual(times, [17 * MINUTE]);
      await clock.advanceTo(20 * MINUTE);
      assert.deepEqual(times, [17 * MINUTE, 20 * MINUTE]);
    } finally {
      schedule.stop();
    }
  });

  test('a monthly cron longer than one setTimeout can wait still fires once, on time', async () => {
    const start = Date.UTC(2026, 0, 2);
    const clock = new ManualClock(start);
    const times: string[] = [];
    const schedule = startActionSchedule({
      spacefile: spacefileWith([action('monthly', '0 0 1 * *')]),
      clock,
      logger: recordingLogger(),
      trigger: async () => {
        times.push(new Date(clock.now()).toISOString());
        return { status: 200, body: '' };
      },
    });
    try {
      await clock.advanceTo(Date.UTC(2026, 2, 15));
      assert.deepEqual(times, ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
    } finally {
      schedule.stop();
    }
  });

  test('a bad interval stops the start with the micro and action named', () => {
    assert.throws(
      () =>
        startActionSchedule({
          spacefile: spacefileWith([action('nightly', '1 days')]),
          trigger: async () => ({ status: 200, body: '' }),
          logger: recordingLogger(),
        }),
      {
        message:
          'Micro "m0", action "nightly": default_interval "1 days": write "1 day" (singular unit for 1); use a rate such as "5 minutes" or "1 hour", or a 5-field UTC cron expression such as "0 */6 * * *"',
      },
    );
  });
});
