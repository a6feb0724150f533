import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Micro, Spacefile } from '../spacefile/types.js';
import { servedFromFiles } from '../spacefile/engines.js';
import type { MicroStatus, Supervisor } from '../supervisor/types.js';
import type { AuthGate } from '../runtime/types.js';
import { findAction, triggerAction } from '../runtime/actions.js';
import { localKeys } from '../runtime/keys.js';
import { startActionSchedule, type ActionSchedule } from '../runtime/schedule.js';
import { consoleLogger } from '../supervisor/logs.js';
import { createRouteTable, type RouteMatch } from './route-table.js';
import type { MicroSnapshot, NextFunction, RouterOptions, SpaceRouter } from './types.js';
import { createMicroProxy, type MicroProxy } from './micro-proxy.js';
import { createStaticMicro, type StaticMicroHandler } from './static-micro.js';
import { holdForMicro, nextStateChange, type HoldOutcome } from './hold.js';
import { createResendPolicy, type AttemptFailure } from './resend-policy.js';
import { inspectRequestBody, type RequestBody } from './request-body.js';
import { microProblem, type ProblemKind } from './micro-problem.js';
import { sendProblem, type RouterProblem } from './error-response.js';
import { createUpgradeDispatcher } from './upgrade-dispatcher.js';
import { createDevActions } from './dev-actions.js';
import { formatHostPort, hostnameFromAddress, hostnameFromRequest } from './host-address.js';

/** The host server's address as micros should reach it; `learned` wins once known. */
export interface HostAddress {
  learned?: string;
  fallback?: string;
}

export interface RouterParts {
  /** Normalised model with `root` set. */
  spacefile: Spacefile;
  supervisor: Supervisor;
  host: HostAddress;
  gate?: AuthGate;
  options: RouterOptions;
}

const DEFAULT_READY_TIMEOUT = 60_000;
const DEFAULT_PROXY_TIMEOUT = 120_000;
/**
 * How long a refused connection to a `ready` micro waits for the supervisor to notice a crash, and
 * how recent another request's failure must be for the process to count as dying.
 */
const REFUSED_WAIT_MS = 1_000;

/**
 * Assemble the router from its parts. Micros start on the first of: `ready()`, the first routed
 * request or upgrade, or an attached server starting to listen. Starting lazily means the host's
 * listening address is usually known by then, so DETA_SPACE_APP_HOSTNAME names the router, not a guess.
 */
export function createRouter({ spacefile, supervisor, host, gate, options }: RouterParts): SpaceRouter {
  const root = spacefile.root ?? process.cwd();
  const readyTimeout = options.readyTimeout ?? DEFAULT_READY_TIMEOUT;
  const proxyTimeout = options.proxyTimeout ?? DEFAULT_PROXY_TIMEOUT;
  const route = createRouteTable(spacefile.micros);
  const logger = options.logger ?? consoleLogger;

  const problemFor = (micro: Micro, kind: ProblemKind, detail?: string): RouterProblem =>
    microProblem(kind, {
      micro,
      status: supervisor.status(micro.name),
      logTail: servedFromFiles(micro) || micro.name === options.self ? [] : supervisor.logTail(micro.name, 20),
      detail,
    });

  const statics = new Map<string, StaticMicroHandler>();
  const proxies = new Map<string, MicroProxy>();
  for (const micro of spacefile.micros) {
    if (servedFromFiles(micro)) statics.set(micro.name, createStaticMicro(micro, root));
    else if (micro.name !== options.self && (!options.only || options.only.includes(micro.name))) {
      proxies.set(
        micro.name,
        createMicroProxy({
          target: () => {
            const status = supervisor.status(micro.name);
            return status?.port === undefined ? undefined : { address: status.address ?? '127.0.0.1', port: status.port };
          },
          proxyTimeout,
          problem: (kind, detail) => problemFor(micro, kind, detail),
          retry: (req, res, failure) => resend(req, res, micro, failure),
          answered: (req) => resends.answered(req, micro.name),
        }),
      );
    }
  }

  /** What a second attempt needs once `req.url` has been rewritten for the micro. */
  const inFlight = new WeakMap<IncomingMessage, { match: RouteMatch; body: RequestBody }>();
  const resends = createResendPolicy(REFUSED_WAIT_MS);

  function resend(req: IncomingMessage, res: ServerResponse, micro: Micro, failure: AttemptFailure): boolean {
    const flight = inFlight.get(req);
    const decision = flight ? resends.failed(req, micro.name, failure) : 'no';
    if (!flight || decision === 'no') return false;
    if (decision === 'now') {
      // To the same process only: if it is gone, this request may be what killed it.
      const status = supervisor.status(micro.name);
      if (status?.state !== 'ready' || status.pid !== resends.pidOf(req)) return false;
      forward(req, res, flight.match, flight.body, { kind: 'ready', status });
      return true;
    }
    nextStateChange(supervisor, micro.name, REFUSED_WAIT_MS)
      .then(() => holdForMicro(supervisor, micro.name, readyTimeout))
      .then(
        (held) => forward(req, res, flight.match, flight.body, held),
        (error: unknown) => failed(req, res, undefined, error),
      );
    return true;
  }

  let starting: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let schedule: ActionSchedule | undefined;

  function start(): Promise<void> {
    if (!starting) {
      starting = closing ? Promise.reject(routerClosed()) : startAll();
      // Lazy starts have no caller to reject to; the failure shows on the micro's error page and in ready().
      starting.catch(() => {});
    }
    return starting;
  }

  function startAll(): Promise<void> {
    if (options.schedule) {
      try {
        schedule = scheduleActions();
      } catch (error) {
        // A hand-built Spacefile with a bad default_interval: ready() names micro and action.
        return Promise.reject(error);
      }
    }
    return supervisor.start();
  }

  /** Only actions whose micro this router can deliver to: its own processes, or the host's (`self`). */
  function scheduleActions(): ActionSchedule {
    const deliverable = spacefile.micros.filter((micro) => proxies.has(micro.name) || micro.name === options.self);
    return startActionSchedule({
      spacefile: { ...spacefile, micros: deliverable },
      trigger: (id) => router.trigger(id),
      clock: options.scheduleClock,
      logger: options.logger,
    });
  }

  /** The gate's decision ahead of the request (allowsUpgrade judges any request the same way). */
  function refusedByGate(req: IncomingMessage): boolean {
    const match = route(req.url ?? '/');
    return gate !== undefined && match.micro !== null && !gate.allowsUpgrade(req, match);
  }

  function learnFrom(req: IncomingMessage): void {
    if (host.learned === undefined) host.learned = hostnameFromRequest(req);
  }

  const devActions = createDevActions({
    spacefile,
    apiKey: () => localKeys(root).apiKey,
    trigger: (id, input) => router.trigger(id, input),
  });

  let warnedMount = false;
  /** Express strips the mount path before the router sees the url, so every micro path would miss. */
  function warnIfMounted(req: IncomingMessage): void {
    const baseUrl = (req as { baseUrl?: unknown }).baseUrl;
    if (warnedMount || typeof baseUrl !== 'string' || baseUrl === '') return;
    warnedMount = true;
    const path = (req.url ?? '/').split('?')[0];
    logger.warn(
      `space-router: the router is mounted under ${baseUrl} (app.use('${baseUrl}', router)), so it sees ${path} without that prefix ` +
        'and routes it as such. Mount it at the root, app.use(router): it matches micro paths itself.',
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse, next: NextFunction | undefined): void {
    warnIfMounted(req);
    const result = route(req.url ?? '/');
    if (result.micro === null) {
      learnFrom(req);
      if (devActions(req, res, result.path)) return;
      if (gate?.handleRuntime(req, res, result.path)) return;
      if (next) return next();
      return sendProblem(req, res, {
        status: 404,
        code: 'runtime_path',
        title: 'Reserved runtime path',
        message: `${req.url} is below /__space, which belongs to the Space runtime; no micro receives it.`,
      });
    }
    const micro = result.micro;
    learnFrom(req);
    void start();
    // The router sits in front of the host's own routes too, so private apps stay private there.
    if (gate?.deny(req, res, result)) return;
    if (micro.name === options.self) {
      if (next) return next();
      return sendProblem(req, res, problemFor(micro, 'served_by_host'));
    }
    const serveStatic = statics.get(micro.name);
    if (serveStatic) return serveStatic(req, res, result);
    if (!proxies.has(micro.name)) return sendProblem(req, res, problemFor(micro, 'not_started'));

    const body = inspectRequestBody(req);
    if (body.kind === 'lost') return sendProblem(req, res, problemFor(micro, 'body_consumed', body.contentType));
    if (body.kind === 'replay' && body.imprecise) warnImprecise(req, micro, body.imprecise);
    if (closing) return sendProblem(req, res, problemFor(micro, 'not_running'));
    const outcome = holdForMicro(supervisor, micro.name, readyTimeout);
    if (outcome instanceof Promise) {
      outcome.then(
        (held) => forward(req, res, result, body, held),
        (error: unknown) => failed(req, res, next, error),
      );
    } else forward(req, res, result, body, outcome);
  }

  /** express.json() already rounded these integers; the micro gets the rounded value, so say so. */
  function warnImprecise(req: IncomingMessage, micro: Micro, numbers: number[]): void {
    logger.warn(
      `space-router: ${req.method} ${(req as { originalUrl?: string }).originalUrl ?? req.url} for micro "${micro.name}": ` +
        `the JSON body was parsed before the router and holds integers beyond 2^53 (${numbers.join(', ')}), ` +
        'which lost precision in JavaScript numbers. Mount spaceRouter before express.json() to forward request bodies byte for byte.',
    );
  }

  function forward(req: IncomingMessage, res: ServerResponse, match: RouteMatch, body: RequestBody, held: HoldOutcome): void {
    // The client may have given up while the micro was starting.
    if (res.destroyed || res.writableEnded) return;
    if (held.kind === 'ready') {
      if (!inFlight.has(req)) inFlight.set(req, { match, body });
      resends.sent(req, match.micro.name, held.status.pid);
      proxies.get(match.micro.name)!.web(req, res, match, body);
    }
    else if (held.kind === 'timeout') sendProblem(req, res, problemFor(match.micro, 'still_starting', String(readyTimeout)));
    else sendProblem(req, res, problemFor(match.micro, 'not_running'));
  }

  function failed(req: IncomingMessage, res: ServerResponse, next: NextFunction | undefined, error: unknown): void {
    if (next && !res.headersSent) return next(error);
    sendProblem(req, res, {
      status: 500,
      code: 'router_error',
      title: 'space-router failed on this request',
      message: error instanceof Error ? error.stack ?? error.message : String(error),
    });
  }

  const upgrade = createUpgradeDispatcher({
    route,
    self: options.self,
    gate,
    proxies,
    statics: new Set(statics.keys()),
    supervisor,
    readyTimeout,
    problemFor,
    isClosing: () => closing !== undefined,
    onTaken: (req) => {
      learnFrom(req);
      void start();
    },
  });

  const router = function spaceRouterMiddleware(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    try {
      handle(req, res, next);
    } catch (error) {
      failed(req, res, next, error);
    }
  } as SpaceRouter;

  router.upgrade = upgrade;

  const attached = new WeakSet<object>();

  router.attach = (server) => {
    // Attaching twice (a helper and the app both do) must not add a second listener per event.
    if (attached.has(server)) return router;
    attached.add(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (upgrade(req, socket, head)) return;
      // Node destroys upgrades nobody listens for; being the only listener must not leave one hanging.
      if (server.listenerCount('upgrade') === 1) socket.destroy();
    });
    // Node answers `100 Continue` by itself unless someone listens for checkContinue; with auth on,
    // a request the gate refuses must get its 401 before the client sends the body. A host that
    // handles checkContinue itself keeps doing so.
    if (gate && server.listenerCount('checkContinue') === 0) {
      server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
        if (!refusedByGate(req)) res.writeContinue();
        server.emit('request', req, res);
      });
    }
    const onListening = () => {
      host.learned = hostnameFromAddress(server.address()) ?? host.learned;
      void start();
    };
    if (server.listening) onListening();
    else server.once('listening', onListening);
    server.once('close', () => void router.close());
    return router;
  };

  router.ready = async () => {
    if (closing) throw routerClosed();
    try {
      await start();
      await Promise.all([...proxies.keys()].map((name) => supervisor.waitReady(name, readyTimeout)));
    } catch (error) {
      // close() stopped the micros this call was waiting for: that is the reason, not the micro.
      if (closing) throw routerClosed();
      throw error;
    }
  };

  router.close = () => {
    closing ??= (async () => {
      schedule?.stop();
      try {
        await supervisor.stop();
      } finally {
        for (const proxy of proxies.values()) proxy.close();
      }
    })();
    return closing;
  };

  Object.defineProperty(router, 'micros', {
    enumerable: true,
    get: () => supervisor.list().map(snapshot),
  });

  router.onState = (listener) => supervisor.onState((status) => listener(snapshot(status)));

  router.route = (url) => {
    const result = route(url);
    return result.micro === null ? { micro: null } : { micro: result.micro.name, path: result.path };
  };

  router.trigger = async (actionId, input) => {
    const { micro } = findAction(spacefile, actionId);
    if (servedFromFiles(micro)) {
      throw new Error(`Action "${actionId}" belongs to the static micro "${micro.name}", which has no process to receive it.`);
    }
    if (micro.name === options.self) {
      const address = host.learned ?? host.fallback;
      if (!address) throw new Error(`Action "${actionId}" belongs to "${micro.name}", served by the host, whose address is not known yet: attach(server) first.`);
      return triggerAction({ origin: `http://${address}` }, actionId, input, proxyTimeout);
    }
    if (!proxies.has(micro.name)) {
      throw new Error(`Action "${actionId}" belongs to "${micro.name}", which this router does not run (options.only).`);
    }
    await start();
    const status = await supervisor.waitReady(micro.name, readyTimeout);
    const origin = `http://${formatHostPort(status.address ?? '127.0.0.1', status.port!)}`;
    return triggerAction({ origin }, actionId, input, proxyTimeout);
  };

  return router;
}

/** `ready()` on a closed router: its micros are gone for good, so no micro is to blame. */
function routerClosed(): Error {
  const error: NodeJS.ErrnoException = new Error('space-router: the router is closed; create a new one to start the micros again.');
  error.code = 'ERR_ROUTER_CLOSED';
  return error;
}

/** The public view of a supervisor status: the probe address stays internal. */
function snapshot({ name, path, port, pid, state, command, error }: MicroStatus): MicroSnapshot {
  return { name, path, port, pid, state, command, error };
}
