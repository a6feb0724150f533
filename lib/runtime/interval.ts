import { nextCronTime, readInterval, type Interval } from '../spacefile/interval.js';

export type { Interval } from '../spacefile/interval.js';

export class IntervalError extends Error {
  readonly code = 'ERR_ACTION_INTERVAL';
}

/**
 * The Spacefile's reading of `default_interval`, thrown as an error for a Spacefile built by hand
 * (the router accepts one without validation); a validated Spacefile never gets here with a problem.
 */
export function parseInterval(text: string): Interval {
  const { interval, problem } = readInterval(text);
  if (problem) throw new IntervalError(`default_interval ${JSON.stringify(text)}: ${problem.message}; ${problem.hint}`);
  return interval;
}

/** First instant strictly after `after` (ms since epoch) on which the interval fires. */
export function nextRunAfter(interval: Interval, after: number): number {
  if (interval.kind === 'rate') return after + interval.ms;
  const next = nextCronTime(interval.fields, after);
  // readInterval refuses every expression without a date in the 400-year cycle, so this cannot happen.
  if (next === undefined) throw new IntervalError(`default_interval ${JSON.stringify(interval.text)} never fires.`);
  return next;
}
