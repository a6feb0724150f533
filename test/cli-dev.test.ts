import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { after, describe, test } from 'node:test';
import getPort from 'get-port';
import { REPEATED_SIGNAL_MS } from '../lib/cli/dev/run-dev.js';
import { canBind, fixtureDir, interrupt, isRunning, runCli, startCli, type RunningCli } from './fixtures/cli/run-cli.js';

const APP = 'test/fixtures/cli/app';

interface Seen {
  micro: string;
  method: string;
  url: string;
  body: string;
}

async function get(url: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('space-router dev on the fixture app', () => {
  let cli: RunningCli;
  let port: number;
  let origin: string;
  after(() => cli?.stop());

  test('shows progress, then the table, then serves the app', async () => {
    port = await getPort({ host: '127.0.0.1' });
    origin = `http://127.0.0.1:${port}`;
    cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--no-color']);
    await cli.waitFor(/➜ http:\/\/127\.0\.0\.1:\d+\/ +ready in \d+\.\ds · Ctrl-C to stop\n/);

    const lines = cli.stdout().split('\n');
    assert.equal(lines[0], `space-router dev  ${APP}/Spacefile  (web, api, docs)`);
    assert.equal(lines[1], `  listening on ${origin}/; starting micros…`);
    for (const name of ['web ', 'api ']) {
      assert.ok(lines.includes(`  ◌ ${name}  starting`), `no starting line for ${name}`);
      assert.ok(lines.some((line) => new RegExp(`^  ✓ ${name}  ready +\\d+\\.\\ds  port \\d+$`).test(line)), `no ready line for ${name}`);
    }
    assert.ok(lines.some((line) => /^ {2}✓ docs {2}ready +\d+\.\ds {2}static files$/.test(line)));

    const header = lines.findIndex((line) => /^ {2}MICRO {2}PATH {3}URL +PORT +STATE$/.test(line));
    assert.ok(header > 0, cli.stdout());
    const rows = lines.slice(header + 1, header + 4);
    assert.match(rows[0]!, new RegExp(`^  web    /      ${origin}/ +\\d+ +ready$`));
    assert.match(rows[1]!, new RegExp(`^  api    /api   ${origin}/api +\\d+ +ready$`));
    assert.match(rows[2]!, new RegExp(`^  docs   /docs  ${origin}/docs +- +ready$`));
    // Every cell starts under its heading.
    const columns = ['URL', 'PORT', 'STATE'].map((label) => lines[header]!.indexOf(label));
    for (const row of rows) {
      for (const column of columns) assert.match(row.slice(column - 2, column + 1), /^ {2}\S$/, `misaligned: ${row}`);
    }
    assert.equal(lines[header + 4], '');
  });

  test('requests through it reach the right micro with the right path', async () => {
    const root = await get(`${origin}/`);
    assert.equal(root.status, 200);
    assert.deepEqual(JSON.parse(root.text) as Seen, { micro: 'web', method: 'GET', url: '/', body: '' });

    const api = await get(`${origin}/api/x?y=1`);
    assert.equal(api.status, 200);
    assert.deepEqual(JSON.parse(api.text) as Seen, { micro: 'api', method: 'GET', url: '/x?y=1', body: '' });

    const apix = await get(`${origin}/apix`);
    assert.deepEqual(JSON.parse(apix.text) as Seen, { micro: 'web', method: 'GET', url: '/apix', body: '' });

    const docs = await get(`${origin}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(docs.type ?? '', /^text\/html/);
    assert.equal(docs.text, readFileSync(fixtureDir('app/docs/site/index.html'), 'utf8'));
  });

  test('its machine secret goes to the config dir of this test run, never the user\'s ~/.config', () => {
    const config = process.env.XDG_CONFIG_HOME ?? '';
    assert.ok(config.startsWith(tmpdir() + sep), `XDG_CONFIG_HOME is "${config}"`);
    assert.equal(existsSync(join(config, 'space-router', 'secret')), true);
  });

  test('micro logs follow the table, prefixed with the micro name', async () => {
    const match = await cli.waitFor(/^api {2}\| api listening on (\d+)$/m);
    assert.ok(cli.stdout().indexOf(match[0]) > cli.stdout().indexOf('  ➜ '));
    assert.match(cli.stdout(), /^web {2}\| web listening on \d+$/m);
  });

  test('SIGINT stops every micro and frees every port', async () => {
    const microPorts = [...cli.stdout().matchAll(/^ {2}(?:web|api) .* (\d+) +ready$/gm)].map((match) => Number(match[1]));
    assert.equal(microPorts.length, 2);
    const exit = await interrupt(cli);
    assert.equal(exit.code, 0, cli.stderr());
    assert.match(cli.stdout(), /stopping micros… \(press Ctrl-C again to force\)\n[\s\S]*  ✓ stopped\n$/);
    for (const freed of [port, ...microPorts]) assert.equal(await canBind(freed), true, `port ${freed} still taken`);
  });
});

describe('space-router dev on the IPv6 loopback', () => {
  const running: RunningCli[] = [];
  after(() => Promise.all(running.map((cli) => cli.stop())));

  for (const host of ['::1', '[::1]']) {
    test(`--host ${host} listens on ::1 and prints the URL with brackets`, async () => {
      const port = await getPort({ host: '::1' });
      const cli = startCli(['dev', APP, '--host', host, '--port', String(port), '--quiet', '--no-color']);
      running.push(cli);
      await cli.waitFor(/➜ /);
      assert.match(cli.stdout(), new RegExp(`^  ➜ http://\\[::1\\]:${port}/  ready in \\d+\\.\\ds · Ctrl-C to stop\\n$`));
      const api = await get(`http://[::1]:${port}/api/x`);
      assert.deepEqual(JSON.parse(api.text) as Seen, { micro: 'api', method: 'GET', url: '/x', body: '' });
      assert.equal((await interrupt(cli)).code, 0, cli.stderr());
      assert.equal(await canBind(port, '::1'), true);
    });
  }

  test('--host with brackets around something else than an IPv6 address is a usage error', async () => {
    const result = await runCli(['dev', APP, '--host', '[localhost]', '--no-color']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'error: --host takes brackets only around an IPv6 address, like [::1]; got "[localhost]"\nRun space-router dev --help for usage.\n',
    );
  });
});

describe('space-router dev --log json', () => {
  let cli: RunningCli;
  after(() => cli?.stop());

  test('one JSON object per line; after SIGINT no micro process is left', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--log', 'json']);
    await cli.waitFor(/"event":"ready"/);
    const events = () => cli.stdout().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const ready = events().find((event) => event.event === 'ready') as {
      url: string;
      micros: Array<{ micro: string; path: string; state: string; port?: number; pid?: number; url: string }>;
    };
    assert.equal(ready.url, `http://127.0.0.1:${port}/`);
    assert.deepEqual(
      ready.micros.map(({ micro, path, state, url }) => ({ micro, path, state, url })),
      [
        { micro: 'web', path: '/', state: 'ready', url: `http://127.0.0.1:${port}/` },
        { micro: 'api', path: '/api', state: 'ready', url: `http://127.0.0.1:${port}/api` },
        { micro: 'docs', path: '/docs', state: 'ready', url: `http://127.0.0.1:${port}/docs` },
      ],
    );
    const processes = ready.micros.filter((micro) => micro.pid !== undefined);
    assert.equal(processes.length, 2);
    for (const micro of processes) assert.equal(isRunning(micro.pid!), true);

    const api = await get(`http://127.0.0.1:${port}/api/items`);
    assert.equal((JSON.parse(api.text) as Seen).url, '/items');

    const exit = await interrupt(cli);
    assert.equal(exit.code, 0, cli.stderr());
    assert.equal(cli.stderr(), '');
    const kinds = events().map((event) => event.event);
    assert.deepEqual(kinds.slice(0, 2), ['begin', 'listening']);
    assert.deepEqual(kinds.slice(-1), ['stopped']);
    assert.ok(kinds.includes('stopping'));
    assert.ok(events().every((event) => typeof event.time === 'string'));
    assert.ok(events().some((event) => event.event === 'log' && event.micro === 'api' && event.stream === 'stdout'));
    for (const micro of processes) {
      assert.equal(isRunning(micro.pid!), false, `${micro.micro} (pid ${micro.pid}) still running`);
      assert.equal(await canBind(micro.port!), true, `${micro.micro}'s port ${micro.port} still taken`);
    }
    assert.equal(await canBind(port), true);
  });
});

describe('space-router dev startup errors', () => {
  const running: RunningCli[] = [];
  after(() => Promise.all(running.map((cli) => cli.stop())));
  const run = (args: string[], env?: Record<string, string>) => {
    const cli = startCli(args, { env });
    running.push(cli);
    return cli;
  };

  test('an explicit port that is taken: exit 1 naming the port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const cli = run(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--no-color']);
    const exit = await cli.exited;
    assert.equal(exit.code, 1);
    assert.equal(
      cli.stderr(),
      `error: Port ${port} on 127.0.0.1 is already in use. Stop what is using it, pass another --port, ` +
        'or leave out --port to take the first free port from 4200.\n',
    );
  });

  test('a broken Spacefile: exit 1 with every problem positioned', async () => {
    const cli = run(['dev', 'test/fixtures/cli/broken', '--no-color']);
    const exit = await cli.exited;
    assert.equal(exit.code, 1);
    assert.equal(cli.stdout(), '');
    assert.match(cli.stderr(), /^✖ test\/fixtures\/cli\/broken\/Spacefile:5:5 micros\[0\]\.engine: /m);
    assert.match(cli.stderr(), /^✖ test\/fixtures\/cli\/broken\/Spacefile:10:5 micros\[1\]\.commmands: /m);
  });

  test('a micro that cannot start: exit 1 with its name, command and port', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const cli = run(['dev', 'test/fixtures/cli/failing', '--host', '127.0.0.1', '--port', String(port), '--no-color']);
    const exit = await cli.exited;
    assert.equal(exit.code, 1);
    assert.match(cli.stdout(), /^ {2}✖ bad {2}failed +\d+\.\ds$/m);
    assert.match(cli.stderr(), /^error: Micro "bad" could not be started: spawn no-such-command-xyz ENOENT\./m);
    assert.match(cli.stderr(), /^ {2}command: no-such-command-xyz --port \d+$/m);
    // Said once, as the error that ends dev, not also as a log notice just before it.
    assert.equal((cli.stdout() + cli.stderr()).split('could not be started').length - 1, 1, cli.stderr());
    assert.equal(await canBind(port), true);
  });

  test('--micro with no name in it (an empty variable) is a usage error, not "start everything"', async () => {
    for (const value of ['', ',', ' , ']) {
      // Bounded: the bug was that it served the whole app until stopped.
      const result = await runCli(['dev', APP, '--host', '127.0.0.1', '--port', '0', '--micro', value, '--no-color'], { timeoutMs: 20_000 });
      assert.equal(result.code, 2, `--micro "${value}": ${result.stdout}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^error: --micro needs the names of the micros to start \(--micro api,web\); leave it out to start every micro\n/);
    }
  });

  test('--micro with a name the Spacefile lacks is a usage error', async () => {
    const cli = run(['dev', APP, '--micro', 'api,wbe', '--no-color']);
    const exit = await cli.exited;
    assert.equal(exit.code, 2);
    assert.match(cli.stderr(), /^error: --micro names "wbe", but the Spacefile has web, api, docs\n/);
  });
});

describe('space-router dev while a micro does not become ready', () => {
  let cli: RunningCli;
  after(() => cli?.stop());

  test('the wrong-port diagnosis and what the micro printed show while it starts, not only after the ready timeout', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    cli = startCli(['dev', 'test/fixtures/cli/wrong-port', '--host', '127.0.0.1', '--port', String(port), '--no-color']);
    const [, listening] = await cli.waitFor(
      /^off > still waiting for port \d+, but it listens on port (\d+): does its command use \$PORT\?$/m,
      30_000,
      'stderr',
    );
    await cli.waitFor(/^ {2}◌ off {2}still starting \d+\.\ds$/m, 30_000);
    // Held while it starts, but shown once it is slow: what it printed is what tells the user why.
    await cli.waitFor(new RegExp(`^off \\| off listening on ${listening}$`, 'm'), 30_000);
    assert.doesNotMatch(cli.stdout(), /failed|➜/);
    assert.equal((await interrupt(cli)).code, 0);
  });
});

describe('space-router dev options', () => {
  const running: RunningCli[] = [];
  after(() => Promise.all(running.map((cli) => cli.stop())));
  const scratch = mkdtempSync(join(tmpdir(), 'space-router-cli-dev-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('--micro starts only the named micros; the others answer 502 "not started"', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--micro', 'api', '--no-color']);
    running.push(cli);
    await cli.waitFor(/➜ /);
    assert.match(cli.stdout(), /^ {2}web {4}\/ {6}http:\/\/127\.0\.0\.1:\d+\/ {6}- {6}not started$/m);
    assert.doesNotMatch(cli.stdout(), /◌ web/);
    const api = await get(`http://127.0.0.1:${port}/api/`);
    assert.equal((JSON.parse(api.text) as Seen).micro, 'api');
    const web = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'application/json' } });
    assert.equal(web.status, 502);
    const { error } = (await web.json()) as { error: { code: string; micro: { name: string; state: string } } };
    assert.equal(error.code, 'micro_not_started');
    assert.equal(error.micro.name, 'web');
    // Left out, so never `ready`: nothing answers on its behalf.
    assert.equal(error.micro.state, 'stopped');
    assert.equal((await interrupt(cli)).code, 0);
  });

  test('a static micro with a dev command runs it: its row shows a port and it answers; one without serves files', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${port}`;
    const cli = startCli(['dev', 'test/fixtures/cli/static-dev', '--host', '127.0.0.1', '--port', String(port), '--no-color']);
    running.push(cli);
    await cli.waitFor(/➜ /);
    const lines = cli.stdout().split('\n');
    assert.ok(lines.some((line) => /^ {2}✓ site {2}ready +\d+\.\ds {2}port \d+$/.test(line)), cli.stdout());
    assert.ok(lines.some((line) => /^ {2}✓ docs {2}ready +\d+\.\ds {2}static files$/.test(line)), cli.stdout());
    const [, sitePort] = cli.stdout().match(new RegExp(`^ {2}site {3}/ {6}${origin}/ {6}(\\d+) +ready$`, 'm')) ?? [];
    assert.ok(sitePort, cli.stdout());
    assert.match(cli.stdout(), new RegExp(`^ {2}docs {3}/docs {2}${origin}/docs {2}- +ready$`, 'm'));
    const site = await get(`${origin}/index.html`);
    assert.equal(site.status, 200);
    assert.deepEqual(JSON.parse(site.text) as Seen, { micro: 'site', method: 'GET', url: '/index.html', body: '' });
    const direct = await get(`http://127.0.0.1:${sitePort}/direct`);
    assert.deepEqual(JSON.parse(direct.text) as Seen, { micro: 'site', method: 'GET', url: '/direct', body: '' });
    const docs = await get(`${origin}/docs/`);
    assert.equal(docs.status, 200);
    assert.equal(docs.text, readFileSync(fixtureDir('static-dev/docs/public/index.html'), 'utf8'));
    assert.equal((await interrupt(cli)).code, 0);
    assert.equal(await canBind(Number(sitePort)), true);
  });

  test('--quiet prints the URL and nothing else; --open hands the URL to the browser opener', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const openLog = join(scratch, 'opened.txt');
    const cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--quiet', '--open', '--no-color'], {
      env: { PATH: `${fixtureDir('bin')}${delimiter}${process.env.PATH ?? ''}`, OPEN_LOG: openLog },
    });
    running.push(cli);
    await cli.waitFor(/➜ /);
    await get(`http://127.0.0.1:${port}/api/`);
    // The opener runs detached; wait (bounded) for it to have written.
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        if (readFileSync(openLog, 'utf8').endsWith('\n')) break;
      } catch {
        // not written yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(readFileSync(openLog, 'utf8'), `http://127.0.0.1:${port}/\n`);
    assert.match(cli.stdout(), new RegExp(`^  ➜ http://127\\.0\\.0\\.1:${port}/  ready in \\d+\\.\\ds · Ctrl-C to stop\\n$`));
    assert.equal((await interrupt(cli)).code, 0);
    assert.equal(cli.stderr(), '');
  });

  test('--quiet shows a micro restarting and also its recovery, so it is not left looking down', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const cli = startCli(['dev', 'test/fixtures/cli/flaky', '--host', '127.0.0.1', '--port', String(port), '--quiet', '--no-color'], {
      env: { FLAKY_MARK: join(scratch, 'flaky-crashed') },
    });
    running.push(cli);
    await cli.waitFor(/^ {2}↻ flaky {2}restarting$/m, 20_000);
    await cli.waitFor(/^ {2}↻ flaky {2}restarting\n {2}✓ flaky {2}ready +\d+\.\ds {2}port \d+$/m, 20_000);
    assert.equal(cli.stdout().split('\n').filter((line) => line.includes('flaky')).length, 2, cli.stdout());
    assert.equal((await interrupt(cli)).code, 0);
  });

  test('--open on a machine where no browser opens says so and keeps serving', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--open', '--no-color'], {
      env: { PATH: `${fixtureDir('no-browser')}${delimiter}${process.env.PATH ?? ''}` },
    });
    running.push(cli);
    await cli.waitFor(/➜ /);
    await cli.waitFor(new RegExp(`^could not open a browser \\(xdg-open exited with code 3\\); open http://127\\.0\\.0\\.1:${port}/ yourself$`, 'm'), 20_000, 'stderr');
    assert.equal((await get(`http://127.0.0.1:${port}/`)).status, 200);
    assert.equal((await interrupt(cli)).code, 0);
  });

  test('--auth makes the app private, as on Space, and says where to sign in', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--auth', '--no-color']);
    running.push(cli);
    await cli.waitFor(/auth on/);
    assert.match(cli.stdout(), new RegExp(`\\n  ➜ auth on: sign in at http://127\\.0\\.0\\.1:${port}/__space/signin\\n`));
    const anonymous = await fetch(`http://127.0.0.1:${port}/api/x`);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: string }).error, 'Unauthorized');
    const browser = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers.get('location'), '/__space/signin?next=%2F');
    assert.equal((await interrupt(cli)).code, 0);
  });

  test('--schedule arms every action on its default_interval and says when each runs next', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', String(port), '--schedule', '--no-color']);
    running.push(cli);
    await cli.waitFor(/➜ /);
    const cleanup = await cli.waitFor(/scheduled action "cleanup" \(micro api\) on "1 hour"; next run (\S+)/);
    const fail = await cli.waitFor(/scheduled action "fail" \(micro api\) on "0 3 \* \* \*"; next run (\S+)/);
    // A rate counts from the start, like a fresh deployment; cron times are UTC.
    const inAnHour = Date.parse(cleanup[1]!) - Date.now();
    assert.ok(inAnHour > 50 * 60_000 && inAnHour <= 60 * 60_000, `cleanup due ${cleanup[1]}`);
    const threeAm = new Date(Date.parse(fail[1]!));
    assert.deepEqual([threeAm.getUTCHours(), threeAm.getUTCMinutes()], [3, 0]);
    assert.equal((await interrupt(cli)).code, 0);
  });

  test('without --port it takes the first free port from 4200', async () => {
    const cli = startCli(['dev', APP, '--host', '127.0.0.1', '--quiet', '--no-color']);
    running.push(cli);
    const [, port] = await cli.waitFor(/➜ http:\/\/127\.0\.0\.1:(\d+)\//);
    assert.ok(Number(port) >= 4200 && Number(port) <= 4299, `port ${port}`);
    const web = await get(`http://127.0.0.1:${port}/`);
    assert.equal((JSON.parse(web.text) as Seen).micro, 'web');
    assert.equal((await interrupt(cli)).code, 0);
  });

  test('micros get the host of the printed URL as DETA_SPACE_APP_HOSTNAME, not the address localhost resolved to', async () => {
    const cli = startCli(['dev', APP, '--port', '0', '--quiet', '--no-color']);
    running.push(cli);
    const [, port] = await cli.waitFor(/➜ http:\/\/localhost:(\d+)\//);
    const seen = await get(`http://localhost:${port}/api/hostname`);
    assert.equal(seen.text, `localhost:${port}`);
    assert.equal((await interrupt(cli)).code, 0);
  });

  test('a micro with no command fails once, said once, with nothing made up about port or output', async () => {
    const result = await runCli(['dev', 'test/fixtures/cli/no-command', '--port', '0', '--no-color']);
    assert.equal(result.code, 1);
    const message =
      'Micro "a" (engine custom) has no command to run in development. ' +
      'Add a `dev` command to its entry in the Spacefile that listens on $PORT, e.g. `dev: node index.js`.';
    assert.equal(result.stderr, `error: ${message}\n`);
    assert.equal(result.stdout.includes(message), false, result.stdout);
    assert.match(result.stdout, /^ {2}✖ a {2}failed /m);
  });

  test('one Ctrl-C delivered twice at once (terminal and a wrapper such as concurrently) is one graceful stop: exit 0', async () => {
    const cli = startCli(['dev', APP, '--host', '127.0.0.1', '--port', '0', '--log', 'json']);
    running.push(cli);
    await cli.waitFor(/"event":"ready"/);
    cli.child.kill('SIGINT');
    // Sent together, the kernel would merge them into one; the wrapper's copy comes just after.
    await cli.waitFor(/"event":"stopping","forced":false/);
    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    assert.equal(exit.code, 0, cli.stderr());
    assert.doesNotMatch(cli.stdout(), /"forced":true/);
  });

  test('a second Ctrl-C kills every micro process group at once: exit 130, no micro process left', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const log = join(scratch, 'stubborn.log');
    const cli = startCli(['dev', 'test/fixtures/cli/stubborn', '--host', '127.0.0.1', '--port', String(port), '--log', 'json'], {
      env: { STUBBORN_LOG: log },
    });
    running.push(cli);
    await cli.waitFor(/"event":"ready"/);
    const pid = (/"micro":"slow","path":"\/","state":"ready","port":\d+,"pid":(\d+)/.exec(cli.stdout()) ?? [])[1];
    assert.ok(pid, cli.stdout());
    const noted = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    const child = Number(noted()[0]?.replace('child ', ''));
    assert.equal(isRunning(child), true, noted().join('\n'));

    cli.child.kill('SIGINT');
    await cli.waitFor(/"event":"stopping","forced":false/);
    // A person's second press, not the same Ctrl-C delivered twice by a wrapper.
    await new Promise((resolve) => setTimeout(resolve, REPEATED_SIGNAL_MS + 200));
    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    assert.equal(exit.code, 130);
    assert.match(cli.stdout(), /"event":"stopping","forced":true/);
    // Both ignore SIGTERM: only the SIGKILL to the whole process group ends them.
    assert.equal(isRunning(Number(pid)), false);
    assert.equal(isRunning(child), false);
    assert.equal(await canBind(port), true);
  });
});
