import type { MicroSnapshot, SpaceRouter } from '../../router/types.js';
import type { MicroState } from '../../supervisor/types.js';

export interface StateWatchOptions {
  /** How often, per micro, a still-starting micro is mentioned again. */
  waitingEveryMs: number;
  onState(micro: MicroSnapshot): void;
  onWaiting(micro: MicroSnapshot, startingForMs: number): void;
}

export interface StateWatch {
  /** Report what the router's snapshot shows that no event reported yet (micros without a process). */
  check(): void;
  /** One last look, then no more. */
  stop(): void;
}

/**
 * Report each micro's state changes as the router announces them, once per change. Static micros
 * have no process and announce nothing, so the snapshot is read too: at the start, on `check()`
 * and on `stop()`.
 */
export function watchStates(router: Pick<SpaceRouter, 'micros' | 'onState'>, options: StateWatchOptions): StateWatch {
  const last = new Map<string, MicroState>();
  const reminders = new Map<string, NodeJS.Timeout>();

  const remind = (micro: MicroSnapshot, since: number) => {
    const timer = setTimeout(() => {
      reminders.delete(micro.name);
      options.onWaiting(micro, Date.now() - since);
      remind(micro, since);
    }, options.waitingEveryMs);
    timer.unref();
    reminders.set(micro.name, timer);
  };

  const report = (micro: MicroSnapshot) => {
    const previous = last.get(micro.name);
    // A micro not started yet shows as `stopped`: nothing to say until it starts.
    if (previous === undefined && micro.state === 'stopped') return;
    if (previous === micro.state) return;
    last.set(micro.name, micro.state);
    clearTimeout(reminders.get(micro.name));
    reminders.delete(micro.name);
    options.onState(micro);
    if (micro.state === 'starting' || micro.state === 'restarting') remind(micro, Date.now());
  };

  const check = () => {
    for (const micro of router.micros) report(micro);
  };

  check();
  const unsubscribe = router.onState(report);
  return {
    check,
    stop() {
      unsubscribe();
      for (const timer of reminders.values()) clearTimeout(timer);
      reminders.clear();
      check();
    },
  };
}
