import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { detectMicros, generateSpacefile, loadSpacefile, type DetectedMicro } from '../lib/spacefile/index.js';

const work = mkdtempSync(join(tmpdir(), 'detect-micros-'));
after(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
/** A project tree from `{ 'path/to/file': contents }`; objects are written as JSON (package.json). */
function tree(files: Record<string, string | object>, name = `p${++counter}`): string {
  const root = join(work, name);
  mkdirSync(root, { recursive: true });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof contents === 'string' ? contents : JSON.stringify(contents));
  }
  return root;
}

const pkg = (dependencies: Record<string, string>, devDependencies: Record<string, string> = {}) => ({
  name: 'x',
  dependencies,
  devDependencies,
});

const ROOT_CASES: Array<[string, Record<string, string | object>, Omit<DetectedMicro, 'name' | 'src'>]> = [
  ['requirements.txt', { 'requirements.txt': 'fastapi\n' }, { engine: 'python3.9' }],
  ['Pipfile', { Pipfile: '[packages]\n' }, { engine: 'python3.9' }],
  ['setup.py', { 'setup.py': '' }, { engine: 'python3.9' }],
  ['main.py', { 'main.py': 'print(1)\n' }, { engine: 'python3.9' }],
  ['Python wins over package.json', { 'main.py': '', 'package.json': pkg({ next: '14' }) }, { engine: 'python3.9' }],
  ['react-scripts', { 'package.json': pkg({ react: '18', 'react-scripts': '5' }) }, { engine: 'react', serve: 'build' }],
  ['Vite + React', { 'package.json': pkg({ react: '18' }, { vite: '7', '@vitejs/plugin-react': '4' }) }, { engine: 'react', serve: 'dist' }],
  ['Vite + React SWC', { 'package.json': pkg({}, { vite: '7', '@vitejs/plugin-react-swc': '3' }) }, { engine: 'react', serve: 'dist' }],
  ['Svelte on Vite', { 'package.json': pkg({}, { svelte: '5', '@sveltejs/vite-plugin-svelte': '4', vite: '7' }) }, { engine: 'svelte', serve: 'dist' }],
  [
    'SvelteKit before plain Svelte',
    { 'package.json': pkg({}, { '@sveltejs/kit': '2', svelte: '5', '@sveltejs/vite-plugin-svelte': '4', vite: '7' }) },
    { engine: 'svelte-kit' },
  ],
  ['svelte without its Vite plugin is plain Node', { 'package.json': pkg({ svelte: '3' }) }, { engine: 'nodejs16' }],
  ['Vue CLI', { 'package.json': pkg({ vue: '3' }, { '@vue/cli-service': '5' }) }, { engine: 'vue', serve: 'dist' }],
  ['Vite + Vue', { 'package.json': pkg({ vue: '3' }, { vite: '7', '@vitejs/plugin-vue': '5' }) }, { engine: 'vue', serve: 'dist' }],
  ['Next', { 'package.json': pkg({ next: '14', react: '18' }) }, { engine: 'next' }],
  ['Nuxt', { 'package.json': pkg({}, { nuxt: '3' }) }, { engine: 'nuxt' }],
  ['Nuxt 3 package', { 'package.json': pkg({ nuxt3: 'latest' }) }, { engine: 'nuxt' }],
  ['plain Node', { 'package.json': pkg({ express: '4' }) }, { engine: 'nodejs16' }],
  [
    'plain Node with a dev script runs it',
    { 'package.json': { ...pkg({ express: '4' }), scripts: { dev: 'node --watch server.js' } } },
    { engine: 'nodejs16', dev: 'npm run dev' },
  ],
  // A framework's dev server is the engine's default command, not the project's script.
  ['Next with a dev script keeps its engine default', { 'package.json': { ...pkg({ next: '14' }), scripts: { dev: 'next dev' } } }, { engine: 'next' }],
  ['unparsable package.json is still Node', { 'package.json': '{ not json' }, { engine: 'nodejs16' }],
  ['go.mod', { 'go.mod': 'module x\n', 'main.go': '' }, { engine: 'custom' }],
  ['Node wins over go.mod', { 'go.mod': 'module x\n', 'package.json': pkg({}) }, { engine: 'nodejs16' }],
  ['index.html', { 'index.html': '<h1>hi</h1>' }, { engine: 'static', serve: './' }],
];

for (const [label, files, expected] of ROOT_CASES) {
  test(`the project root itself: ${label}`, () => {
    const root = tree(files);
    assert.deepEqual(detectMicros(root), [{ name: basename(root), src: './', ...expected }]);
  });
}

test('the root is named after its directory with runs of other characters turned into "-"', () => {
  const root = tree({ 'main.py': '' }, 'My Cool_app!!');
  assert.deepEqual(detectMicros(root), [{ name: 'My-Cool-app', src: './', engine: 'python3.9' }]);
});

test('a root that is a project hides its subdirectories', () => {
  const root = tree({ 'package.json': pkg({}), 'api/main.py': '', 'web/index.html': '' });
  assert.deepEqual(detectMicros(root), [{ name: basename(root), src: './', engine: 'nodejs16' }]);
});

test('a multi-micro root: each subdirectory, frontend first, then static, then backends', () => {
  const root = tree({
    'backend/requirements.txt': 'fastapi\n',
    'frontend/package.json': pkg({ vue: '3' }, { vite: '7' }),
    'docs site/index.html': '<h1>docs</h1>',
    'go_service/go.mod': 'module x\n',
    'node_modules/thing/package.json': pkg({}),
    '.git/index.html': '',
    'notes/readme.md': '# not a micro\n',
    'README.md': '# project\n',
  });
  const micros = detectMicros(root);
  assert.deepEqual(micros, [
    { name: 'frontend', src: './frontend', engine: 'vue', serve: 'dist' },
    { name: 'docs-site', src: './docs site', engine: 'static', serve: './' },
    { name: 'backend', src: './backend', engine: 'python3.9' },
    { name: 'go-service', src: './go_service', engine: 'custom' },
  ]);
});

test('subdirectory names that clean to the same name stay unique', () => {
  const root = tree({ 'my app/main.py': '', 'my_app/main.py': '' });
  assert.deepEqual(
    detectMicros(root).map((micro) => micro.name),
    ['my-app', 'my-app-2'],
  );
});

test('nothing to detect gives an empty list', () => {
  assert.deepEqual(detectMicros(tree({ 'README.md': '# hi\n', 'docs/notes.txt': '' })), []);
});

test('generateSpacefile writes the docs header, 2-space indentation and the first micro as primary', () => {
  const text = generateSpacefile([
    { name: 'frontend', src: './frontend', engine: 'vue', serve: 'dist' },
    { name: 'backend', src: './backend', engine: 'python3.9' },
  ]);
  assert.equal(
    text,
    [
      '# Spacefile Docs: https://go.deta.dev/docs/spacefile/v0',
      'v: 0',
      'micros:',
      '  - name: frontend',
      '    src: ./frontend',
      '    engine: vue',
      '    primary: true',
      '    serve: dist',
      '  - name: backend',
      '    src: ./backend',
      '    engine: python3.9',
      '',
    ].join('\n'),
  );
});

test('a detected dev command is written after the engine', () => {
  assert.equal(
    generateSpacefile([{ name: 'api', src: './', engine: 'nodejs16', dev: 'npm run dev' }]),
    '# Spacefile Docs: https://go.deta.dev/docs/spacefile/v0\nv: 0\nmicros:\n  - name: api\n    src: ./\n    engine: nodejs16\n    dev: npm run dev\n',
  );
});

test('a lone detected micro is written without primary (it is primary implicitly)', () => {
  assert.equal(
    generateSpacefile([{ name: 'app', src: './', engine: 'nodejs16' }]),
    '# Spacefile Docs: https://go.deta.dev/docs/spacefile/v0\nv: 0\nmicros:\n  - name: app\n    src: ./\n    engine: nodejs16\n',
  );
});

test('a generated Spacefile loads back as the detected app', () => {
  const root = tree({
    'web/package.json': pkg({ react: '18', 'react-scripts': '5' }),
    'api/main.py': '',
    'static pages/index.html': '',
  });
  writeFileSync(join(root, 'Spacefile'), generateSpacefile(detectMicros(root)));
  const spacefile = loadSpacefile(root);
  assert.deepEqual(
    spacefile.micros.map((micro) => [micro.name, micro.engine, micro.primary, micro.path, micro.dir, micro.serve]),
    [
      ['web', 'react', true, '/', join(root, 'web'), 'build'],
      ['static-pages', 'static', false, '/static-pages', join(root, 'static pages'), './'],
      ['api', 'python3.9', false, '/api', join(root, 'api'), undefined],
    ],
  );
});
