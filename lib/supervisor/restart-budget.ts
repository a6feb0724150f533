import type { RestartPolicy } from './types.js';

const DEFAULTS: Required<RestartPolicy> = {
  maxRestarts: 5,
  windowMs: 60_000,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
};

/**
 * Decides whether a micro that exited gets another try, and after how long. The delay doubles
 * with each restart still inside the window, so a micro that ran fine for a while starts over at
 * the initial delay.
 */
export class RestartBudget {
  private readonly policy: Required<RestartPolicy> | undefined;
  private restarts: number[] = [];

  constructor(policy: RestartPolicy | false | undefined) {
    this.policy =
      policy === false
        ? undefined
        : {
            maxRestarts: policy?.maxRestarts ?? DEFAULTS.maxRestarts,
            windowMs: policy?.windowMs ?? DEFAULTS.windowMs,
            initialDelayMs: policy?.initialDelayMs ?? DEFAULTS.initialDelayMs,
            maxDelayMs: policy?.maxDelayMs ?? DEFAULTS.maxDelayMs,
          };
  }

  /** The delay before the next restart, or undefined when the micro must be given up. */
  next(now = Date.now()): number | undefined {
    const policy = this.policy;
    if (!policy) return undefined;
    this.restarts = this.restarts.filter((t) => now - t < policy.windowMs);
    if (this.restarts.length >= policy.maxRestarts) return undefined;
    const delay = Math.min(policy.initialDelayMs * 2 ** this.restarts.length, policy.maxDelayMs);
    this.restarts.push(now);
    return delay;
  }

  describe(): string {
    const policy = this.policy;
    return policy ? `${policy.maxRestarts} restarts within ${policy.windowMs / 1000} s` : 'restarts disabled';
  }
}
