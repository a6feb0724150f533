/**
 * `default_interval` of a Spacefile action: a rate (`"5 minutes"`, `"1 hour"`, singular unit for 1,
 * as AWS EventBridge rates which Space's scheduler followed) or a 5-field cron expression evaluated
 * in UTC (minute hour day-of-month month day-of-week).
 */
export type Interval =
  | { kind: 'rate'; text: string; ms: number }
  | { kind: 'cron'; text: string; fields: CronFields };

export interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  days: DaySpec;
  weekdays: WeekdaySpec;
  /** Both day fields restricted: classic cron fires when either matches. */
  dayOr: boolean;
}

/** Day of month: plain values plus AWS-style `L` (last day) and `nW` (weekday nearest to n). */
interface DaySpec {
  values: Set<number>;
  last: boolean;
  nearestWeekday: number[];
}

/** Day of week (0 = Sunday): plain values plus AWS-style `nL` (last n-day) and `n#k` (k-th n-day). */
interface WeekdaySpec {
  values: Set<number>;
  lastOf: number[];
  nth: Array<[weekday: number, k: number]>;
}

export class IntervalError extends Error {
  readonly code = 'ERR_ACTION_INTERVAL';
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseInterval(text: string): Interval {
  const trimmed = text.trim();
  const rate = /^(\d+)\s+([a-z]+)$/i.exec(trimmed);
  if (rate) return parseRate(text, Number(rate[1]), rate[2]!.toLowerCase());
  const fields = trimmed.split(/\s+/);
  if (fields.length === 5) return { kind: 'cron', text, fields: parseCron(text, fields) };
  throw new IntervalError(
    `default_interval ${JSON.stringify(text)} is neither a rate ("5 minutes", "1 hour", "2 days") nor a 5-field UTC cron expression ("0 9 * * 1-5").`,
  );
}

function parseRate(text: string, value: number, unit: string): Interval {
  const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
  const ms = UNIT_MS[singular];
  if (ms === undefined) {
    throw new IntervalError(`default_interval ${JSON.stringify(text)}: unit "${unit}" is not minutes, hours or days.`);
  }
  if (value < 1) throw new IntervalError(`default_interval ${JSON.stringify(text)}: the rate must be at least 1.`);
  const expected = value === 1 ? singular : `${singular}s`;
  if (unit !== expected) {
    throw new IntervalError(`default_interval ${JSON.stringify(text)}: write "${value} ${expected}" (singular unit for 1, plural otherwise).`);
  }
  return { kind: 'rate', text, ms: value * ms };
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseCron(text: string, fields: string[]): CronFields {
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  const cron: CronFields = {
    minutes: parseField(text, 'minute', minute, 0, 59),
    hours: parseField(text, 'hour', hour, 0, 23),
    months: parseField(text, 'month', month, 1, 12, MONTH_NAMES, 1),
    days: parseDays(text, day),
    weekdays: parseWeekdays(text, weekday),
    dayOr: !isWildcard(day) && !isWildcard(weekday),
  };
  if (nextCronTime(cron, Date.UTC(2000, 0, 1)) === undefined) {
    throw new IntervalError(`default_interval ${JSON.stringify(text)}: this cron expression never fires (no such date).`);
  }
  return cron;
}

function parseDays(text: string, field: string): DaySpec {
  const spec: DaySpec = { values: new Set(), last: false, nearestWeekday: [] };
  const plain: string[] = [];
  for (const part of field.split(',')) {
    const nearest = /^(\d{1,2})W$/i.exec(part);
    if (part.toUpperCase() === 'L') spec.last = true;
    else if (nearest) spec.nearestWeekday.push(parseField(text, 'day-of-month', nearest[1]!, 1, 31).values().next().value!);
    else plain.push(part);
  }
  if (plain.length > 0) spec.values = parseField(text, 'day-of-month', plain.join(','), 1, 31);
  return spec;
}

function parseWeekdays(text: string, field: string): WeekdaySpec {
  const spec: WeekdaySpec = { values: new Set(), lastOf: [], nth: [] };
  const plain: string[] = [];
  const day = (token: string) => {
    const n = parseField(text, 'day-of-week', token, 0, 7, DAY_NAMES, 0).values().next().value!;
    return n === 7 ? 0 : n;
  };
  for (const part of field.split(',')) {
    const last = /^([0-7]|[a-z]{3})L$/i.exec(part);
    const nth = /^([0-7]|[a-z]{3})#([1-5])$/i.exec(part);
    // A lone `L` is the last day of the week, Saturday.
    if (part.toUpperCase() === 'L') spec.values.add(6);
    else if (last) spec.lastOf.push(day(last[1]!));
    else if (nth) spec.nth.push([day(nth[1]!), Number(nth[2])]);
    else plain.push(part);
  }
  if (plain.length > 0) {
    for (const n of parseField(text, 'day-of-week', plain.join(','), 0, 7, DAY_NAMES, 0)) spec.values.add(n === 7 ? 0 : n);
  }
  return spec;
}

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

function parseField(
  text: string,
  name: string,
  field: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = 0,
): Set<number> {
  const fail = (why: string) =>
    new IntervalError(`default_interval ${JSON.stringify(text)}: ${name} field "${field}" ${why}.`);
  const value = (token: string): number => {
    const named = names.indexOf(token.toLowerCase());
    if (named !== -1) return named + nameBase;
    if (!/^\d+$/.test(token)) throw fail(`has "${token}", which is not a number`);
    const n = Number(token);
    if (n < min || n > max) throw fail(`has ${n}, outside ${min}-${max}`);
    return n;
  };
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (range === undefined || range === '' || extra !== undefined) throw fail('is malformed');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw fail(`has step "${stepText}", which is not a positive integer`);
    let from: number;
    let to: number;
    if (isWildcard(range)) {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = value(a ?? '');
      to = value(b ?? '');
      if (from > to) throw fail(`has range ${range}, which runs backwards`);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

/** First instant strictly after `after` (ms since epoch) on which the interval fires. */
export function nextRunAfter(interval: Interval, after: number): number {
  if (interval.kind === 'rate') return after + interval.ms;
  const next = nextCronTime(interval.fields, after);
  if (next === undefined) throw new IntervalError(`default_interval ${JSON.stringify(interval.text)} never fires.`);
  return next;
}

function dayMatches(fields: CronFields, date: Date): boolean {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const weekday = date.getUTCDay();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const { days, weekdays } = fields;
  const dom =
    days.values.has(day) ||
    (days.last && day === lastDay) ||
    days.nearestWeekday.some((n) => nearestWeekday(year, month, n, lastDay) === day);
  const dow =
    weekdays.values.has(weekday) ||
    weekdays.lastOf.some((n) => n === weekday && day + 7 > lastDay) ||
    weekdays.nth.some(([n, k]) => n === weekday && Math.ceil(day / 7) === k);
  return fields.dayOr ? dom || dow : dom && dow;
}

/** The Monday-to-Friday day closest to day `n`, without leaving the month. */
function nearestWeekday(year: number, month: number, n: number, lastDay: number): number | undefined {
  if (n > lastDay) return undefined;
  const weekday = new Date(Date.UTC(year, month, n)).getUTCDay();
  if (weekday === 6) return n === 1 ? n + 2 : n - 1;
  if (weekday === 0) return n === lastDay ? n - 2 : n + 1;
  return n;
}

/** Walks month, day, hour, minute in coarse jumps; ten years covers every valid expression (Feb 29). */
function nextCronTime(fields: CronFields, after: number): number | undefined {
  const date = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  const limit = after + 10 * 366 * 86_400_000;
  for (let steps = 0; steps < 200_000 && date.getTime() <= limit; steps++) {
    if (!fields.months.has(date.getUTCMonth() + 1)) {
      date.setUTCMonth(date.getUTCMonth() + 1, 1);
      date.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(fields, date)) {
      date.setUTCDate(date.getUTCDate() + 1);
      date.setUTCHours(0, 0, 0, 0);
    } else if (!fields.hours.has(date.getUTCHours())) {
      date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
    } else if (!fields.minutes.has(date.getUTCMinutes())) {
      date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
    } else {
      return date.getTime();
    }
  }
  return undefined;
}
