import type { z } from 'zod';
import { ENGINES } from './types.js';
import { KEYS, NAME_PATTERN } from './schema.js';
import { closest } from './suggest.js';
import { cleanName } from './names.js';
import { asYamlText, describeValue, valueAt } from './describe-value.js';
import type { KeyPath } from './positions.js';
import { GENERAL_HINT as INTERVAL_HINT } from './interval.js';

/** A problem before it is positioned: key path plus wording. */
export interface RawProblem {
  path: KeyPath;
  message: string;
  hint?: string;
}

type Level = keyof typeof KEYS;

const MISSING_HINTS: Record<string, string> = {
  v: 'add "v: 0" as the first line',
  micros: 'add a "micros:" list with at least one micro',
  'micro.name': 'add "name: <name>" (letters, digits, "_" and "-")',
  'micro.src': 'add "src: ./<directory>", relative to the Spacefile ("./" for the project root)',
  'micro.engine': `add "engine: <engine>", one of ${ENGINES.join(', ')}`,
  'env.name': 'each env preset needs "name: <VARIABLE_NAME>"',
  'action.id': 'add "id: <unique id>"',
  'action.name': 'add "name: <unique name>"',
  'action.trigger': 'add "trigger: schedule"',
  'action.default_interval': 'add "default_interval: 5 minutes" (a rate or a 5-field cron expression)',
};

const EXPECTED: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  number: 'a number',
};

/** Which kind of mapping a key path points into: `[]` top, `['micros', 0]` a micro, and so on. */
function levelOf(path: KeyPath): Level {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path.length === 0) return 'top';
  if (last === 'presets') return 'presets';
  if (typeof last === 'number' && parent === 'env') return 'env';
  if (typeof last === 'number' && parent === 'actions') return 'action';
  return 'micro';
}

export function describeIssue(issue: z.core.$ZodIssue, raw: unknown): RawProblem[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const value = valueAt(raw, path);
  const key = String(path[path.length - 1] ?? '');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((unknown) => unknownKey(path, unknown));
    case 'invalid_type':
      return [wrongType(path, key, issue.expected, value)];
    case 'invalid_value':
      return [wrongValue(path, key, issue.values, value)];
    case 'invalid_format':
      return [
        {
          path,
          message: `${JSON.stringify(value)} is not a valid micro name`,
          hint: `start with a letter or digit, then only letters, digits, "_" or "-"${suggestName(value)}`,
        },
      ];
    case 'too_big':
      return [tooLong(path, key, Number(issue.maximum), value)];
    case 'too_small':
      return [{ path, message: 'is an empty string', hint: 'write a route pattern such as "/public/*"' }];
    case 'custom': {
      const params = issue.params as { hint?: string } | undefined;
      return [{ path, message: issue.message, hint: params?.hint }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function unknownKey(parent: KeyPath, key: string): RawProblem {
  const level = levelOf(parent);
  const allowed: readonly string[] = KEYS[level];
  const path = [...parent, key];
  const typo = closest(key, allowed);
  if (typo) return { path, message: `unknown key "${key}"`, hint: `did you mean "${typo}"?` };
  const home = (Object.keys(KEYS) as Level[]).find((other) => other !== level && (KEYS[other] as readonly string[]).includes(key));
  if (home) {
    return { path, message: `"${key}" does not belong here`, hint: `${HOMES[home]}; check its indentation` };
  }
  return { path, message: `unknown key "${key}"`, hint: `allowed keys here: ${allowed.join(', ')}` };
}

const HOMES: Record<Level, string> = {
  top: 'it is a top-level key (no indentation)',
  micro: 'it belongs inside a micro (an item of "micros:")',
  presets: 'it belongs under the micro\'s "presets:"',
  env: 'it belongs inside an item of "presets: env:"',
  action: 'it belongs inside an item of "actions:"',
};

function wrongType(path: KeyPath, key: string, expected: string, value: unknown): RawProblem {
  const parentLevel = levelOf(path.slice(0, -1));
  if (value === undefined) {
    const hint = MISSING_HINTS[`${parentLevel}.${key}`] ?? MISSING_HINTS[key];
    return { path, message: `missing required key "${key}"`, hint };
  }
  const wanted = EXPECTED[expected] ?? expected;
  if (path.length === 0) {
    return value === null
      ? { path, message: 'the Spacefile is empty', hint: 'start with "v: 0" and a "micros:" list' }
      : { path, message: `a Spacefile must be a mapping of keys, not ${describeValue(value)}`, hint: 'start with "v: 0" and a "micros:" list' };
  }
  const isItem = typeof path[path.length - 1] === 'number';
  if (value === null) {
    const hint = isItem ? 'fill in the empty "-" item or remove it' : `give "${key}" a value or remove the line`;
    return { path, message: `has no value (expected ${wanted})`, hint };
  }
  if (parentLevel === 'action' && key === 'default_interval' && (typeof value === 'number' || typeof value === 'boolean')) {
    // Quoting `5` would only trade this problem for "has no unit": name the unit instead.
    const count = typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
    const hint = count === undefined ? INTERVAL_HINT : `a rate needs a unit: ${key}: ${count} minute${count === 1 ? '' : 's'}`;
    return { path, message: `must be a string, not ${describeValue(value)}`, hint };
  }
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    const text = asYamlText(value);
    return {
      path,
      message: `must be a string, not ${describeValue(value)}`,
      hint: isItem ? `quote it: "${text}"` : `quote it: ${key}: "${text}"`,
    };
  }
  if (expected === 'object') {
    const example = path.length === 2 && path[0] === 'micros' ? ', e.g. "- name: api" with src and engine under it' : '';
    return { path, message: `must be a mapping, not ${describeValue(value)}`, hint: `write it as "key: value" lines${example}` };
  }
  if (expected === 'boolean' && typeof value === 'string') {
    const yamlOneOne = /^(y|yes|n|no|on|off)$/i.test(value);
    const quoted = /^(true|false)$/i.test(value.trim());
    return {
      path,
      message: `must be true or false, not ${describeValue(value)}`,
      hint: quoted
        ? `write true or false without quotes: ${key}: ${value.trim().toLowerCase()}`
        : yamlOneOne
          ? 'YAML 1.2 reads yes/no/on/off as strings; write true or false'
          : 'write true or false',
    };
  }
  if (expected === 'array' && typeof value === 'string') {
    return {
      path,
      message: `must be a list, not ${describeValue(value)}`,
      hint: `write it as a list: ${key}: [${JSON.stringify(value)}] or one "- item" per line`,
    };
  }
  if (expected === 'array' && value !== null && typeof value === 'object') {
    return {
      path,
      message: `must be a list, not ${describeValue(value)}`,
      hint: 'start each item with "- ", e.g. "  - name: api" with the item\'s other keys indented under "name"',
    };
  }
  // A list or mapping where one value belongs (`src: [a, b]`), or another type no case above knows.
  const hint = isItem ? `replace this item with ${wanted}` : `write ${wanted} after "${key}:", on the same line`;
  return { path, message: `must be ${wanted}, not ${describeValue(value)}`, hint };
}

function wrongValue(path: KeyPath, key: string, values: readonly unknown[], value: unknown): RawProblem {
  // Enums and literals report a missing or empty key as a wrong value; say what is really wrong.
  if (value === undefined || value === null) return wrongType(path, key, typeof values[0], value);
  if (key === 'engine') {
    const typo = typeof value === 'string' ? closest(value, ENGINES) : undefined;
    return {
      path,
      message: `${JSON.stringify(value)} is not an engine`,
      hint: `use one of ${ENGINES.join(', ')}${typo ? ` (did you mean "${typo}"?)` : ''}`,
    };
  }
  if (key === 'v') {
    if (value === '0') return { path, message: 'must be the number 0, not the string "0"', hint: 'write v: 0 without quotes' };
    return {
      path,
      message: `must be 0, not ${asYamlText(value)}`,
      hint: 'version 0 is the only Spacefile version Space defined; write v: 0',
    };
  }
  const allowed = values.map((v) => JSON.stringify(v)).join(', ');
  return { path, message: `${JSON.stringify(value)} is not allowed`, hint: `use ${allowed}` };
}

function tooLong(path: KeyPath, key: string, maximum: number, value: unknown): RawProblem {
  const text = typeof value === 'string' ? value : '';
  return {
    path,
    message: `${JSON.stringify(text)} is ${text.length} characters long; ${key} allows at most ${maximum}`,
    hint: key === 'app_name' ? `shorten it, e.g. ${JSON.stringify(text.slice(0, maximum).trimEnd())}` : `shorten it to ${maximum} characters`,
  };
}

function suggestName(value: unknown): string {
  if (typeof value !== 'string') return '';
  const cleaned = cleanName(value);
  return cleaned && NAME_PATTERN.test(cleaned) ? `, e.g. "${cleaned}"` : '';
}
