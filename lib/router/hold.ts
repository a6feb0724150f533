import type { MicroStatus, Supervisor } from '../supervisor/types.js';

/** How holding a request for its micro ended. */
export type HoldOutcome =
  | { kind: 'ready'; status: MicroStatus }
  /** Still starting or restarting when the wait ran out: answer 503 and let the client retry. */
  | { kind: 'timeout' }
  /** Failed or stopped: answer 502. */
  | { kind: 'down' };

/**
 * Hold a request (or upgrade) until its micro accepts connections, at most `timeoutMs`.
 * A ready micro answers at once, without a timer or a promise chain per request on the hot path.
 */
export function holdForMicro(
  supervisor: Pick<Supervisor, 'status' | 'waitReady'>,
  name: string,
  timeoutMs: number,
): HoldOutcome | Promise<HoldOutcome> {
  const status = supervisor.status(name);
  if (status?.state === 'ready' && status.port !== undefined) return { kind: 'ready', status };
  if (!status || status.state === 'failed') return { kind: 'down' };
  return supervisor.waitReady(name, timeoutMs).then(
    (ready): HoldOutcome => ({ kind: 'ready', status: ready }),
    (): HoldOutcome => {
      const state = supervisor.status(name)?.state;
      return state === 'starting' || state === 'restarting' ? { kind: 'timeout' } : { kind: 'down' };
    },
  );
}

/**
 * Resolves at the micro's next state change, at once if it is not `ready`, or after `withinMs`.
 * A refused connection to a `ready` micro usually means it just died and the supervisor is about
 * to say so; waiting for that turns a needless 502 into a held request.
 */
export function nextStateChange(
  supervisor: Pick<Supervisor, 'status' | 'onState'>,
  name: string,
  withinMs: number,
): Promise<void> {
  if (supervisor.status(name)?.state !== 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      off();
      clearTimeout(timer);
      resolve();
    };
    const off = supervisor.onState((status) => {
      if (status.name === name) done();
    });
    const timer = setTimeout(done, withinMs);
  });
}
