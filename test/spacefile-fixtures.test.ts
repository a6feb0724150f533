import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSpacefile, SpacefileError, formatProblem } from '../lib/spacefile/index.js';
import type { SpacefileProblem } from '../lib/spacefile/index.js';

/**
 * The fixture corpus: each `NAME.Spacefile` has a `NAME.expected.json` holding either the normalised
 * `model` or the exact `problems` (line, column and path exactly; message and hint as substrings).
 * `root` (relative to the fixture folder) parses with that project root; `<root>` in expectations stands
 * for its absolute path.
 */
interface Expected {
  root?: string;
  model?: unknown;
  problems?: Array<{ line: number; column: number; path: string; message: string; hint?: string }>;
}

const fixtures = fileURLToPath(new URL('./fixtures/spacefile/', import.meta.url));
const names = readdirSync(fixtures)
  .filter((file) => file.endsWith('.Spacefile'))
  .map((file) => file.slice(0, -'.Spacefile'.length))
  .sort();

test('the corpus holds at least 50 Spacefiles, each with an expectation', () => {
  assert.ok(names.length >= 50, `only ${names.length} fixtures`);
  const expectations = readdirSync(fixtures).filter((file) => file.endsWith('.expected.json'));
  assert.deepEqual(expectations.map((file) => file.slice(0, -'.expected.json'.length)).sort(), names);
});

for (const name of names) {
  test(`fixture ${name}`, () => {
    const text = readFileSync(join(fixtures, `${name}.Spacefile`), 'utf8');
    const raw = readFileSync(join(fixtures, `${name}.expected.json`), 'utf8');
    const root = JSON.parse(raw).root === undefined ? undefined : join(fixtures, JSON.parse(raw).root);
    const expected = JSON.parse(root ? raw.split('<root>').join(JSON.stringify(root).slice(1, -1)) : raw) as Expected;
    if (expected.model !== undefined) {
      const model = parseSpacefile(text, { root });
      assert.deepEqual(JSON.parse(JSON.stringify(model)), expected.model);
      return;
    }
    assert.ok(expected.problems, `${name}.expected.json has neither model nor problems`);
    let error: unknown;
    try {
      parseSpacefile(text, { root });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof SpacefileError, `expected a SpacefileError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_SPACEFILE_INVALID');
    assert.equal(error.filename, 'Spacefile');
    const actual = error.problems.map((p) => `${p.line}:${p.column} ${p.path}`);
    assert.deepEqual(actual, expected.problems.map((p) => `${p.line}:${p.column} ${p.path}`), error.message);
    expected.problems.forEach((want, i) => {
      const got = error.problems[i] as SpacefileProblem;
      assert.ok(got.message.includes(want.message), `problem ${i}: "${got.message}" lacks "${want.message}"`);
      if (want.hint !== undefined) assert.ok(got.hint?.includes(want.hint), `problem ${i}: hint "${got.hint}" lacks "${want.hint}"`);
    });
    // The message starts with one `Spacefile:line:column path: message; hint` line per problem.
    const lines = error.message.split('\n');
    assert.deepEqual(lines.slice(0, error.problems.length), error.problems.map((p) => formatProblem(p, 'Spacefile')));
    assert.ok(!/\n\s+at /.test(error.message), 'no stack trace in the message');
  });
}
