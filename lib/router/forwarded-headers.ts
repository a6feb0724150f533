import type { IncomingMessage } from 'node:http';

/**
 * Add the X-Forwarded-* headers Space's proxy added, on `req.headers` itself so they reach the micro
 * for plain requests and websocket upgrades alike. `Host` is left as the client sent it.
 * `prefix` is the stripped mount path; the primary strips nothing and gets no X-Forwarded-Prefix.
 */
export function addForwardedHeaders(req: IncomingMessage, prefix: string): void {
  const headers = req.headers;
  const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (client) headers['x-forwarded-for'] = appendValue(headers['x-forwarded-for'], client);
  // A proxy in front of the host already said what the client used; keep its word.
  if (headers['x-forwarded-host'] === undefined && headers.host !== undefined) {
    headers['x-forwarded-host'] = headers.host;
  }
  if (headers['x-forwarded-proto'] === undefined) {
    const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
    headers['x-forwarded-proto'] = encrypted ? 'https' : 'http';
  }
  if (prefix !== '/') headers['x-forwarded-prefix'] = prefix;
}

function appendValue(existing: string | string[] | undefined, value: string): string {
  const previous = Array.isArray(existing) ? existing.join(', ') : existing;
  return previous ? `${previous}, ${value}` : value;
}
