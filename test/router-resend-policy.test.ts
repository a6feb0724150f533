import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { createResendPolicy } from '../lib/router/resend-policy.js';

// The policy judges requests by identity and method only.
const request = (method = 'GET') => ({ method }) as IncomingMessage;

test('a refused connection delivered nothing: any method waits for the restart', () => {
  const policy = createResendPolicy(1_000);
  const post = request('POST');
  policy.sent(post, 'api', 10);
  assert.equal(policy.failed(post, 'api', 'refused'), 'after-restart');
});

test('a stale pooled connection: an idempotent request goes again at once, a POST does not', () => {
  const policy = createResendPolicy(1_000);
  const get = request('GET');
  policy.sent(get, 'api', 10);
  assert.equal(policy.failed(get, 'api', 'stale'), 'now');
  assert.equal(policy.pidOf(get), 10);
  policy.sent(get, 'api', 10);
  policy.answered(get, 'api');

  const post = request('POST');
  policy.sent(post, 'api', 10);
  assert.equal(policy.failed(post, 'api', 'stale'), 'no');
});

test('a new connection reset with the request unread queued behind a crash: it waits for the restart, unless it may have crashed the micro before', () => {
  const policy = createResendPolicy(1_000);
  const queued = request('DELETE');
  policy.sent(queued, 'api', 10);
  assert.equal(policy.failed(queued, 'api', 'unread'), 'after-restart');

  const stale = request();
  policy.sent(stale, 'api', 11);
  assert.equal(policy.failed(stale, 'api', 'stale'), 'now');
  policy.sent(stale, 'api', 11);
  assert.equal(policy.failed(stale, 'api', 'unread'), 'no');
});

test('a GET that may have crashed the micro is not sent to the restarted one', () => {
  const policy = createResendPolicy(1_000);
  const crash = request();
  policy.sent(crash, 'api', 10);
  assert.equal(policy.failed(crash, 'api', 'stale'), 'now');
  policy.sent(crash, 'api', 10);
  assert.equal(policy.failed(crash, 'api', 'refused'), 'no');

  const fresh = request();
  const policyB = createResendPolicy(1_000);
  policyB.sent(fresh, 'api', 10);
  assert.equal(policyB.failed(fresh, 'api', 'reset'), 'no');
});

test('a request sent after another one saw the process break was sent to a dying micro: it waits for the restart', () => {
  const policy = createResendPolicy(1_000);
  const crash = request();
  const next = request('POST');
  policy.sent(crash, 'api', 10);
  assert.equal(policy.failed(crash, 'api', 'reset'), 'no');
  policy.sent(next, 'api', 10);
  assert.equal(policy.failed(next, 'api', 'reset'), 'after-restart');

  // The restarted process (another pid) is judged afresh.
  const later = request('POST');
  policy.sent(later, 'api', 11);
  assert.equal(policy.failed(later, 'api', 'reset'), 'no');
});

test('an answer from the process since the break, or a break long ago, means it did not die', () => {
  const policy = createResendPolicy(1_000);
  const first = request();
  policy.sent(first, 'api', 10);
  policy.failed(first, 'api', 'reset');
  const ok = request();
  policy.sent(ok, 'api', 10);
  policy.answered(ok, 'api');
  const after = request('POST');
  policy.sent(after, 'api', 10);
  assert.equal(policy.failed(after, 'api', 'reset'), 'no');

  let clock = 0;
  const timed = createResendPolicy(1_000, () => clock);
  const a = request();
  timed.sent(a, 'api', 10);
  timed.failed(a, 'api', 'reset');
  clock = 1_001;
  const b = request('POST');
  timed.sent(b, 'api', 10);
  assert.equal(timed.failed(b, 'api', 'reset'), 'no');
});

test('at most three attempts per request, whatever the failures', () => {
  const policy = createResendPolicy(1_000);
  const other = request();
  const stubborn = request();
  policy.sent(other, 'api', 10);
  policy.failed(other, 'api', 'reset');
  const decisions = [1, 2, 3].map(() => {
    policy.sent(stubborn, 'api', 10);
    return policy.failed(stubborn, 'api', 'refused');
  });
  assert.deepEqual(decisions, ['after-restart', 'after-restart', 'no']);
});
