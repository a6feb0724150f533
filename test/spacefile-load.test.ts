import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadSpacefile, parseSpacefile, SpacefileError } from '../lib/spacefile/index.js';

const work = mkdtempSync(join(tmpdir(), 'spacefile-load-'));
after(() => rmSync(work, { recursive: true, force: true }));

function project(name: string, spacefile: string | undefined, dirs: string[] = []): string {
  const root = join(work, name);
  mkdirSync(root, { recursive: true });
  for (const dir of dirs) mkdirSync(join(root, dir), { recursive: true });
  if (spacefile !== undefined) writeFileSync(join(root, 'Spacefile'), spacefile);
  return root;
}

const TWO_MICROS = 'v: 0\nmicros:\n  - name: web\n    src: ./web\n    engine: vue\n    primary: true\n  - name: api\n    src: ./api\n    engine: nodejs16\n';

test('a directory means <dir>/Spacefile; root, filename and every micro dir are absolute', () => {
  const root = project('dir', TWO_MICROS, ['web', 'api']);
  const spacefile = loadSpacefile(root);
  assert.equal(spacefile.root, root);
  assert.equal(spacefile.filename, join(root, 'Spacefile'));
  assert.deepEqual(spacefile.micros.map((m) => [m.name, m.path, m.dir]), [
    ['web', '/', join(root, 'web')],
    ['api', '/api', join(root, 'api')],
  ]);
});

test('a file path is read as is, whatever its name', () => {
  const root = project('file', undefined, ['web', 'api']);
  writeFileSync(join(root, 'Spacefile.dev'), TWO_MICROS);
  const spacefile = loadSpacefile(join(root, 'Spacefile.dev'));
  assert.equal(spacefile.root, root);
  assert.equal(spacefile.filename, join(root, 'Spacefile.dev'));
});

test('a missing Spacefile says where it looked and suggests space-router init', () => {
  const root = project('missing', undefined);
  assert.throws(
    () => loadSpacefile(root),
    (error: unknown) => {
      assert.ok(error instanceof SpacefileError);
      assert.equal(error.code, 'ERR_SPACEFILE_NOT_FOUND');
      assert.deepEqual(error.problems, []);
      assert.equal(
        error.message,
        `No Spacefile found at ${join(root, 'Spacefile')}; run "space-router init" in the project directory to create one, or pass the path of your Spacefile`,
      );
      return true;
    },
  );
});

test('errors name the file as it was given, and src directories are checked against the root', () => {
  const root = project('relative', TWO_MICROS, ['web']);
  const given = relative(process.cwd(), root);
  assert.throws(
    () => loadSpacefile(given),
    (error: unknown) => {
      assert.ok(error instanceof SpacefileError);
      assert.equal(error.code, 'ERR_SPACEFILE_INVALID');
      assert.equal(error.filename, join(given, 'Spacefile'));
      assert.equal(
        error.message.split('\n')[0],
        `${join(given, 'Spacefile')}:8:5 micros[1].src: directory "./api" does not exist (looked for ${join(root, 'api')}); create it or correct "src"; it is relative to the Spacefile`,
      );
      return true;
    },
  );
});

test('the message has one line per problem, then a code frame per problem', () => {
  const text = 'v: 0\nmicros:\n  - name: web\n    src: ./web\n    engine: react\n    primary: true\n  - name: api\n    engine: nodejs18\n    src: ./api\n';
  assert.throws(
    () => parseSpacefile(text, { filename: 'app/Spacefile' }),
    (error: unknown) => {
      assert.ok(error instanceof SpacefileError);
      assert.equal(
        error.message,
        [
          'app/Spacefile:8:5 micros[1].engine: "nodejs18" is not an engine; use one of static, react, svelte, vue, next, nuxt, svelte-kit, python3.9, python3.8, nodejs16, custom (did you mean "nodejs16"?)',
          '',
          'app/Spacefile:8:5',
          '  6 |     primary: true',
          '  7 |   - name: api',
          '> 8 |     engine: nodejs18',
          '    |     ^',
        ].join('\n'),
      );
      return true;
    },
  );
});

test('the seed page\'s tab-indented example points at the tab and says how to fix it', () => {
  const text = 'v: 0\nmicros:\n  - name: api\n    src: ./node-api\n    engine: nodejs16\n    run: npm run start\n\t\tdev: nodemon index.js\n';
  assert.throws(
    () => parseSpacefile(text),
    (error: unknown) => {
      assert.ok(error instanceof SpacefileError);
      assert.deepEqual(error.problems, [
        {
          line: 7,
          column: 1,
          path: '',
          message: 'this line is indented with a tab; YAML forbids tabs for indentation',
          hint: 'replace the tabs at the start of line 7 with spaces (4 spaces would line up "dev" with "run" on line 6)',
        },
      ]);
      assert.match(error.message, /> 7 \| →→dev: nodemon index\.js\n {4}\| \^$/);
      return true;
    },
  );
});

test('public_routes are kept as written; "/*" makes the micro public like public: true', () => {
  const base = 'v: 0\nmicros:\n  - name: api\n    src: ./api\n    engine: nodejs16\n';
  const star = parseSpacefile(`${base}    public_routes: ["/*", "/x"]\n`).micros[0];
  assert.deepEqual([star?.public, star?.publicRoutes], [true, ['/*', '/x']]);
  const some = parseSpacefile(`${base}    public_routes: ["/x/*"]\n`).micros[0];
  assert.deepEqual([some?.public, some?.publicRoutes], [false, ['/x/*']]);
  const flag = parseSpacefile(`${base}    public: true\n`).micros[0];
  assert.deepEqual([flag?.public, flag?.publicRoutes], [true, []]);
});

test('without a root no directory is checked and dir stays unset', () => {
  const spacefile = parseSpacefile('v: 0\nmicros:\n  - name: api\n    src: ./does-not-exist\n    engine: custom\n');
  assert.equal(spacefile.micros[0]?.dir, undefined);
  assert.equal(spacefile.root, undefined);
  assert.equal(spacefile.filename, undefined);
});
