/**
 * `default_interval` of a scheduled action: a rate (`1 minute`, `5 minutes`, `1 hour`, `2 days`;
 * singular unit for 1, plural otherwise) or a 5-field UTC cron expression
 * (minute hour day-of-month month day-of-week). Returns why it is invalid, or undefined.
 */
export function intervalProblem(value: string): string | undefined {
  const text = value.trim();
  const rate = /^(\d+)\s+([a-z]+)$/i.exec(text);
  if (rate) return rateProblem(Number(rate[1]), rate[2] ?? '');
  const fields = text.split(/\s+/);
  if (fields.length !== 5 || text === '') {
    if (/^\d+$/.test(text)) return `"${value}" has no unit`;
    const count = text === '' ? 0 : fields.length;
    return `"${value}" is neither a rate such as "5 minutes" nor a 5-field cron expression (it has ${count} field${count === 1 ? '' : 's'})`;
  }
  for (let i = 0; i < CRON_FIELDS.length; i++) {
    const spec = CRON_FIELDS[i]!;
    const field = fields[i] ?? '';
    if (!cronFieldValid(field, spec)) {
      return `cron field ${i + 1} (${spec.name}) "${field}" is not valid; use numbers ${spec.min}-${spec.max}, "*", ranges "a-b", lists "a,b" or steps "*/n"`;
    }
  }
  return undefined;
}

const UNITS = ['minute', 'hour', 'day'];

function rateProblem(count: number, unit: string): string | undefined {
  const singular = unit.replace(/s$/i, '').toLowerCase();
  if (!UNITS.includes(singular)) return `"${unit}" is not a rate unit; use minute(s), hour(s) or day(s)`;
  if (count < 1) return 'a rate must be at least 1';
  if (unit !== unit.toLowerCase()) return `write "${count} ${singular}${count === 1 ? '' : 's'}" (units are lower case)`;
  if (count === 1 && unit !== singular) return `write "1 ${singular}" (singular unit for 1)`;
  if (count > 1 && unit !== `${singular}s`) return `write "${count} ${singular}s" (plural unit above 1)`;
  return undefined;
}

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** `?`, `L`, `W`, `#` as in AWS-style cron, which Space's scheduler accepted. */
  special: RegExp;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59, special: /^$/ },
  { name: 'hour', min: 0, max: 23, special: /^$/ },
  { name: 'day of month', min: 1, max: 31, special: /^(\?|L|\d{1,2}W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS, special: /^$/ },
  { name: 'day of week', min: 0, max: 7, names: DAYS, special: /^(\?|L|[0-7]L|[0-7]#[1-5])$/ },
];

function cronFieldValid(field: string, spec: CronField): boolean {
  if (spec.special.test(field)) return true;
  return field.split(',').every((part) => {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === undefined) return false;
    if (step !== undefined && !/^\d+$/.test(step)) return false;
    if (step !== undefined && Number(step) < 1) return false;
    if (range === '*') return true;
    const bounds = range.split('-');
    if (bounds.length > 2) return false;
    const values = bounds.map((bound) => cronValue(bound, spec));
    if (values.some((v) => v === undefined)) return false;
    return values.length === 1 || (values[0] ?? 0) <= (values[1] ?? 0);
  });
}

function cronValue(text: string, spec: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index === -1) return undefined;
  return spec.names === MONTHS ? index + 1 : index;
}
