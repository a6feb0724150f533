import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpacefile, parseSpacefile, SpacefileError, type SpacefileProblem } from '../lib/spacefile/index.js';

/** Spacefiles a newcomer pastes or saves that once crashed, misled or slipped through. */

const work = mkdtempSync(join(tmpdir(), 'spacefile-edge-'));
after(() => rmSync(work, { recursive: true, force: true }));

function problemsOf(text: string): SpacefileProblem[] {
  try {
    parseSpacefile(text);
  } catch (error) {
    assert.ok(error instanceof SpacefileError, `expected a SpacefileError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the Spacefile to be rejected');
}

const TWO = (path: string) =>
  `v: 0\nmicros:\n  - name: web\n    src: .\n    engine: nodejs16\n    primary: true\n  - name: api\n    src: .\n    engine: nodejs16\n    path: ${path}\n`;

test('merge keys (<<: *anchor) work as they did with Space\'s YAML parser', () => {
  const spacefile = parseSpacefile(
    'v: 0\nmicros:\n  - &node\n    name: web\n    src: .\n    engine: nodejs16\n    primary: true\n  - <<: *node\n    name: api\n    primary: false\n',
  );
  assert.deepEqual(
    spacefile.micros.map((m) => [m.name, m.src, m.engine, m.primary, m.path]),
    [
      ['web', '.', 'nodejs16', true, '/'],
      ['api', '.', 'nodejs16', false, '/api'],
    ],
  );
});

test('an alias bomb is a positioned problem, not a raw parser exception', () => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
    const previous = String.fromCharCode('a'.charCodeAt(0) + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  const problems = problemsOf(`${levels.join('\n')}\nv: 0\nmicros: []\n`);
  assert.equal(problems.length, 1);
  // Pointed at the first alias, where the nesting starts.
  assert.deepEqual([problems[0]?.line, problems[0]?.column], [2, 8]);
  assert.match(problems[0]?.message ?? '', /aliases/);
  assert.match(problems[0]?.hint ?? '', /write the values out/);
});

test('mount paths no browser can reach are rejected with the path to write instead', () => {
  for (const [written, line, hint] of [
    ['./api', 10, /"api"/],
    ['api/../x', 10, /"\.\."/],
    ['café', 10, /"caf%C3%A9"/],
    ['"api\\\\v2"', 10, /turn "\\" into "\/" .*; write "api\/v2"$/],
  ] as const) {
    const problems = problemsOf(TWO(written));
    assert.equal(problems.length, 1, written);
    assert.deepEqual([problems[0]?.line, problems[0]?.column, problems[0]?.path], [line, 5, 'micros[1].path'], written);
    assert.match(problems[0]?.message ?? '', /is not a usable mount path/, written);
    assert.match(problems[0]?.hint ?? '', hint, written);
  }
  // Percent-encoded and sub-delimiter characters are what a browser sends: still fine.
  assert.equal(parseSpacefile(TWO('caf%C3%A9')).micros[1]?.path, '/caf%C3%A9');
  assert.equal(parseSpacefile(TWO('v1.2/@me')).micros[1]?.path, '/v1.2/@me');
});

test('a one-character or empty unknown key gets no far-fetched "did you mean"', () => {
  const base = 'micros:\n  - name: web\n    src: .\n    engine: nodejs16\n';
  const numeric = problemsOf(`v: 0\n1: x\n${base}`);
  assert.deepEqual([numeric[0]?.line, numeric[0]?.message], [2, 'unknown key "1"']);
  assert.match(numeric[0]?.hint ?? '', /^allowed keys here: v, micros/);
  const empty = problemsOf(`v: 0\n: x\n${base}`);
  assert.deepEqual([empty[0]?.line, empty[0]?.column, empty[0]?.message], [2, 1, 'unknown key ""']);
  assert.match(empty[0]?.hint ?? '', /^allowed keys here/);
  // Real typos of short keys are still caught.
  assert.equal(problemsOf(`v: 0\n${base}    dv: node x.js\n`)[0]?.hint, 'did you mean "dev"?');
});

test('quoted booleans and upper-case rate units say exactly what to change', () => {
  const primary = problemsOf(
    'v: 0\nmicros:\n  - name: web\n    src: .\n    engine: nodejs16\n    primary: "true"\n  - name: api\n    src: .\n    engine: nodejs16\n',
  ).find((p) => p.path === 'micros[0].primary');
  assert.equal(primary?.hint, 'write true or false without quotes: primary: true');
  const rate = problemsOf(
    'v: 0\nmicros:\n  - name: web\n    src: .\n    engine: nodejs16\n    actions:\n      - id: a\n        name: a\n        trigger: schedule\n        default_interval: 2 MINUTES\n',
  );
  assert.equal(rate[0]?.message, 'write "2 minutes" (units are lower case)');
});

test('a Spacefile saved as UTF-16 is named as such instead of yielding garbage keys', () => {
  for (const [name, bytes] of [
    ['le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('v: 0\n', 'utf16le')])],
    ['be', Buffer.from([0xfe, 0xff, 0x00, 0x76, 0x00, 0x3a])],
  ] as const) {
    const file = join(work, `Spacefile.utf16${name}`);
    writeFileSync(file, bytes);
    assert.throws(
      () => loadSpacefile(file),
      (error: unknown) => {
        assert.ok(error instanceof SpacefileError);
        assert.equal(error.code, 'ERR_SPACEFILE_INVALID');
        assert.deepEqual(
          error.problems.map((p) => [p.line, p.column, p.message]),
          [[1, 1, 'the file is saved as UTF-16, not UTF-8']],
        );
        assert.match(error.problems[0]?.hint ?? '', /save it as UTF-8/);
        return true;
      },
    );
  }
});

test('a problem with a value reused through an alias points at the alias, not at the anchor', () => {
  const problems = problemsOf(
    'v: 0\nmicros:\n  - &web\n    name: web\n    src: .\n    engine: nodejs16\n    primary: true\n  - *web\n',
  );
  assert.deepEqual(
    problems.map((p) => [p.line, p.column, p.path]),
    [
      [8, 5, 'micros[1].name'],
      [8, 5, 'micros[1].primary'],
    ],
  );
});

test('a UTF-8 byte-order mark does not shift the columns of line 1 nor show up in the code frame', () => {
  assert.throws(
    () => parseSpacefile('\uFEFFv: 1\nmicros:\n  - name: web\n    src: .\n    engine: nodejs16\n'),
    (error: unknown) => {
      assert.ok(error instanceof SpacefileError);
      assert.deepEqual(error.problems.map((p) => [p.line, p.column, p.path]), [[1, 1, 'v']]);
      assert.ok(!error.message.includes('\uFEFF'), 'no byte-order mark in the message');
      return true;
    },
  );
  assert.equal(parseSpacefile('\uFEFFv: 0\nmicros:\n  - name: web\n    src: .\n    engine: nodejs16\n').micros[0]?.name, 'web');
});

test('a bare number as default_interval is told the unit it lacks, not to quote it into another invalid interval', () => {
  const action = (interval: string) =>
    `v: 0\nmicros:\n  - name: web\n    src: .\n    engine: nodejs16\n    actions:\n      - id: a\n        name: a\n        trigger: schedule\n        default_interval: ${interval}\n`;
  assert.deepEqual(
    problemsOf(action('5')).map((p) => [p.line, p.column, p.path, p.message, p.hint]),
    [[10, 9, 'micros[0].actions[0].default_interval', 'must be a string, not the number 5', 'a rate needs a unit: default_interval: 5 minutes']],
  );
  assert.equal(problemsOf(action('1'))[0]?.hint, 'a rate needs a unit: default_interval: 1 minute');
  assert.equal(
    problemsOf(action('true'))[0]?.hint,
    'use a rate such as "5 minutes" or "1 hour", or a 5-field UTC cron expression such as "0 */6 * * *"',
  );
});

test('a list or mapping where one value belongs still gets a hint', () => {
  const micro = (src: string) => `v: 0\nmicros:\n  - name: web\n    src: ${src}\n    engine: nodejs16\n`;
  assert.deepEqual(
    problemsOf(micro('[a, b]')).map((p) => [p.line, p.column, p.path, p.message, p.hint]),
    [[4, 5, 'micros[0].src', 'must be a string, not a list', 'write a string after "src:", on the same line']],
  );
  assert.equal(problemsOf(micro('{ a: 1 }'))[0]?.hint, 'write a string after "src:", on the same line');
});
