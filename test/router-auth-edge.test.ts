import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localKeys } from '../lib/runtime/keys.js';
import { FIXTURES, send, startHost, type Host } from './fixtures/router/harness.js';

const EDGE = `${FIXTURES}/edge`;
const config = mkdtempSync(join(tmpdir(), 'router-auth-edge-'));
process.env.XDG_CONFIG_HOME = config;

/** POST with `Expect: 100-continue`: the body is only sent once the server says 100 Continue. */
function expectContinue(port: number, headers: Record<string, string>): Promise<{ continued: boolean; status: number; body: string }> {
  const body = 'x'.repeat(50_000);
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/upload',
        method: 'POST',
        agent: false,
        headers: { expect: '100-continue', 'content-length': String(body.length), accept: 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({ continued, status: res.statusCode!, body: text });
        });
      },
    );
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('error', reject);
  });
}

/** The cookie a sign-in sets: name and value. */
async function signIn(port: number): Promise<[string, string]> {
  const answer = await send(port, '/__space/signin?next=/', { method: 'POST' });
  assert.equal(answer.status, 303);
  const [pair] = String(answer.headers['set-cookie']?.[0]).split(';');
  const eq = pair!.indexOf('=');
  return [pair!.slice(0, eq), pair!.slice(eq + 1)];
}

describe('auth emulation on a server the router is attached to', () => {
  let first: Host;
  let second: Host;
  before(async () => {
    first = await startHost('express5', { auth: true, only: ['main'] }, {}, EDGE);
    second = await startHost('node:http', { auth: true, only: ['main'] }, {}, EDGE);
  });
  after(async () => {
    await first?.close();
    await second?.close();
    rmSync(config, { recursive: true, force: true });
  });

  test('an unauthenticated Expect: 100-continue upload gets its 401 before sending the body', async () => {
    const anonymous = await expectContinue(first.port, {});
    assert.equal(anonymous.continued, false);
    assert.equal(anonymous.status, 401);
    assert.equal(JSON.parse(anonymous.body).error, 'Unauthorized');
  });

  test('an authenticated one gets 100 Continue and the micro gets the whole body', async () => {
    const allowed = await expectContinue(first.port, { 'x-api-key': localKeys(EDGE).apiKey });
    assert.equal(allowed.continued, true);
    assert.equal(allowed.status, 200);
    const seen = JSON.parse(allowed.body);
    assert.equal(seen.url, '/upload');
    assert.equal(seen.bodyHex.length, 100_000);
  });

  test('two routers on one host name each keep their own session cookie (cookies ignore ports)', async () => {
    const [firstName, firstValue] = await signIn(first.port);
    const [secondName, secondValue] = await signIn(second.port);
    assert.match(firstName, /^space_router_session_[0-9a-f]{8}$/);
    assert.match(secondName, /^space_router_session_[0-9a-f]{8}$/);
    assert.notEqual(firstName, secondName);

    // What a browser sends to either port after signing in to both.
    const jar = `${firstName}=${firstValue}; ${secondName}=${secondValue}`;
    assert.equal((await send(first.port, '/page', { headers: { cookie: jar } })).status, 200);
    assert.equal((await send(second.port, '/page', { headers: { cookie: jar } })).status, 200);

    // The same router names its cookie the same way on every request, and signs out that one.
    assert.equal((await signIn(first.port))[0], firstName);
    const signOut = await send(first.port, '/__space/signout?next=/', { headers: { cookie: jar } });
    assert.deepEqual(signOut.headers['set-cookie'], [`${firstName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`]);
  });
});
