import type { IncomingMessage } from 'node:http';

/**
 * How an attempt to reach a micro failed before any answer: nothing listened (`refused`), a pooled
 * keep-alive connection turned out closed (`stale`), a new connection was reset with the request
 * still unread (`unread`), or closed after the micro had read it (`reset`).
 */
export type AttemptFailure = 'refused' | 'stale' | 'unread' | 'reset';

/**
 * `now`: send again at once on a new connection, to the same process if it is still ready;
 * `after-restart`: wait for the supervisor to notice the crash and restart the micro, then send;
 * `no`: answer the failure.
 */
export type ResendDecision = 'now' | 'after-restart' | 'no';

/** Attempts per request, the first included: a micro that resets everything is not retried forever. */
const MAX_ATTEMPTS = 3;

interface Attempt {
  pid: number | undefined;
  /** Another request had already seen this process break, just before this attempt went out. */
  sentToBroken: boolean;
}

interface RequestRecord {
  attempts: number;
  current?: Attempt;
  /** An earlier attempt may have reached a live micro that then died: it may have died of it. */
  mayHaveCrashedIt: boolean;
}

interface Break {
  pid: number | undefined;
  by: IncomingMessage;
  at: number;
}

/**
 * Decides whether a request whose attempt failed before any answer is sent again.
 *
 * Resending is what users want when the micro was already dying (or had closed an idle connection)
 * and never handled the request: it should wait for the restart like any request that arrives while
 * the micro restarts. It is wrong when the micro died handling the request: the restarted micro
 * would crash on it again, printing the same stack twice and spending its restart budget. The two
 * look alike on the wire, so the policy uses what it knows: a connection refused delivered nothing;
 * an attempt sent after another request saw the same process break (and nothing has answered
 * since) went to a dying micro; a stale pooled connection is tried once more at once, on a new
 * connection, for an idempotent method (RFC 9110 section 9.2.2), as browsers do; a connection the
 * micro's kernel reset with the request still unread never reached its code either.
 */
export function createResendPolicy(recentMs: number, now: () => number = Date.now) {
  const requests = new WeakMap<IncomingMessage, RequestRecord>();
  const lastBreak = new Map<string, Break>();

  return {
    /** An attempt to send `req` to the micro's process `pid` starts now. */
    sent(req: IncomingMessage, micro: string, pid: number | undefined): void {
      const record = requests.get(req) ?? { attempts: 0, mayHaveCrashedIt: false };
      requests.set(req, record);
      record.attempts += 1;
      const broke = lastBreak.get(micro);
      const sentToBroken = broke !== undefined && broke.by !== req && broke.pid === pid && now() - broke.at <= recentMs;
      record.current = { pid, sentToBroken };
    },

    pidOf(req: IncomingMessage): number | undefined {
      return requests.get(req)?.current?.pid;
    },

    /** The micro answered `req`: whatever broke before was not that process dying. */
    answered(req: IncomingMessage, micro: string): void {
      const pid = requests.get(req)?.current?.pid;
      if (lastBreak.get(micro)?.pid === pid) lastBreak.delete(micro);
    },

    failed(req: IncomingMessage, micro: string, failure: AttemptFailure): ResendDecision {
      const record = requests.get(req);
      const attempt = record?.current;
      if (!record || !attempt) return 'no';
      lastBreak.set(micro, { pid: attempt.pid, by: req, at: now() });
      if (record.attempts >= MAX_ATTEMPTS) return 'no';
      if (attempt.sentToBroken) return 'after-restart';
      // Neither reached the micro's code: a request queued behind the one that killed it is `unread`.
      if (failure === 'refused' || failure === 'unread') return record.mayHaveCrashedIt ? 'no' : 'after-restart';
      if (failure === 'reset') return 'no';
      if (record.mayHaveCrashedIt || !IDEMPOTENT.has(req.method ?? '')) return 'no';
      record.mayHaveCrashedIt = true;
      return 'now';
    },
  };
}

export type ResendPolicy = ReturnType<typeof createResendPolicy>;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
