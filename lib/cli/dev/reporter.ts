import type { MicroSnapshot } from '../../router/types.js';
import type { Logger } from '../../supervisor/types.js';

/** Everything `space-router dev` tells its user, whether as text for a person or JSON lines for CI. */
export interface DevReporter {
  /** Micro log lines and router notices; held back while micros start so progress stays readable. */
  logger: Logger;
  begin(run: DevRun): void;
  listening(url: string): void;
  /** A micro changed state; `elapsedMs` counts from the start of `dev`. */
  state(micro: MicroSnapshot, elapsedMs: number): void;
  /** A micro is still starting after `elapsedMs` (called every few seconds while it is). */
  waiting(micro: MicroSnapshot, elapsedMs: number): void;
  /** Every selected micro is ready: show where each one is, then let logs flow. */
  ready(micros: MicroSnapshot[], url: string, elapsedMs: number): void;
  /** Startup or serving failed; the error is printed in full (named micro, command, port, log tail). */
  failed(error: unknown): void;
  stopping(forced: boolean): void;
  stopped(): void;
}

/** How `dev` runs a micro: its own process, files served by the router, or not at all (left out by `--micro`). */
export interface MicroPlan {
  name: string;
  runs: 'process' | 'static' | 'skipped';
}

export interface DevRun {
  /** The Spacefile as shown to the user. */
  spacefile: string;
  micros: MicroPlan[];
  /** Space authentication is emulated (`--auth`). */
  auth: boolean;
}

/** Where a signed-out browser signs in when `--auth` is on. */
export const SIGNIN_PATH = '__space/signin';

/** The address of a micro through the router: the app's origin plus the micro's mount path. */
export function microUrl(appUrl: string, micro: MicroSnapshot): string {
  return micro.path === '/' ? appUrl : appUrl.replace(/\/$/, '') + micro.path;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
