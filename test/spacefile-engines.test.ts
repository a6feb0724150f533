import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, ENGINE_INFO, isStaticMicro } from '../lib/spacefile/index.js';
import { intervalProblem } from '../lib/spacefile/interval.js';

test('every engine has its kind, default dev command and Python flag (spec section 3)', () => {
  assert.deepEqual(Object.keys(ENGINE_INFO).sort(), [...ENGINES].sort());
  const table = Object.fromEntries(ENGINES.map((engine) => [engine, ENGINE_INFO[engine]]));
  assert.deepEqual(table, {
    static: { kind: 'static', python: false },
    react: { kind: 'frontend', devCommand: 'npm run start -- --port $PORT', python: false },
    svelte: { kind: 'frontend', devCommand: 'npm run dev -- --port $PORT', python: false },
    vue: { kind: 'frontend', devCommand: 'npm run dev -- --port $PORT', python: false },
    next: { kind: 'frontend', devCommand: 'npm run dev -- --port $PORT', python: false },
    nuxt: { kind: 'frontend', devCommand: 'npm run dev -- --port $PORT', python: false },
    'svelte-kit': { kind: 'frontend', devCommand: 'npm run dev -- --port $PORT', python: false },
    'python3.9': { kind: 'backend', python: true },
    'python3.8': { kind: 'backend', python: true },
    nodejs16: { kind: 'backend', python: false },
    custom: { kind: 'backend', python: false },
  });
});

test('only static micros are static', () => {
  assert.deepEqual(
    ENGINES.filter((engine) => isStaticMicro({ engine })),
    ['static'],
  );
});

test('default_interval: rates with singular unit for 1, and 5-field cron', () => {
  const valid = ['1 minute', '2 minutes', '1 hour', '12 hours', '1 day', '7 days', '*/5 * * * *', '0 0 1 1 *', '0 8 * * MON-FRI', '15,45 6-18/2 ? * 1L', '0 0 L * ?', '0 12 15W * ?', '0 9 ? * 2#1'];
  for (const value of valid) assert.equal(intervalProblem(value), undefined, value);
  const invalid: Record<string, string> = {
    '1 minutes': 'write "1 minute"',
    '5 minute': 'write "5 minutes"',
    '0 minutes': 'at least 1',
    '3 weeks': 'not a rate unit',
    '15': 'has no unit',
    '* * * *': '4 fields',
    '0 0 * * * *': '6 fields',
    '60 * * * *': 'cron field 1 (minute)',
    '* 24 * * *': 'cron field 2 (hour)',
    '* * 0 * *': 'cron field 3 (day of month)',
    '* * * 13 *': 'cron field 4 (month)',
    '* * * * 8': 'cron field 5 (day of week)',
    '*/0 * * * *': 'cron field 1',
    '5-1 * * * *': 'cron field 1',
    '': '0 fields',
  };
  for (const [value, why] of Object.entries(invalid)) {
    const problem = intervalProblem(value);
    assert.ok(problem?.includes(why), `${JSON.stringify(value)}: ${problem}`);
  }
});
