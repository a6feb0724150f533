/**
 * `default_interval` of a scheduled action: a rate (`1 minute`, `5 minutes`, `1 hour`, `2 days`; singular
 * unit for 1, plural otherwise, lower case, as the AWS EventBridge rates Space's scheduler followed) or a
 * 5-field UTC cron expression (minute hour day-of-month month day-of-week) with the AWS-style specials
 * Space's scheduler accepted: `?`, `L` and `nW` in day of month, `?`, `L`, `nL` and `n#k` in day of week,
 * each standing alone in its field.
 *
 * This is the only reader of the syntax: the Spacefile validation reports its problems and the action
 * scheduler runs its result, so whatever `space-router validate` accepts also schedules. An expression
 * that names no real date (`0 0 30 2 *`) is a problem here rather than a failure at schedule start.
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

/** Day of month: plain values plus `L` (last day) and `nW` (weekday nearest to n). */
export interface DaySpec {
  values: Set<number>;
  last: boolean;
  nearestWeekday: number[];
}

/** Day of week (0 = Sunday): plain values plus `nL` (last n-day of the month) and `n#k` (k-th n-day). */
export interface WeekdaySpec {
  values: Set<number>;
  lastOf: number[];
  nth: Array<[weekday: number, k: number]>;
}

/** What is wrong with a `default_interval` and what to write instead, in the Spacefile problem style. */
export interface IntervalProblem {
  message: string;
  hint: string;
}

export type IntervalReading = { interval: Interval; problem?: undefined } | { interval?: undefined; problem: IntervalProblem };

export const GENERAL_HINT = 'use a rate such as "5 minutes" or "1 hour", or a 5-field UTC cron expression such as "0 */6 * * *"';

export function readInterval(value: string): IntervalReading {
  const text = value.trim();
  const rate = /^(\d+)\s+([a-z]+)$/i.exec(text);
  if (rate) return readRate(value, Number(rate[1]), rate[2] ?? '');
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== 5) {
    if (/^\d+$/.test(text)) return problem(`"${value}" has no unit`);
    const count = fields.length;
    return problem(
      `"${value}" is neither a rate such as "5 minutes" nor a 5-field cron expression (it has ${count} field${count === 1 ? '' : 's'})`,
    );
  }
  let cron: CronFields;
  try {
    cron = readCron(fields);
  } catch (error) {
    if (error instanceof FieldProblem) return { problem: { message: error.message, hint: error.hint } };
    throw error;
  }
  // The Gregorian calendar, weekdays included, repeats every 400 years: no match in one cycle is no match ever.
  if (nextCronTime(cron, Date.UTC(2000, 0, 1)) === undefined) {
    return {
      problem: {
        message: `"${value}" never fires: no date has the day and month it names`,
        hint: 'pick days every chosen month has (February has 28 days, 29 in leap years; April, June, September and November have 30)',
      },
    };
  }
  return { interval: { kind: 'cron', text: value, fields: cron } };
}

function problem(message: string): IntervalReading {
  return { problem: { message, hint: GENERAL_HINT } };
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function readRate(text: string, count: number, unit: string): IntervalReading {
  const singular = unit.replace(/s$/i, '').toLowerCase();
  const ms = UNIT_MS[singular];
  if (ms === undefined) return problem(`"${unit}" is not a rate unit; use minute(s), hour(s) or day(s)`);
  if (count < 1) return problem('a rate must be at least 1');
  if (unit !== unit.toLowerCase()) return problem(`write "${count} ${singular}${count === 1 ? '' : 's'}" (units are lower case)`);
  if (count === 1 && unit !== singular) return problem(`write "1 ${singular}" (singular unit for 1)`);
  if (count > 1 && unit !== `${singular}s`) return problem(`write "${count} ${singular}s" (plural unit above 1)`);
  return { interval: { kind: 'rate', text, ms: count * ms } };
}

interface FieldSpec {
  position: number;
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Value of the first name: months count from 1, weekdays from 0. */
  nameBase?: number;
  /** The specials this field allows, for the hint. */
  specials?: string;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MINUTE: FieldSpec = { position: 1, name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { position: 2, name: 'hour', min: 0, max: 23 };
const DAY: FieldSpec = {
  position: 3,
  name: 'day of month',
  min: 1,
  max: 31,
  specials: '"?", "L" (last day) or "15W" (weekday nearest the 15th)',
};
const MONTH: FieldSpec = { position: 4, name: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 };
const WEEKDAY: FieldSpec = {
  position: 5,
  name: 'day of week',
  min: 0,
  max: 7,
  names: DAY_NAMES,
  nameBase: 0,
  specials: '"?", "L", "5L" (last Friday) or "1#2" (second Monday)',
};

class FieldProblem extends Error {
  readonly hint: string;
  constructor(spec: FieldSpec, field: string, why: string) {
    super(`cron field ${spec.position} (${spec.name}) "${field}" is not valid: ${why}`);
    this.hint = fieldHint(spec);
  }
}

function fieldHint(spec: FieldSpec): string {
  const names = spec.names ? ` or names (${spec.names[0]}-${spec.names[spec.names.length - 1]})` : '';
  const specials = spec.specials ? `, or alone ${spec.specials}` : '';
  return `use numbers ${spec.min}-${spec.max}${names}, "*", ranges "a-b", lists "a,b" or steps "*/n"${specials}`;
}

function readCron(fields: string[]): CronFields {
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  return {
    minutes: readPlain(MINUTE, minute),
    hours: readPlain(HOUR, hour),
    days: readDays(day),
    months: readPlain(MONTH, month),
    weekdays: readWeekdays(weekday),
    dayOr: !isWildcard(day) && !isWildcard(weekday),
  };
}

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

/** `?`, `L`, `15W`, `5L`, `1#2`: tokens that only mean something alone in a day field. */
function isSpecial(part: string): boolean {
  return /^(\?|L|\d+W|\w+L|\w+#\w*)$/i.test(part) && !MONTH_NAMES.includes(part.toUpperCase());
}

function readDays(field: string): DaySpec {
  const spec: DaySpec = { values: new Set(), last: false, nearestWeekday: [] };
  const nearest = /^(\d+)W$/i.exec(field);
  if (field === '?') spec.values = range(DAY.min, DAY.max);
  else if (field.toUpperCase() === 'L') spec.last = true;
  else if (nearest) spec.nearestWeekday.push(readValue(DAY, field, nearest[1] ?? ''));
  else spec.values = readPlain(DAY, field);
  return spec;
}

function readWeekdays(field: string): WeekdaySpec {
  const spec: WeekdaySpec = { values: new Set(), lastOf: [], nth: [] };
  const last = /^(\w+)L$/i.exec(field);
  const nth = /^(\w+)#(\w*)$/.exec(field);
  const weekday = (token: string) => readValue(WEEKDAY, field, token) % 7;
  if (field === '?') spec.values = range(0, 6);
  // A lone `L` is the last day of the week, Saturday.
  else if (field.toUpperCase() === 'L') spec.values.add(6);
  else if (last) spec.lastOf.push(weekday(last[1] ?? ''));
  else if (nth) {
    const k = nth[2] ?? '';
    if (!/^[1-5]$/.test(k)) throw new FieldProblem(WEEKDAY, field, `"#${k}" must be #1 to #5 (which occurrence in the month)`);
    spec.nth.push([weekday(nth[1] ?? ''), Number(k)]);
  } else {
    for (const n of readPlain(WEEKDAY, field)) spec.values.add(n % 7);
  }
  return spec;
}

/** Numbers, names, `*`, ranges `a-b`, lists `a,b` and steps `*\/n`, `a/n`, `a-b/n`. */
function readPlain(spec: FieldSpec, field: string): Set<number> {
  const values = new Set<number>();
  const parts = field.split(',');
  for (const part of parts) {
    if (isSpecial(part)) {
      const allowed = spec.specials !== undefined && parts.length > 1;
      throw new FieldProblem(
        spec,
        field,
        allowed ? `"${part}" cannot be part of a list; it must stand alone` : `"${part}" is not allowed in the ${spec.name} field`,
      );
    }
    const [span, stepText, extra] = part.split('/');
    const bounds = (span ?? '').split('-');
    if (span === '' || extra !== undefined || bounds.length > 2) {
      throw new FieldProblem(spec, field, `"${part}" is not a value, a range "a-b" or a step "a/n"`);
    }
    if (stepText !== undefined && !/^\d+$/.test(stepText)) {
      throw new FieldProblem(spec, field, `step "${stepText}" is not a whole number`);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new FieldProblem(spec, field, 'a step must be at least 1');
    let from: number;
    let to: number;
    if (span === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      from = readValue(spec, field, bounds[0] ?? '');
      to = bounds.length === 2 ? readValue(spec, field, bounds[1] ?? '') : stepText === undefined ? from : spec.max;
      if (from > to) throw new FieldProblem(spec, field, `range ${span} runs backwards`);
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

function readValue(spec: FieldSpec, field: string, token: string): number {
  const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named !== -1) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(token)) {
    const names = spec.names ? ` or a name such as ${spec.names[0]}` : '';
    throw new FieldProblem(spec, field, `"${token}" is not a number${names}`);
  }
  const n = Number(token);
  if (n < spec.min || n > spec.max) throw new FieldProblem(spec, field, `${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

function range(from: number, to: number): Set<number> {
  const values = new Set<number>();
  for (let n = from; n <= to; n++) values.add(n);
  return values;
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

/** One Gregorian cycle: every expression that ever fires fires within it. */
const CYCLE_MS = 146_097 * 86_400_000;
/**
 * Per year at most 12 month jumps and 366 day steps; only the first (partial) day and the matching
 * day itself walk hours and minutes. Bounds the loop without ever cutting a real search short.
 */
const MAX_STEPS = 401 * (12 + 366) + 4 * (24 + 60);

/** First whole UTC minute strictly after `after` (ms since epoch) that the expression matches. */
export function nextCronTime(fields: CronFields, after: number): number | undefined {
  const date = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  const limit = after + CYCLE_MS;
  for (let steps = 0; steps < MAX_STEPS && date.getTime() <= limit; steps++) {
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
