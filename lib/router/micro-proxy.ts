import { ServerResponse, type Agent, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyMiddleware, type Plugin } from 'http-proxy-middleware';
import { MicroAgent } from './micro-agent.js';
import type { RouteMatch } from './route-table.js';
import { forwardedHeaders } from './forwarded-headers.js';
import { formatHostPort, requestOrigin } from './host-address.js';
import { rewriteLocation } from './location.js';
import { describeReplayedBody, type RequestBody } from './request-body.js';
import { relayUpgrade } from './upgrade-relay.js';
import { armResponseTimeout, describeError, isResponseTimeout } from './response-timeout.js';
import { sendProblem, writeUpgradeProblem, type RouterProblem } from './error-response.js';
import type { AttemptFailure } from './resend-policy.js';

/** Where a micro listens right now: the literal address that answered the readiness probe. */
export interface MicroTarget {
  address: string;
  port: number;
}

export interface MicroProxyOptions {
  /** Read per request: a restarted micro may come back on another port. */
  target(): MicroTarget | undefined;
  /** Milliseconds to wait for response headers once the request body is sent. */
  proxyTimeout: number;
  /** Build the answer for a failed proxy attempt; `detail` names the error. */
  problem(kind: 'connection_failed' | 'proxy_timeout', detail: string): RouterProblem;
  /**
   * An attempt failed before any answer and the request can be sent again (no body, or a rebuilt
   * one): return true to take it over (typically: wait for the micro, then `web()` again). Idle
   * pooled connections are dropped first after a `stale` one, so another attempt opens a new one.
   */
  retry?(req: IncomingMessage, res: ServerResponse, failure: AttemptFailure): boolean;
  /** The micro sent the response head for `req`. */
  answered?(req: IncomingMessage): void;
}

export interface MicroProxy {
  web(req: IncomingMessage, res: ServerResponse, match: RouteMatch, body: RequestBody): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, match: RouteMatch): void;
  /** Drop the idle keep-alive connections to the micro. */
  close(): void;
}

/** What the proxy hooks need to know about one request in flight. */
interface Exchange {
  /** Path and query exactly as the micro must receive them. */
  path: string;
  prefix: string;
  origin: string;
  target: MicroTarget;
  replay?: Buffer;
  /** The upstream request went out on a pooled connection. */
  reused?: boolean;
  /** This attempt's request to the micro. */
  upstream?: ClientRequest;
  /** The micro sent this attempt's response head: whatever fails after it, that answer stands. */
  answered?: boolean;
}

const RELAY_WINDOW = 1024 * 1024;
/**
 * Response headers a micro may send. Node's client stops at 16 KiB; browsers accept far more
 * (Chrome up to 256 KiB), and a page that works direct must work through the router.
 */
const MAX_RESPONSE_HEADER_BYTES = 256 * 1024;

/**
 * RFC 9110 section 7.6.1: these describe one connection, not the message. Forwarding them would let a
 * client's `Connection: close` defeat the keep-alive pool, or a micro's close the client connection.
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection'];

/**
 * One http-proxy-middleware instance per micro, over a keep-alive agent (the default agent-less
 * http-proxy sends `Connection: close` both ways and loses two thirds of the throughput) whose
 * connections keep reading after a failed write (see MicroAgent).
 * Upgrades do not go through it: http-proxy only relays websocket GETs (it closes the socket on any
 * other upgrade), so relayUpgrade forwards them all, once the dispatcher decided they are the micro's.
 */
export function createMicroProxy(options: MicroProxyOptions): MicroProxy {
  const agent = new MicroAgent();
  const exchanges = new WeakMap<IncomingMessage, Exchange>();

  const plugin: Plugin = (proxyServer) => {
    proxyServer.on('proxyReq', (proxyReq, req) => {
      const exchange = exchanges.get(req);
      if (!exchange) return;
      exchange.reused = proxyReq.reusedSocket;
      exchange.upstream = proxyReq;
      exchange.answered = false;
      if (!proxyReq.headersSent) {
        // http-proxy joins target and path with a `/+` -> `/` collapse; the micro must get the raw bytes.
        proxyReq.path = exchange.path;
        dropHopByHop(proxyReq, req);
      }
      // The parsed body's stream already ended, so http-proxy's pipe only ends the request: write first.
      if (exchange.replay && !proxyReq.writableEnded) proxyReq.write(exchange.replay);
      armResponseTimeout(proxyReq, options.proxyTimeout);
    });

    proxyServer.on('proxyRes', (proxyRes, req, res) => {
      options.answered?.(req);
      const exchange = exchanges.get(req);
      if (exchange) exchange.answered = true;
      const upstream = exchange?.upstream;
      // Node's client stops reporting 'drain' to a request whose response is complete, so a body
      // still being piped to it would stall for good; Node would also pool the connection once the
      // body is through. The micro has said all it will about this body.
      if (upstream) {
        proxyRes.on('end', () => {
          if (!upstream.writableFinished) discardRestOfBody(req, upstream);
        });
      }
      const location = proxyRes.headers.location;
      if (exchange && location) {
        const rewritten = rewriteLocation(location, exchange.target, exchange.origin, exchange.prefix);
        if (rewritten) proxyRes.headers.location = rewritten;
      }
      for (const name of HOP_BY_HOP) delete proxyRes.headers[name];
      if (req.httpVersion === '1.0') delete proxyRes.headers['transfer-encoding'];
      // The micro died or reset mid-body: break the client's connection so it sees a failed
      // transfer instead of a cleanly ended, truncated one.
      proxyRes.on('close', () => {
        if (!proxyRes.complete) res.destroy();
      });
      // The client left (closed tab, aborted SSE): stop reading from the micro.
      res.on('close', () => {
        if (!res.writableEnded) proxyRes.destroy();
      });
      if (res.headersSent) return;
      res.statusCode = proxyRes.statusCode ?? 502;
      if (proxyRes.statusMessage) res.statusMessage = proxyRes.statusMessage;
      for (const [name, value] of Object.entries(proxyRes.headers)) {
        if (value !== undefined) res.setHeader(name, value);
      }
      relayBody(proxyRes, res);
    });

    proxyServer.on('error', (error: NodeJS.ErrnoException, req, res) => {
      const timedOut = isResponseTimeout(error);
      const detail = timedOut ? String(options.proxyTimeout) : describeError(error);
      const kind = timedOut ? 'proxy_timeout' : 'connection_failed';
      // Only web requests come here: upgrades go through relayUpgrade, not http-proxy.
      if (!(res instanceof ServerResponse) || req.socket.destroyed) return;
      const exchange = exchanges.get(req);
      if (exchange?.answered) {
        // Typically a micro that answered an upload early and closed the connection over the unread
        // rest: the client gets that answer as sent, or a broken transfer if it was cut short
        // (proxyRes 'close' above), never a 502 in place of it.
        if (exchange.upstream) discardRestOfBody(req, exchange.upstream);
        return;
      }
      const failure = res.headersSent ? undefined : attemptFailure(error, exchange, req);
      // One dead pooled connection means the micro closed them all (it restarted, or timed them
      // out together): neither a second attempt nor the next request may pick another of them.
      if (failure === 'stale') dropIdleConnections(agent);
      if (failure && canResend(req, exchange) && options.retry?.(req, res, failure)) return;
      sendProblem(req, res, options.problem(kind, detail));
    });
  };

  const middleware = createProxyMiddleware({
    router: (req) => {
      const target = exchanges.get(req)?.target;
      return target ? `http://${formatHostPort(target.address, target.port)}` : undefined;
    },
    pathFilter: () => true,
    agent,
    // http-proxy builds each upstream request on a copy of `ssl`, the one way to pass an http.request
    // option it does not know; without it a micro's response headers over 16 KiB end in a 502.
    ssl: { maxHeaderSize: MAX_RESPONSE_HEADER_BYTES },
    selfHandleResponse: true,
    ejectPlugins: true,
    plugins: [plugin],
  });

  function prepare(req: IncomingMessage, match: RouteMatch): MicroTarget | undefined {
    const target = options.target();
    if (!target) return undefined;
    const retried = exchanges.get(req);
    if (retried) {
      // A second attempt: headers and url were already adjusted; only the address may have moved.
      retried.target = target;
      return target;
    }
    exchanges.set(req, { path: match.path, prefix: match.prefix, origin: requestOrigin(req), target });
    req.url = match.path;
    Object.assign(req.headers, forwardedHeaders(req, match.prefix));
    return target;
  }

  return {
    web(req, res, match, body) {
      if (!prepare(req, match)) {
        sendProblem(req, res, options.problem('connection_failed', 'the micro has no address yet'));
        return;
      }
      // Node already answered `100 Continue` to the client (no checkContinue listener), so the body is
      // on its way; forwarding the expectation would only make http-proxy skip its request hooks.
      delete req.headers.expect;
      if (body.kind === 'replay') {
        exchanges.get(req)!.replay = body.body;
        describeReplayedBody(req, body);
      }
      void middleware(req, res, (error: unknown) => {
        sendProblem(req, res, options.problem('connection_failed', describeError(error)));
      });
    },
    // Upgrades leave `req` as it came: other upgrade listeners on the same server run after the
    // router's and must still see the client's url and headers.
    upgrade(req, socket, head, match) {
      const target = options.target();
      if (!target) {
        writeUpgradeProblem(socket, options.problem('connection_failed', 'the micro has no address yet'));
        return;
      }
      relayUpgrade(req, socket, head, {
        ...target,
        path: match.path,
        headers: forwardedHeaders(req, match.prefix),
        maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
        timeout: options.proxyTimeout,
        failed: (kind, detail) => writeUpgradeProblem(socket, options.problem(kind, detail)),
        rewriteLocation: (location) => rewriteLocation(location, target, requestOrigin(req), match.prefix),
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/**
 * Copy the body, letting up to RELAY_WINDOW bytes queue towards the client. A plain pipe stops
 * reading from the micro whenever the client socket holds more than its 16 KiB high-water mark,
 * which is after every 64 KiB read, so the two connections take turns instead of overlapping.
 *
 * The client socket is also corked until the event loop's check phase: otherwise each 64 KiB read
 * from the micro goes out in a writev of its own (Node uncorks a response after every callback).
 * Fewer, larger writes took about 8% less router CPU per MiB relayed. The delay stays within one
 * loop turn, so SSE events still go out at once.
 */
function relayBody(proxyRes: IncomingMessage, res: ServerResponse): void {
  const socket = res.socket;
  let corked = false;
  const flush = () => {
    corked = false;
    socket?.uncork();
  };
  const resume = () => proxyRes.resume();
  proxyRes.on('data', (chunk: Buffer) => {
    if (socket && !corked) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    res.write(chunk);
    if (res.writableLength > RELAY_WINDOW) {
      proxyRes.pause();
      res.once('drain', resume);
    }
  });
  proxyRes.on('end', () => {
    // Sent after the last chunk; Node only writes them on a chunked response, as the micro's was.
    if (proxyRes.rawTrailers.length > 0) res.addTrailers(pairs(proxyRes.rawTrailers));
    res.end();
  });
}

function pairs(raw: string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) result.push([raw[i]!, raw[i + 1]!]);
  return result;
}

/**
 * The micro answered before it had the whole body: stop sending it, drop the connection (it is
 * mid-body, so it can never carry another request) and read the rest of the client's body into
 * the void, so that the client's connection serves its next request. Node's own server does the
 * same when a handler answers without reading the body (resOnFinish dumps the request and keeps
 * the connection, closing it only if the answer said `Connection: close`). A micro's
 * `Connection: close` is about its own connection, dropped here anyway, so it does not reach the
 * client (HOP_BY_HOP) and the client's connection stays open as with any Node server.
 */
function discardRestOfBody(req: IncomingMessage, upstream: ClientRequest): void {
  req.unpipe(upstream);
  upstream.destroy();
  req.resume();
}

function dropIdleConnections(agent: Agent): void {
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) socket.destroy();
  }
}

function attemptFailure(error: NodeJS.ErrnoException, exchange: Exchange | undefined, req: IncomingMessage): AttemptFailure | undefined {
  if (error.code === 'ECONNREFUSED') return 'refused';
  if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') return undefined;
  if (exchange?.reused) return 'stale';
  // A process that dies with bytes unread in a connection makes its kernel reset it (`read
  // ECONNRESET`); one that read the request first ends it with a plain close ("socket hang up").
  // A request without a body that was reset was therefore never read: it queued behind a crash.
  return error.syscall === 'read' && !exchange?.replay && withoutBody(req) ? 'unread' : 'reset';
}

/** Only a request whose body we still hold (none, or rebuilt) can be sent twice. */
function canResend(req: IncomingMessage, exchange: Exchange | undefined): boolean {
  return exchange?.replay !== undefined || withoutBody(req);
}

function withoutBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/** Strip hop-by-hop headers (and those the client listed in Connection) from a plain request. */
function dropHopByHop(proxyReq: ClientRequest, req: IncomingMessage): void {
  const listed = String(req.headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of [...HOP_BY_HOP, 'upgrade', ...listed]) proxyReq.removeHeader(name);
}
