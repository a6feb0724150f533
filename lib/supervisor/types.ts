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
  /** Port the micro was told to listen on (`$PORT`); undefined for in-process (static, no `dev`) or host-served micros. */
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

export interface SupervisorOptions {
  /** Extra environment for every micro; wins over the parent's env, the Space variables and preset defaults. */
  env?: Record<string, string>;
  /**
   * Value for `DETA_SPACE_APP_HOSTNAME` (`host:port`, no scheme). A function is read each time a micro is
   * (re)spawned, so an embedded router can hand over the host server's address once it listens.
   */
  hostname?: string | (() => string | undefined);
  /** Per-micro readiness timeout in ms. Default: 60_000 (a cold `next dev` on 2 cores needs ~20 s). */
  readyTimeout?: number;
  /** Where micro log lines and notices go. Default: prefixed lines on stdout/stderr. */
  logger?: Logger;
  /**
   * Grace period in ms between SIGTERM and SIGKILL when a micro's process tree is stopped.
   * Default: 3_000.
   */
  stopTimeout?: number;
  /** Crash policy; `false` never restarts. */
  restart?: RestartPolicy | false;
  /** Names of micros not to spawn (served by the host itself). Static micros are never spawned. */
  skip?: string[];
  /** When set, only these micros are spawned. */
  only?: string[];
}

export interface Supervisor {
  /** Spawn every micro that needs a process; resolves when all are ready, rejects with the first MicroError. */
  start(): Promise<void>;
  /** Current state of one micro, or undefined for an unknown name. */
  status(name: string): MicroStatus | undefined;
  /**
   * Snapshot of every micro in Spacefile order: static ones without `dev` and skipped ones as `ready` without port, ones
   * `only` leaves out as `stopped`.
   */
  list(): MicroStatus[];
  /**
   * Resolves with the status once the micro is `ready`; rejects with a MicroError if it is or becomes
   * `failed`/`stopped`, or after `timeoutMs`.
   */
  waitReady(name: string, timeoutMs?: number): Promise<MicroStatus>;
  /** Last `n` (default 20) log lines of a micro, oldest first. */
  logTail(name: string, n?: number): string[];
  /** Subscribe to state changes; returns an unsubscribe function. */
  onState(listener: (status: MicroStatus) => void): () => void;
  /** Idempotent: every process tree gone and every port free when it resolves. */
  stop(): Promise<void>;
}
