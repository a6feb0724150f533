/**
 * Contract between the supervisor (which owns micro processes) and the router (which only reads
 * their state and addresses). The router never spawns or kills anything itself.
 */

export type MicroState = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RestartPolicy {
  /** Restarts allowed within `windowMs` before the micro is marked `failed`. Default: 5. */
  maxRestarts?: number;
  /** Default: 60_000. */
  windowMs?: number;
  /** First backoff delay, doubled per restart. Default: 500. */
  initialDelayMs?: number;
  /** Default: 8_000. */
  maxDelayMs?: number;
}

/** A snapshot of one micro as the supervisor sees it. */
export interface MicroStatus {
  name: string;
  /** Mount path from the Spacefile (`/` for the primary). */
  path: string;
  state: MicroState;
  /** Port the micro was told to listen on (`$PORT`); undefined for in-process (static) or host-served micros. */
  port?: number;
  /** Literal address that accepted the readiness probe: `127.0.0.1` or `::1`. */
  address?: string;
  pid?: number;
  /** The resolved command line, after `$VAR` expansion. */
  command?: string;
  /** Why the micro failed, when `state === 'failed'`. */
  error?: string;
}

/** Error about one micro's process; its message names micro, command and port and carries its last log lines. */
export class MicroError extends Error {
  readonly code: string;
  readonly micro: string;
  readonly command?: string;
  readonly port?: number;
  readonly logTail: string[];
  constructor(
    code: string,
    message: string,
    details: { micro: string; command?: string; port?: number; logTail?: string[] },
  ) {
    super(message);
    this.name = 'MicroError';
    this.code = code;
    this.micro = details.micro;
    this.command = details.command;
    this.port = details.port;
    this.logTail = details.logTail ?? [];
  }
}
