import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ACTIONS_PATH, actionPayload, findAction, triggerAction, UnknownActionError } from '../lib/runtime/actions.js';
import type { Spacefile } from '../lib/spacefile/types.js';
import { micro } from './fixtures/runtime/gate-host.js';

interface Received {
  method?: string;
  url?: string;
  contentType?: string;
  body: string;
}

const received: Received[] = [];
let server: Server;
let origin: string;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body });
      const event = (JSON.parse(body) as { event: { id: string } }).event;
      if (event.id === 'broken') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('handler crashed');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ran: event.id }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const spacefile: Spacefile = {
  v: 0,
  autoPwa: true,
  micros: [
    micro({ name: 'web', primary: true, path: '/' }),
    micro({
      name: 'api',
      actions: [
        { id: 'cleanup', name: 'Clean up', trigger: 'schedule', defaultInterval: '1 hour' },
        { id: 'report', name: 'Report', trigger: 'schedule', defaultInterval: '0 9 * * 1' },
      ],
    }),
    micro({ name: 'worker', actions: [{ id: 'sync', name: 'Sync', trigger: 'schedule', defaultInterval: '5 minutes' }] }),
  ],
};

describe('findAction', () => {
  test('finds the owning micro and the action', () => {
    const found = findAction(spacefile, 'sync');
    assert.equal(found.micro.name, 'worker');
    assert.equal(found.action.name, 'Sync');
    assert.equal(findAction(spacefile, 'report').micro.name, 'api');
  });

  test('an unknown id is a named error listing the known ids', () => {
    assert.throws(() => findAction(spacefile, 'clean'), (error: unknown) => {
      assert.ok(error instanceof UnknownActionError);
      assert.equal(error.code, 'ERR_UNKNOWN_ACTION');
      assert.deepEqual(error.known, ['cleanup', 'report', 'sync']);
      assert.equal(error.message, 'Unknown action "clean": the Spacefile declares "cleanup", "report", "sync".');
      return true;
    });
  });

  test('a Spacefile without actions says so', () => {
    const bare: Spacefile = { v: 0, autoPwa: true, micros: [micro({ name: 'web', primary: true, path: '/' })] };
    assert.throws(() => findAction(bare, 'x'), {
      message: 'Unknown action "x": the Spacefile declares no actions (add one under a micro\'s "actions:").',
    });
  });
});

describe('triggerAction', () => {
  test('POSTs the production event as JSON to /__space/v0/actions at the micro root', async () => {
    received.length = 0;
    const result = await triggerAction({ origin }, 'cleanup');
    assert.deepEqual(result, { status: 200, body: '{"ran":"cleanup"}' });
    assert.deepEqual(received, [
      {
        method: 'POST',
        url: ACTIONS_PATH,
        contentType: 'application/json',
        body: '{"event":{"id":"cleanup","trigger":"schedule"}}',
      },
    ]);
  });

  test('input travels as event.input', async () => {
    received.length = 0;
    await triggerAction({ origin }, 'sync', { full: true, since: '2026-01-01' });
    assert.equal(received[0]!.body, '{"event":{"id":"sync","trigger":"schedule","input":{"full":true,"since":"2026-01-01"}}}');
    assert.equal(actionPayload('sync', null), '{"event":{"id":"sync","trigger":"schedule","input":null}}');
  });

  test("the micro's error status and body come back as they are", async () => {
    const result = await triggerAction({ origin }, 'broken');
    assert.deepEqual(result, { status: 500, body: 'handler crashed' });
  });

  test('a handler that never answers is a named timeout, not a hang', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    after(() => {
      silent.closeAllConnections();
      silent.close();
    });
    await assert.rejects(triggerAction({ origin: `http://127.0.0.1:${port}` }, 'slow', undefined, 300), {
      code: 'ERR_ACTION_TIMEOUT',
      message: `Action "slow" got no answer from http://127.0.0.1:${port}/__space/v0/actions within 0.3 s; the micro's action handler must respond.`,
    });
  });

  test('a micro that is not listening is a clear error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(triggerAction({ origin: `http://127.0.0.1:${port}` }, 'cleanup'), {
      message: new RegExp(`^Action "cleanup" could not be delivered to http://127\\.0\\.0\\.1:${port}/__space/v0/actions: connect ECONNREFUSED .*\\. Is the micro running\\?$`),
    });
  });
});
