import type { Spacefile } from '../spacefile/types.js';
import type { Logger } from '../supervisor/types.js';
import { IntervalError, nextRunAfter, parseInterval, type Interval } from './interval.js';
import type { ActionResult } from './types.js';

export { IntervalError, nextRunAfter, parseInterval } from './interval.js';
export type { Interval } from './interval.js';

/** Time source for the scheduler; tests pass a manual clock instead of waiting real minutes. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ActionScheduleOptions {
  spacefile: Spacefile;
  trigger: (actionId: string) => Promise<ActionResult>;
  clock?: Clock;
  logger?: Logger;
}

export interface ActionSchedule {
  stop(): void;
}

/** setTimeout cannot wait longer than 2^31-1 ms (~24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    // The router's server keeps the process alive; a pending action alone must not.
    return setTimeout(callback, ms).unref();
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

const consoleLogger: Logger = {
  info: (message) => console.log(`[actions] ${message}`),
  warn: (message) => console.warn(`[actions] ${message}`),
  error: (message) => console.error(`[actions] ${message}`),
};

/**
 * Run every Spacefile action on its `default_interval` until `stop()`. Rates count from the start
 * (first run one interval after it, like a fresh deployment) without drift; cron times are UTC.
 * A run still in flight when the next one is due is not doubled up: that tick is skipped and logged.
 */
export function startActionSchedule(options: ActionScheduleOptions): ActionSchedule {
  const clock = options.clock ?? realClock;
  const logger = options.logger ?? consoleLogger;
  const planned = options.spacefile.micros.flatMap((micro) =>
    micro.actions.map((action) => {
      let interval: Interval;
      try {
        interval = parseInterval(action.defaultInterval);
      } catch (error) {
        if (!(error instanceof IntervalError)) throw error;
        throw new IntervalError(`Micro "${micro.name}", action "${action.id}": ${error.message}`);
      }
      return { micro: micro.name, id: action.id, interval };
    }),
  );

  let stopped = false;
  const timers = new Map<string, unknown>();

  function arm(id: string, due: number, run: () => void): void {
    const wait = Math.min(Math.max(due - clock.now(), 0), MAX_TIMER_MS);
    timers.set(
      id,
      clock.setTimeout(() => {
        if (stopped) return;
        if (clock.now() < due) arm(id, due, run);
        else run();
      }, wait),
    );
  }

  for (const { micro, id, interval } of planned) {
    let running = false;
    const schedule = (after: number) => {
      const due = upcoming(interval, after, clock.now());
      arm(id, due, () => {
        schedule(due);
        if (running) {
          logger.warn(`action "${id}" (micro ${micro}) is still running; skipped the run due now`);
          return;
        }
        running = true;
        logger.info(`action "${id}" (micro ${micro}) triggered by schedule "${interval.text}"`);
        options.trigger(id).then(
          (result) => {
            running = false;
            if (result.status >= 400) {
              logger.warn(`action "${id}" (micro ${micro}) answered ${result.status}: ${excerpt(result.body)}`);
            } else {
              logger.info(`action "${id}" (micro ${micro}) answered ${result.status}`);
            }
          },
          (error: unknown) => {
            running = false;
            logger.error(`action "${id}" (micro ${micro}) failed: ${error instanceof Error ? error.message : String(error)}`);
          },
        );
      });
    };
    schedule(clock.now());
    // Said once up front so a developer sees at start which handlers will fire, and when.
    logger.info(
      `scheduled action "${id}" (micro ${micro}) on "${interval.text}"; next run ${new Date(upcoming(interval, clock.now(), clock.now())).toISOString()}`,
    );
  }

  return {
    stop() {
      stopped = true;
      for (const handle of timers.values()) clock.clearTimeout(handle);
      timers.clear();
    },
  };
}

/**
 * The next due time after `after` that is not already past: after the machine slept through
 * several runs, the schedule resumes instead of firing every missed run back to back.
 */
function upcoming(interval: Interval, after: number, now: number): number {
  let due = nextRunAfter(interval, after);
  for (let i = 0; due < now && i < 1000; i++) due = nextRunAfter(interval, due);
  return due < now ? nextRunAfter(interval, now) : due;
}

function excerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line || '(empty body)';
}
