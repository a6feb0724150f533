import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkGenerated } from '../lib/cli/init-checks.js';
import { fixtureDir, repoRoot, runCli } from './fixtures/cli/run-cli.js';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('space-router --help and --version', () => {
  test('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${version}\n`);
  });

  test('no command at all is a usage error: the help on stderr, exit 2; --help puts the same text on stdout, exit 0', async () => {
    const bare = await runCli([]);
    const asked = await runCli(['--help']);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, '');
    assert.ok(bare.stderr.startsWith('Usage: space-router <command> [options]\n'), bare.stderr);
    assert.equal(asked.code, 0);
    assert.equal(asked.stderr, '');
    assert.equal(asked.stdout, bare.stderr);
  });

  test('--help lists every command', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['dev', 'validate', 'init', 'routes', 'trigger', 'keys']) {
      assert.match(result.stdout, new RegExp(`^  ${command} +\\S`, 'm'));
    }
  });

  for (const command of ['dev', 'validate', 'init', 'routes', 'trigger', 'keys']) {
    test(`${command} --help prints its usage`, async () => {
      const result = await runCli([command, '--help']);
      assert.equal(result.code, 0);
      assert.ok(result.stdout.startsWith(`Usage: space-router ${command} `), result.stdout);
      // Scripts branch on the exit status: every command says which mean what, wrong usage (2) included.
      assert.match(result.stdout, /\n\nExit status: 0 [^\n]*(\n[^\n]+)*, 2 on\s+wrong\s+usage\b[^\n]*\n$/);
      assert.equal(result.stderr, '');
    });
  }

  test('help <command> and --help <command> print that command\'s usage', async () => {
    for (const args of [['help', 'routes'], ['--help', 'routes'], ['-h', 'routes']]) {
      const result = await runCli(args);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.startsWith('Usage: space-router routes '), `${args.join(' ')}: ${result.stdout}`);
    }
    const unknown = await runCli(['help', 'serve']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: unknown command "serve"\n/);
  });

  test('an unknown command is a usage error (exit 2) naming the commands', async () => {
    const result = await runCli(['serve']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'error: unknown command "serve"\nCommands: dev, validate, init, routes, trigger, keys. Run space-router --help.\n',
    );
  });

  test('a mistyped command gets a suggestion, swapped letters included', async () => {
    const result = await runCli(['dve']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'error: unknown command "dve"; did you mean "dev"?\nCommands: dev, validate, init, routes, trigger, keys. Run space-router --help.\n',
    );
  });

  test('an option before any command is a usage error (exit 2) that says where options go', async () => {
    const result = await runCli(['--port', '4200']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'error: unknown option "--port": space-router itself takes only --help and --version; ' +
        "a command's options go after it, as in space-router dev --port 4200\n" +
        'Commands: dev, validate, init, routes, trigger, keys. Run space-router --help.\n',
    );
  });

  test('FORCE_COLOR=0 turns colours off, as in Node itself; FORCE_COLOR=1 turns them on in a pipe', async () => {
    const plain = await runCli(['validate', 'test/fixtures/cli/broken'], { env: { FORCE_COLOR: '0' } });
    assert.equal(plain.code, 1);
    assert.doesNotMatch(plain.stderr, /\u001b\[/);
    const forced = await runCli(['validate', 'test/fixtures/cli/broken'], { env: { FORCE_COLOR: '1' } });
    assert.match(forced.stderr, /\u001b\[31m✖/);
    const refused = await runCli(['validate', 'test/fixtures/cli/broken'], { env: { FORCE_COLOR: 'false' } });
    assert.doesNotMatch(refused.stderr, /\u001b\[/);
  });

  test('an unknown flag is a usage error pointing at the command help', async () => {
    const result = await runCli(['validate', '--strict']);
    assert.equal(result.code, 2);
    // Node's own text goes on about positional arguments after '--', which is not what went wrong.
    assert.match(result.stderr, /^error: Unknown option '--strict'\. The options are --help \(-h\), --no-color\.\n/);
    assert.match(result.stderr, /\nRun space-router validate --help for usage\.\n$/);
  });
});

describe('space-router validate', () => {
  test('a valid Spacefile: exit 0 and one OK line', async () => {
    const result = await runCli(['validate', 'test/fixtures/cli/app']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '✓ test/fixtures/cli/app/Spacefile is valid: 3 micros (web /, api /api, docs /docs)\n');
  });

  test('a broken Spacefile: exit 1 and every problem at file:line:column with its hint', async () => {
    const result = await runCli(['validate', 'test/fixtures/cli/broken/Spacefile', '--no-color']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 15, result.stderr);
    assert.ok(lines[0]!.startsWith('✖ test/fixtures/cli/broken/Spacefile:5:5 micros[0].engine: '), lines[0]);
    assert.match(lines[0]!, /nodejs18/);
    assert.ok(lines[1]!.startsWith('    hint: '), lines[1]);
    assert.match(lines[1]!, /nodejs16/);
    assert.deepEqual(lines.slice(2, 7), ['    3 |   - name: web', '    4 |     src: .', '  > 5 |     engine: nodejs18', '      |     ^', '']);
    assert.ok(lines[7]!.startsWith('✖ test/fixtures/cli/broken/Spacefile:10:5 micros[1].commmands: '), lines[7]);
    assert.match(lines[8]!, /^ {4}hint: .*"commands"/);
    assert.deepEqual(lines.slice(9, 14), ['     8 |     src: .', '     9 |     engine: nodejs16', '  > 10 |     commmands:', '       |     ^', '']);
    assert.equal(lines[14], '2 problems in test/fixtures/cli/broken/Spacefile');
  });

  test('a missing Spacefile: exit 1 with what to do', async () => {
    const result = await runCli(['validate', 'test/fixtures/cli/no-such-dir']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: No Spacefile found at .*no-such-dir; run "space-router init"/);
  });
});

describe('space-router init', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'space-router-cli-init-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  cpSync(fixtureDir('init'), scratch, { recursive: true });

  const devNote = (name: string, engine: string, example: string) => [
    `note: ${name} (${engine}) has no dev command, so space-router dev cannot start it yet.`,
    `      Add one to its entry that listens on $PORT, e.g.  dev: ${example}`,
  ];
  const trees = {
    multi: {
      names: 'frontend, api, worker',
      notes: [...devNote('api', 'python3.9', 'uvicorn main:app --port $PORT'), ...devNote('worker', 'nodejs16', 'node index.js')],
    },
    single: { names: 'single', notes: devNote('single', 'nodejs16', 'node index.js') },
    // Its package.json has a dev script: that is its dev command, so no note.
    scripted: { names: 'scripted', notes: [] },
  };
  for (const [tree, { names, notes }] of Object.entries(trees)) {
    test(`writes and prints the Spacefile for the ${tree} tree, with a note per micro that needs a dev command`, async () => {
      const expected = readFileSync(fixtureDir(`init-expected/${tree}.Spacefile`), 'utf8');
      const result = await runCli(['init', tree], { cwd: scratch });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(readFileSync(join(scratch, tree, 'Spacefile'), 'utf8'), expected);
      const noteLines = notes.length > 0 ? ['', ...notes] : [];
      assert.equal(result.stdout, [expected.trimEnd(), '', `✓ wrote ${tree}/Spacefile (${names})`, ...noteLines, ''].join('\n'));
      assert.equal(result.stderr, '');
      const check = await runCli(['validate', tree], { cwd: scratch });
      assert.equal(check.code, 0, check.stderr);
    });
  }

  test('more than 5 micros: nothing written, exit 1, what it found and what to do', async () => {
    const dir = join(scratch, 'six');
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'package.json'), '{}\n');
    }
    mkdirSync(join(dir, 'my app'));
    writeFileSync(join(dir, 'my app', 'main.py'), '');
    const result = await runCli(['init', 'six'], { cwd: scratch });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      [
        'error: found 7 micros in six, but a Space app has at most 5; no Spacefile was written.',
        ...['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `  ${name.padEnd(6)}  ./${name.padEnd(6)}  nodejs16`),
        '  my-app  ./my app  python3.9',
        'Run init on a directory holding at most 5 of them, or write the Spacefile by hand (https://deta.space/docs/en/build/reference/spacefile).',
        '',
      ].join('\n'),
    );
    assert.equal(existsSync(join(dir, 'Spacefile')), false);
  });

  test('a generated Spacefile that validate would reject is refused before it is written', () => {
    const dir = join(scratch, 'reject');
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const name of names) mkdirSync(join(dir, name), { recursive: true });
    const entry = (name: string) => `  - name: ${name}\n    src: ./${name}\n    engine: nodejs16\n${name === 'a' ? '    primary: true\n' : ''}`;
    const five = `v: 0\nmicros:\n${names.slice(0, 5).map(entry).join('')}`;
    assert.doesNotThrow(() => checkGenerated(five, 'reject/Spacefile', dir));
    const six = five + entry('f');
    assert.throws(() => checkGenerated(six, 'reject/Spacefile', dir), (error: Error) => {
      assert.equal(
        error.message.split('\n').slice(0, 2).join('\n'),
        `the Spacefile generated for ${dir} does not pass validation, so nothing was written ` +
          '(a bug in space-router init; please report it with this output):\n' +
          'reject/Spacefile:19:5 micros[5]: 6 micros; an app has at most 5; merge micros or split the app',
      );
      assert.ok(error.message.endsWith(`\n\n${six.trimEnd()}`), error.message);
      return true;
    });
  });

  test('never overwrites an existing Spacefile without --force', async () => {
    const dir = join(scratch, 'existing');
    mkdirSync(join(dir, 'site'), { recursive: true });
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>site</h1>\n');
    writeFileSync(join(dir, 'Spacefile'), '# mine\n');
    const refused = await runCli(['init', 'existing'], { cwd: scratch });
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'error: existing/Spacefile already exists; run with --force to overwrite it.\n');
    assert.equal(readFileSync(join(dir, 'Spacefile'), 'utf8'), '# mine\n');

    const forced = await runCli(['init', 'existing', '--force'], { cwd: scratch });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(dir, 'Spacefile'), 'utf8'), /- name: site\n {4}src: \.\/site\n {4}engine: static\n/);
  });

  test('a Spacefile that is a directory: one line naming it and what to do, with or without --force, not a raw EISDIR', async () => {
    const dir = join(scratch, 'dir-spacefile');
    mkdirSync(join(dir, 'site'), { recursive: true });
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>site</h1>\n');
    mkdirSync(join(dir, 'Spacefile'));
    for (const args of [['init', 'dir-spacefile', '--force'], ['init', 'dir-spacefile']]) {
      const result = await runCli(args, { cwd: scratch });
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stdout, '');
      assert.equal(
        result.stderr,
        'error: dir-spacefile/Spacefile is a directory, not a file; move or remove it, then run space-router init again.\n',
      );
    }
  });

  test('a directory that does not exist, or a file, is an error naming it, not a raw ENOENT', async () => {
    const missing = await runCli(['init', 'nowhere'], { cwd: scratch });
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'error: nowhere does not exist; pass the directory of your project (default: the current one).\n');
    writeFileSync(join(scratch, 'notes.txt'), 'x\n');
    const file = await runCli(['init', 'notes.txt'], { cwd: scratch });
    assert.equal(file.code, 1);
    assert.equal(file.stderr, 'error: notes.txt is not a directory; pass the directory of your project (default: the current one).\n');
  });

  test('a Spacefile that is a dangling symlink counts as existing: refused without --force, not a raw EEXIST', async () => {
    const dir = join(scratch, 'linked');
    mkdirSync(join(dir, 'site'), { recursive: true });
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>site</h1>\n');
    symlinkSync(join(scratch, 'shared-Spacefile-not-yet-created'), join(dir, 'Spacefile'));
    const refused = await runCli(['init', 'linked'], { cwd: scratch });
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'error: linked/Spacefile already exists; run with --force to overwrite it.\n');
  });

  test('a directory without any micro is an error saying what was looked for', async () => {
    mkdirSync(join(scratch, 'empty'));
    const result = await runCli(['init', 'empty'], { cwd: scratch });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: No micro found in empty: .*package\.json, requirements\.txt/);
  });
});

describe('space-router routes', () => {
  test('prints the route table in match order', async () => {
    const result = await runCli(['routes', 'test/fixtures/cli/app']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        '  MICRO      PATH                 ENGINE    SRC',
        '  docs       /docs                static    docs/site',
        '  api        /api                 nodejs16  api',
        '  web        / (everything else)  nodejs16  web',
        '  (runtime)  /__space                       reserved for the Space runtime',
        '',
        'Paths match whole segments, longest first; the micro receives the rest with its path stripped.',
        '',
      ].join('\n'),
    );
  });

  test('a static micro with a dev command shows its src, one without shows the directory served', async () => {
    const result = await runCli(['routes', 'test/fixtures/cli/static-dev']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n').slice(0, 3), [
      '  MICRO      PATH                 ENGINE  SRC',
      '  docs       /docs                static  docs/public',
      '  site       / (everything else)  static  site',
    ]);
  });

  const cases: Array<[string, string[]]> = [
    ['/api/users/42?x=1', ['  micro:    api (mounted at /api, engine nodejs16)', '  receives: /users/42?x=1']],
    ['/api', ['  micro:    api (mounted at /api, engine nodejs16)', '  receives: /']],
    ['/apix', ['  micro:    web (primary: every path no other micro owns, engine nodejs16)', '  receives: /apix']],
    ['http://localhost:4200/docs/guide.html', ['  micro:    docs (mounted at /docs, engine static)', '  receives: /guide.html']],
    // Served from files by the router, which first adds the slash so relative links resolve.
    [
      '/docs?v=2',
      ['  micro:    docs (mounted at /docs, engine static)', '  redirect: /docs/?v=2 (301: a static micro is served at its directory form)'],
    ],
    ['/docs/', ['  micro:    docs (mounted at /docs, engine static)', '  receives: /']],
    ['/__space/v0/actions', ['  micro:    none (/__space is reserved for the Space runtime)', '  runtime:  /v0/actions']],
    // Encoded letters are not decoded by clients, nor by the router: not the api micro.
    ['/%61pi/x', ['  micro:    web (primary: every path no other micro owns, engine nodejs16)', '  receives: /%61pi/x']],
    // No client sends a #fragment, and browsers, fetch and curl resolve dot segments before sending.
    [
      '/docs/guide.html#install',
      [
        '  sent as:  /docs/guide.html (what a browser sends: . and .. resolved, no #fragment)',
        '  micro:    docs (mounted at /docs, engine static)',
        '  receives: /guide.html',
      ],
    ],
    [
      'http://localhost:4200/api/../x?y=1',
      [
        '  sent as:  /x?y=1 (what a browser sends: . and .. resolved, no #fragment)',
        '  micro:    web (primary: every path no other micro owns, engine nodejs16)',
        '  receives: /x?y=1',
      ],
    ],
  ];
  for (const [url, explanation] of cases) {
    test(`explains ${url}`, async () => {
      const result = await runCli(['routes', 'test/fixtures/cli/app', url]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, [url, ...explanation, ''].join('\n'));
    });
  }

  test('with one argument that is not a project, it is the URL (project: the working directory)', async () => {
    const result = await runCli(['routes', '/api/x'], { cwd: fixtureDir('app') });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '/api/x\n  micro:    api (mounted at /api, engine nodejs16)\n  receives: /x\n');
  });
});
