import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Logger, MicroState, RestartPolicy } from '../supervisor/types.js';
import type { ActionResult } from '../runtime/types.js';
import type { Clock } from '../runtime/schedule.js';

/** Options of {@link SpaceRouter}; every field is optional. */
export interface RouterOptions {
  /**
   * Project root: micro `src` directories are resolved against it.
   * Default: the Spacefile's directory when given a path, else `spacefile.root`, else `process.cwd()`.
   * A relative Spacefile path is resolved against it as well.
   */
  root?: string;
  /**
   * Name of the micro that the host server serves itself (for example `frontend` when the router runs
   * inside that micro's Vite or Express server). It is not spawned; its HTTP requests go to `next()`
   * with `req.url` untouched, and `upgrade()` leaves its websocket upgrades alone (returns false).
   * Default: none (every micro is spawned or served by the router).
   */
  self?: string;
  /**
   * `host:port` given to micros as `DETA_SPACE_APP_HOSTNAME` while the host's own listening address is
   * unknown. Once the router learns the real address (from `attach(server)` or from the first request's
   * socket) that address wins. Default: the learned address, else unset.
   */
  hostname?: string;
  /**
   * Start only these micros (for example to run one micro's action, or to debug one micro). Requests
   * for the others answer 502 naming this option; static micros without `dev` and `self` are unaffected.
   * Default: every micro.
   */
  only?: string[];
  /** Extra environment for every micro; wins over everything else. Default: none. */
  env?: Record<string, string>;
  /**
   * Milliseconds a micro may take to accept connections, and how long a request that arrives while its
   * micro is starting or restarting is held before it is answered 503. Default: 60_000.
   */
  readyTimeout?: number;
  /**
   * Milliseconds to wait for a micro's response headers before answering 504 (streams that already
   * started are never cut). Default: 120_000.
   */
  proxyTimeout?: number;
  /** Where micro log lines and router notices go. Default: prefixed lines on stdout/stderr. */
  logger?: Logger;
  /** Restart policy for crashed micros; `false` never restarts. Default: the supervisor's (5 restarts per minute, backoff from 500 ms to 8 s). */
  restart?: RestartPolicy | false;
  /**
   * Emulate Space authentication (private apps, `public_routes`, API keys, sign-in below `/__space`).
   * Default: false, like `space dev`.
   */
  auth?: boolean;
  /**
   * With `auth`: app API keys accepted in `X-Space-App-Key` by micros with `presets.api_keys: true`,
   * besides the project's own keys (created with `createAppKey` or `space-router keys create`, which a
   * running router sees at once). Default: none.
   */
  appKeys?: string[];
  /**
   * Run every Spacefile action on its `default_interval` (a rate such as `5 minutes`, or a 5-field cron
   * expression in UTC) while the router is up, as Space's scheduler did: from when the micros start
   * until `close()`. Each run is a `trigger(id)` and is logged (start, then the micro's status).
   * Actions of micros this router does not run (`only`) are left out.
   * Default: false (actions run only when triggered).
   */
  schedule?: boolean;
  /** For tests of `schedule`: the clock it reads and sets its timers with. Default: the real clock. */
  scheduleClock?: Clock;
}

/** One micro as the router sees it right now. */
export interface MicroSnapshot {
  name: string;
  /** Mount path (`/` for the primary). */
  path: string;
  /** Port the micro listens on; undefined for static micros without `dev`, `self` and micros not started. */
  port?: number;
  pid?: number;
  state: MicroState;
  /** The command line the micro was started with, after `$VAR` expansion; undefined until it is spawned. */
  command?: string;
  /** Why the micro failed or is restarting, in one message naming micro, command and port. */
  error?: string;
}

/** What `route()` says about a URL: the micro that owns it and the path it receives. */
export type RouteExplanation = { micro: string; path: string } | { micro: null };

export type NextFunction = (err?: unknown) => void;

/**
 * The router: a connect/Express middleware (arity 3, `next` optional) that is also a plain
 * `node:http` request listener, with lifecycle members attached.
 */
export interface SpaceRouter {
  (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  /**
   * Route an upgrade (a websocket, or any other protocol the micro may switch to). Returns true when
   * the router took the socket (it then owns it, and answers errors on it; calling again with the
   * same socket returns true and does nothing); false leaves the socket untouched for other
   * `upgrade` listeners.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Listen for the server's upgrades, learn its listening address (for `DETA_SPACE_APP_HOSTNAME`),
   * start the micros once it listens, and close the router when the server closes. Attaching the
   * same server again does nothing.
   */
  attach(server: Server | HttpsServer): SpaceRouter;
  /**
   * Starts the micros if needed; resolves when every micro is ready, rejects with the failing micro's
   * MicroError, or with an error whose `code` is `ERR_ROUTER_CLOSED` once `close()` was called.
   */
  ready(): Promise<void>;
  /** Idempotent: every micro process tree gone and its port free when it resolves. */
  close(): Promise<void>;
  /** Snapshot of every micro in Spacefile order. */
  readonly micros: MicroSnapshot[];
  /**
   * Call `listener` with a fresh snapshot of a micro each time its process changes state (starting,
   * ready, restarting, failed, stopped). Static micros and `self` have no process: they are always
   * `ready` in `micros` and never reported here. Returns the function that unsubscribes.
   */
  onState(listener: (micro: MicroSnapshot) => void): () => void;
  /** Explain a request target: `route('/api/x?y=1')` is `{ micro: 'api', path: '/x?y=1' }`. */
  route(url: string): RouteExplanation;
  /**
   * Deliver a scheduled action now, as Space did: `POST /__space/v0/actions` to the owning micro.
   * Resolves with the micro's answer; rejects for an unknown action id.
   *
   * Over HTTP, `POST /__space/dev/actions/<id>` (optional body `{"input": ...}`) does the same on a
   * running router and answers `{action, micro, status, body}` as JSON; it requires `X-API-Key` with
   * the project's DETA_API_KEY whether or not `auth` is on (401 otherwise; 404 lists the known ids).
   * `space-router trigger <id> --url <origin>` calls it.
   */
  trigger(actionId: string, input?: unknown): Promise<ActionResult>;
}
