import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Literal loopback addresses a micro may listen on; the name `localhost` may resolve to either. */
export const LOOPBACKS = ['127.0.0.1', '::1'] as const;
export type Loopback = (typeof LOOPBACKS)[number];

const FIRST_DELAY_MS = 25;
const MAX_DELAY_MS = 400;
const CONNECT_TIMEOUT_MS = 1_000;

/**
 * Polls `port` on both loopback addresses until one accepts a TCP connection, with a growing
 * delay between rounds. Resolves with the address that answered (127.0.0.1 when both do), or
 * undefined on timeout or once `signal` aborts (the micro exited, or is being stopped).
 */
export async function waitForPort(port: number, timeoutMs: number, signal: AbortSignal): Promise<Loopback | undefined> {
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_DELAY_MS;
  while (!signal.aborted && Date.now() < deadline) {
    const answers = await Promise.all(LOOPBACKS.map((host) => accepts(host, port)));
    const index = answers.indexOf(true);
    if (index >= 0 && !signal.aborted) return LOOPBACKS[index];
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      await sleep(Math.min(delay, left), undefined, { signal });
    } catch {
      break;
    }
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
  return undefined;
}

/** One connection attempt; never rejects. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
