import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { writeUpgradeProblem } from './error-response.js';
import { armResponseTimeout, describeError, isResponseTimeout } from './response-timeout.js';

export interface UpgradeTarget {
  /** Literal address and port the micro listens on. */
  address: string;
  port: number;
  /** Path and query exactly as the micro must receive them. */
  path: string;
  /** Headers set on the way (X-Forwarded-*), replacing any the client sent under those names. */
  headers: Record<string, string>;
  maxHeaderSize: number;
  /** Milliseconds to wait for the micro's answer once the request is sent. */
  timeout: number;
  /** Answer on the client socket, while nothing has been written to it yet. */
  failed(kind: 'connection_failed' | 'proxy_timeout', detail: string): void;
  /** The Location to send instead of the micro's, if it points at the micro's internal address. */
  rewriteLocation(location: string): string | undefined;
}

/** After answering a declined upgrade, how long the client may take to close its side. */
const LINGER_MS = 5_000;

/**
 * Forward any HTTP/1.1 upgrade request (websocket, h2c, a POST that asks for one) to the micro and
 * give the client whatever the micro answers. A 101 turns the connection into a two-way tunnel. Any
 * other answer is an ordinary response: it is relayed with `Connection: close` and the connection
 * ends there, because a request the client might send next on it must go through the route table
 * again, not straight to this micro.
 *
 * Node hands an upgrade's body over unparsed, in `head` and on the socket: a Content-Length body is
 * counted out and sent; a chunked one cannot be delimited here and gets a 501.
 */
export function relayUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: UpgradeTarget): void {
  if (req.headers['transfer-encoding'] !== undefined) {
    writeUpgradeProblem(socket, {
      status: 501,
      code: 'upgrade_body_unsupported',
      title: 'An upgrade request with a chunked body',
      message:
        `${req.method} ${req.url} asks for an upgrade and sends a chunked body, which space-router cannot forward. ` +
        'Send the body with Content-Length, or without an Upgrade header.',
    });
    return;
  }

  let answered = false;
  const proxyReq = request({
    host: target.address,
    port: target.port,
    method: req.method,
    path: target.path,
    headers: outgoingHeaders(req.rawHeaders, target.headers),
    setHost: false,
    agent: false,
    maxHeaderSize: target.maxHeaderSize,
  });

  armResponseTimeout(proxyReq, target.timeout);

  // Bytes the client sent after the request: the new protocol's first bytes, once the micro switches.
  let after = Buffer.alloc(0);
  let bodyLeft = Number(req.headers['content-length'] ?? 0) || 0;
  const takeBody = (chunk: Buffer) => {
    const part = chunk.subarray(0, bodyLeft);
    bodyLeft -= part.length;
    if (part.length > 0) proxyReq.write(part);
    if (part.length < chunk.length) after = Buffer.concat([after, chunk.subarray(part.length)]);
    if (bodyLeft === 0) {
      socket.off('data', takeBody);
      socket.pause();
      proxyReq.end();
    }
  };
  takeBody(head);
  if (bodyLeft > 0) socket.on('data', takeBody);

  proxyReq.on('upgrade', (proxyRes: IncomingMessage, proxySocket: Socket, proxyHead: Buffer) => {
    answered = true;
    socket.write(responseHead(proxyRes, []));
    if (proxyHead.length > 0) socket.write(proxyHead);
    if (after.length > 0) proxySocket.write(after);
    tune(proxySocket);
    tune(socket);
    proxySocket.on('error', () => socket.destroy());
    socket.on('error', () => proxySocket.destroy());
    // end(), not destroy(): what the micro sent last (a close frame) may still wait to be written.
    proxySocket.on('close', () => socket.end());
    socket.on('close', () => proxySocket.destroy());
    proxySocket.pipe(socket).pipe(proxySocket);
  });

  proxyReq.on('response', (proxyRes: IncomingMessage) => {
    answered = true;
    const location = proxyRes.headers.location;
    const rewritten = location === undefined ? undefined : target.rewriteLocation(location);
    socket.write(responseHead(proxyRes, rewritten === undefined ? [] : [['location', rewritten]]));
    proxyRes.pipe(socket, { end: false });
    proxyRes.on('end', () => {
      socket.end();
      // Read and drop whatever else the client sends until it closes: closing with unread input
      // would reset the connection and could destroy the response before the client reads it.
      socket.off('data', takeBody);
      socket.on('data', () => {});
      socket.resume();
      (socket as Socket).setTimeout?.(LINGER_MS, () => socket.destroy());
    });
    // The micro died mid-answer: break the client's connection rather than end it cleanly.
    proxyRes.on('close', () => {
      if (!proxyRes.complete) socket.destroy();
    });
  });

  proxyReq.on('error', (error: NodeJS.ErrnoException) => {
    if (answered || socket.destroyed) {
      socket.destroy();
      return;
    }
    answered = true;
    if (isResponseTimeout(error)) target.failed('proxy_timeout', String(target.timeout));
    else target.failed('connection_failed', describeError(error));
  });

  // Once switched, the tunnel's own handlers close the micro's side; before that, stop the request.
  socket.on('close', () => proxyReq.destroy());
}

/** The client's headers as sent (case, order, repeats), with `replace` set instead of theirs. */
function outgoingHeaders(rawHeaders: string[], replace: Record<string, string>): string[] {
  const replaced = new Set(Object.keys(replace).map((name) => name.toLowerCase()));
  const headers: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!replaced.has(rawHeaders[i]!.toLowerCase())) headers.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  for (const [name, value] of Object.entries(replace)) headers.push(name, value);
  return headers;
}

/** Connection-level headers of the micro's answer that this connection does not share. */
const FRAMING = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * The micro's status line and headers as it sent them. A 101 goes out verbatim; any other answer
 * loses its framing headers (the body was de-chunked, and ends with the connection unless it has a
 * Content-Length) and says `Connection: close`.
 */
function responseHead(proxyRes: IncomingMessage, overrides: Array<[string, string]>): string {
  const switching = proxyRes.statusCode === 101;
  const lines = [`HTTP/1.1 ${proxyRes.statusCode} ${proxyRes.statusMessage ?? ''}`];
  const overridden = new Set(overrides.map(([name]) => name));
  const raw = proxyRes.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (overridden.has(name) || (!switching && FRAMING.has(name))) continue;
    lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  for (const [name, value] of overrides) lines.push(`${name}: ${value}`);
  if (!switching) lines.push('Connection: close');
  return lines.join('\r\n') + '\r\n\r\n';
}

/** As for any tunnel: no Nagle delay, no idle timeout, keep-alive probes on. */
function tune(socket: Duplex): void {
  const net = socket as Partial<Socket>;
  net.setNoDelay?.(true);
  net.setTimeout?.(0);
  net.setKeepAlive?.(true, 0);
}
