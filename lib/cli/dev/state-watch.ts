import type { MicroSnapshot, SpaceRouter } from '../../router/types.js';
import type { MicroState } from '../../supervisor/types.js';

export interface StateWatchOptions {
  intervalMs: number;
  /** How often, per micro, a still-starting micro is mentioned again. */
  waitingEveryMs: number;
  onState(micro: MicroSnapshot): void;
  onWaiting(micro: MicroSnapshot, startingForMs: number): void;
}

export interface StateWatch {
  /** Report what changed since the last look, now (before printing anything that depends on it). */
  check(): void;
  /** One last look, then no more. */
  stop(): void;
}

/**
 * Report micro state changes by comparing the router's public `micros` snapshots; the router has no
 * event hook, and a poll of a few plain objects is cheap. 
 */
export function watchStates(router: Pick<SpaceRouter, 'micros'>, options: StateWatchOptions): StateWatch {
  const last = new Map<string, MicroState>();
  const startingSince = new Map<string, number>();
  const lastWaiting = new Map<string, number>();

  const tick = () => {
    const now = Date.now();
    for (const micro of router.micros) {
      const previous = last.get(micro.name);
      // A micro not started yet shows as `stopped`: nothing to say until it starts.
      if (previous === undefined && micro.state === 'stopped') continue;
      if (previous !== micro.state) {
        last.set(micro.name, micro.state);
        options.onState(micro);
        if (micro.state === 'starting' || micro.state === 'restarting') {
          startingSince.set(micro.name, now);
          lastWaiting.set(micro.name, now);
        }
        continue;
      }
      const since = startingSince.get(micro.name);
      if ((micro.state === 'starting' || micro.state === 'restarting') && since !== undefined) {
        if (now - (lastWaiting.get(micro.name) ?? since) >= options.waitingEveryMs) {
          lastWaiting.set(micro.name, now);
          options.onWaiting(micro, now - since);
        }
      }
    }
  };

  tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    check: tick,
    stop() {
      clearInterval(timer);
      tick();
    },
  };
}
