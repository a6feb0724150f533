import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, ENGINE_INFO, servedFromFiles } from '../lib/spacefile/index.js';
import { readInterval } from '../lib/spacefile/interval.js';

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
    'python3.9': { kind: 'backend', python: true, exampleDev: 'uvicorn main:app --port $PORT' },
    'python3.8': { kind: 'backend', python: true, exampleDev: 'uvicorn main:app --port $PORT' },
    nodejs16: { kind: 'backend', python: false, exampleDev: 'node index.js' },
    custom: { kind: 'backend', python: false },
  });
});

test('only static micros without a dev command are served from files', () => {
  assert.deepEqual(
    ENGINES.filter((engine) => servedFromFiles({ engine })),
    ['static'],
  );
  assert.equal(servedFromFiles({ engine: 'static', dev: 'npm run dev' }), false);
  assert.equal(servedFromFiles({ engine: 'static', dev: ' ' }), true);
  assert.equal(servedFromFiles({ engine: 'custom', dev: 'npm run dev' }), false);
});

test('default_interval: rates with singular unit for 1, and 5-field cron', () => {
  const valid = ['1 minute', '2 minutes', '1 hour', '12 hours', '1 day', '7 days', '*/5 * * * *', '0 0 1 1 *', '0 8 * * MON-FRI', '15,45 6-18/2 ? * 1L', '0 0 L * ?', '0 12 15W * ?', '0 9 ? * 2#1', '0 9 ? * MON#1', '0 9 ? * FRIL', '0 0 29 2 *'];
  for (const value of valid) assert.equal(readInterval(value).problem, undefined, value);
  const invalid: Record<string, string> = {
    '1 minutes': 'write "1 minute"',
    '5 minute': 'write "5 minutes"',
    '2 MINUTES': 'write "2 minutes" (units are lower case)',
    '0 minutes': 'at least 1',
    '3 weeks': 'not a rate unit',
    '15': 'has no unit',
    '* * * *': '4 fields',
    '0 0 * * * *': '6 fields',
    '60 * * * *': 'cron field 1 (minute) "60" is not valid: 60 is outside 0-59',
    '* 24 * * *': 'cron field 2 (hour) "24" is not valid: 24 is outside 0-23',
    '* * 0 * *': 'cron field 3 (day of month) "0" is not valid: 0 is outside 1-31',
    '* * * 13 *': 'cron field 4 (month) "13" is not valid: 13 is outside 1-12',
    '* * * * 8': 'cron field 5 (day of week) "8" is not valid: 8 is outside 0-7',
    '*/0 * * * *': 'cron field 1 (minute) "*/0" is not valid: a step must be at least 1',
    '5-1 * * * *': 'cron field 1 (minute) "5-1" is not valid: range 5-1 runs backwards',
    '0 0 1-5-9 * *': 'cron field 3 (day of month) "1-5-9" is not valid: "1-5-9" is not a value, a range "a-b" or a step "a/n"',
    '0 0 L,15 * *': '"L" cannot be part of a list; it must stand alone',
    '0 0 * * 5L,1': '"5L" cannot be part of a list; it must stand alone',
    '? * * * *': '"?" is not allowed in the minute field',
    '0 0 5L * *': '"5L" is not allowed in the day of month field',
    '0 0 ? * 1#6': '"#6" must be #1 to #5',
    '0 0 30 2 *': '"0 0 30 2 *" never fires: no date has the day and month it names',
    '0 0 31 4,6,9,11 *': 'never fires',
    '': '0 fields',
  };
  for (const [value, why] of Object.entries(invalid)) {
    const problem = readInterval(value).problem;
    assert.ok(problem?.message.includes(why), `${JSON.stringify(value)}: ${problem?.message}`);
  }
});

test('default_interval problems carry a hint for the field at fault', () => {
  assert.equal(
    readInterval('0 0 L,15 * *').problem?.hint,
    'use numbers 1-31, "*", ranges "a-b", lists "a,b" or steps "*/n", or alone "?", "L" (last day) or "15W" (weekday nearest the 15th)',
  );
  assert.equal(readInterval('60 * * * *').problem?.hint, 'use numbers 0-59, "*", ranges "a-b", lists "a,b" or steps "*/n"');
  assert.equal(
    readInterval('0 0 30 2 *').problem?.hint,
    'pick days every chosen month has (February has 28 days, 29 in leap years; April, June, September and November have 30)',
  );
  assert.equal(
    readInterval('3 weeks').problem?.hint,
    'use a rate such as "5 minutes" or "1 hour", or a 5-field UTC cron expression such as "0 */6 * * *"',
  );
});
