/**
 * The fullstack example (examples/fullstack) run for real: Vite, Express, Python and a static
 * micro behind one router, every answer checked through the router's single origin.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, test } from 'node:test';
import request from 'supertest';
import WebSocket from 'ws';
import { startExample, type RunningExample } from '../examples/fullstack/app.js';

const SITE = new URL('../examples/fullstack/docs/site/', import.meta.url);

const logs: string[] = [];
const logger = {
  info: (line: string) => logs.push(line),
  warn: (line: string) => logs.push(line),
  error: (line: string) => logs.push(line),
};
let example: RunningExample | undefined;

function running(): RunningExample {
  assert.ok(example, 'the example did not start');
  return example;
}

before(async () => {
  example = await startExample({ port: 0, logger });
  try {
    await example.router.ready();
  } catch (error) {
    throw new Error(`example micros did not become ready: ${String(error)}\nlogs:\n${logs.join('\n')}`);
  }
});

after(async () => {
  await example?.close();
});

/** Opens a websocket, sends nothing, resolves with the first message (or rejects on close/error/5 s). */
function firstMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${socket.url}`)), 5000);
    socket.once('message', (data) => {
      clearTimeout(timer);
      resolve(String(data));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${socket.url} closed with ${code} before a message`));
    });
  });
}

test('the frontend page comes from the Vite dev server (primary micro)', async () => {
  const page = await request(running().server).get('/').expect(200);
  assert.match(page.headers['content-type'] ?? '', /^text\/html/);
  assert.ok(page.text.includes('<h1 id="title">space-router fullstack example</h1>'), page.text);
  assert.ok(page.text.includes('<script type="module" src="/@vite/client"></script>'), page.text);

  const script = await request(running().server).get('/main.js').expect(200);
  assert.match(script.headers['content-type'] ?? '', /^text\/javascript/);
  assert.ok(script.text.includes("show('api', '/api/hello');"), script.text);
});

test('/api/hello reaches the Express micro with /api stripped', async () => {
  const response = await request(running().server).get('/api/hello').expect(200);
  assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(response.text, '{"micro":"api","path":"/hello","message":"hello from the api micro"}');
});

test('/stats/ and /stats?x=1 reach the Python micro at its root, query kept', async () => {
  const root = await request(running().server).get('/stats/').expect(200);
  assert.equal(root.headers['content-type'], 'application/json');
  assert.equal(root.text, '{"micro": "stats", "path": "/", "language": "python"}');

  const query = await request(running().server).get('/stats?x=1').expect(200);
  assert.equal(query.text, '{"micro": "stats", "path": "/?x=1", "language": "python"}');
});

test('the static docs micro is served by the router with content types', async () => {
  const css = await request(running().server).get('/docs/docs.css').expect(200);
  assert.match(css.headers['content-type'] ?? '', /^text\/css/);
  assert.equal(css.text, await readFile(new URL('docs.css', SITE), 'utf8'));

  const index = await request(running().server).get('/docs/').expect(200);
  assert.match(index.headers['content-type'] ?? '', /^text\/html/);
  assert.equal(index.text, await readFile(new URL('index.html', SITE), 'utf8'));
});

test('a websocket to /api/echo is echoed by the api micro', async (t) => {
  const socket = new WebSocket(`ws://127.0.0.1:${running().port}/api/echo`);
  t.after(() => socket.terminate());
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const reply = firstMessage(socket);
  socket.send('hello through the router');
  assert.equal(await reply, 'echo: hello through the router');
});

test("Vite's HMR websocket connects through the router, as a browser would", async (t) => {
  const { port, server } = running();
  const client = await request(server).get('/@vite/client').expect(200);
  // A browser sends Origin, so Vite demands the token it embedded in its client script.
  const token = /const wsToken = "([^"]+)"/.exec(client.text)?.[1];
  assert.ok(token, 'no wsToken in /@vite/client');

  const origin = `http://127.0.0.1:${port}`;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/?token=${token}`, 'vite-hmr', { origin });
  t.after(() => socket.terminate());
  assert.equal(await firstMessage(socket), '{"type":"connected"}');
  assert.equal(socket.protocol, 'vite-hmr');
});

test('close() ends every micro process and frees every port', async () => {
  const { router, port } = running();
  const micros = router.micros;
  const pids = micros.flatMap((micro) => (micro.pid ? [micro.pid] : []));
  const ports = [port, ...micros.flatMap((micro) => (micro.port ? [micro.port] : []))];
  assert.deepEqual(
    micros.filter((micro) => micro.pid).map((micro) => micro.name).sort(),
    ['api', 'frontend', 'stats'],
  );

  for (const pid of pids) assert.notDeepEqual(liveProcesses(pid), [], `micro ${pid} should be running before close()`);

  await running().close();

  for (const pid of pids) {
    assert.deepEqual(liveProcesses(pid), [], `micro process group ${pid} still has live processes`);
  }
  for (const freed of ports) assert.equal(await canListen(freed), true, `port ${freed} is still taken`);
});

/**
 * Live (not zombie) processes whose pid or process group is `pid`: micros are spawned as group
 * leaders, so this covers grandchildren too. A zombie has exited and only waits for its parent (this
 * test process) to collect its status.
 */
function liveProcesses(pid: number): string[] {
  const live: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state !== 'Z' && (Number(entry) === pid || Number(pgrp) === pid)) live.push(stat.trim());
  }
  return live;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
