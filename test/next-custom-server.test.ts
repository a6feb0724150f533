import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import supertest from 'supertest';
import { processesWithEnv, until } from './fixtures/integrations/processes.js';
import { closeSocket, firstMessage, roundTrip } from './fixtures/integrations/sockets.js';

const serverFile = fileURLToPath(new URL('../examples/next-custom-server/server.ts', import.meta.url));

// The example runs as its own process, as a custom server does: Next's dev server keeps file
// watchers open after close(), so it cannot share the test's process.
test('a custom Next server with the router mounted: one upgrade dispatcher, each socket one owner', async (t) => {
  const port = await getPort();
  const marker = `SPACE_ROUTER_EXAMPLE_RUN=${randomUUID()}`;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', serverFile], {
    env: { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1', [marker.split('=')[0]!]: marker.split('=')[1] },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    for (const pid of processesWithEnv([marker])) process.kill(pid, 'SIGKILL');
  });

  await until('the example to print "> ready"', () => {
    if (child.exitCode !== null) assert.fail(`the example exited with ${child.exitCode}:\n${output}`);
    return output.includes(`> ready on http://localhost:${port}`);
  }, 120_000).catch((error: Error) => assert.fail(`${error.message}\n${output}`));
  const origin = `http://localhost:${port}`;
  const request = supertest(origin);
  const ws = (path: string) => `ws://localhost:${port}${path}`;

  // The micro's socket opens before Next has served any request (so before it listens for upgrades).
  const early = await firstMessage(ws('/api/ws'));
  assert.equal(early.message, 'api saw /ws');

  const home = await request.get('/').expect(200);
  assert.match(home.text, /<h1 id="greeting">Hello from a custom Next server<\/h1>/);
  await request.get('/no-such-page').expect(404);
  const api = await request.get('/api/hello').set('accept', 'text/html').expect(200);
  assert.deepEqual(api.body, { message: 'hello from the api micro', path: '/hello' });

  // Next now listens for upgrades; its HMR socket works through the one dispatcher...
  const hmr = await firstMessage(ws('/_next/hmr?id=test'), undefined, { origin });
  assert.equal(typeof JSON.parse(hmr.message).type, 'string');
  await closeSocket(hmr.socket);

  // ...while micro sockets, new and old, stay the router's alone.
  const late = await firstMessage(ws('/api/ws'));
  assert.equal(late.message, 'api saw /ws');
  assert.equal(await roundTrip(late.socket, 'late'), 'echo: late');
  assert.equal(await roundTrip(early.socket, 'early'), 'echo: early');
  await closeSocket(late.socket);
  await closeSocket(early.socket);

  // The micros know the app's address, as on Space, though they start before any request arrives.
  assert.equal(processesWithEnv([marker, 'DETA_SPACE_APP_MICRO_NAME=api', `DETA_SPACE_APP_HOSTNAME=localhost:${port}`]).length, 1);

  // SIGTERM stops Next and every micro: nothing carrying this run's environment is left.
  assert.ok(processesWithEnv([marker]).length >= 2);
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0);
  assert.deepEqual(await until('the micros to be gone', () => (processesWithEnv([marker]).length === 0 ? [] : false), 10_000), []);
});
