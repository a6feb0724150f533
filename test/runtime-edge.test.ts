import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startHost, type Host } from './fixtures/router/harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'runtime', 'edge-app');
const scratch = mkdtempSync(join(tmpdir(), 'runtime-edge-'));
// The router derives its keys from a secret in the user's config dir; keep this test's out of the real one.
process.env.XDG_CONFIG_HOME = scratch;

let host: Host | undefined;
let port: number;

before(async () => {
  host = await startHost('node:http', { auth: true, logger: { info() {}, warn() {}, error() {} } }, {}, join(root, 'Spacefile'));
  port = host.port;
});

after(async () => {
  await host?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Send the request target byte for byte (an HTTP client library would reject or normalise some of
 * these) and return the status line's code and the body.
 */
function send(target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(text.split(' ')[1]), body: text.slice(split + 4) });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to GET ${target} within 10 s`)));
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`);
  });
}

describe('public_routes with targets the micro resolves to a private file', () => {
  test('the public patterns themselves still open their routes', async () => {
    assert.deepEqual(await send('/public/readme.txt'), { status: 200, body: 'file /public/readme.txt' });
    assert.deepEqual(await send('/logo.png?v=2'), { status: 200, body: 'file /logo.png' });
    assert.equal((await send('/secret')).status, 401);
  });

  const tricks: Array<[target: string, why: string]> = [
    ['/secret%3F.png', 'an encoded "?" that a decode-then-split handler turns into a query'],
    ['/secret%3f.png', 'the same in lower case'],
    ['/public/x%23/../../secret', 'an encoded "#"'],
    ['/public/x#/../../secret', 'a raw "#" (request targets carry no fragment) hiding dot segments'],
    ['/secret;.png', 'a ";" path parameter, which Java servers drop'],
    ['/public/..;/secret', 'the "..;" segment Tomcat reads as ".."'],
    ['/secret%00.png', 'an encoded NUL, where C-backed file APIs stop reading'],
  ];
  for (const [target, why] of tricks) {
    test(`${target} is not public: ${why}`, async () => {
      const answer = await send(target);
      assert.notEqual(answer.body, 'the private file', `${target} reached the private file anonymously`);
      assert.equal(answer.status, 401, answer.body);
      assert.match(answer.body, /"error":"Unauthorized"/);
    });
  }
});
