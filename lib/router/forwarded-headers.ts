import type { IncomingMessage } from 'node:http';

/**
 * The X-Forwarded-* headers Space's proxy added for a request routed to a micro mounted at
 * `prefix`. `Host` is left as the client sent it. The primary strips nothing and gets no
 * X-Forwarded-Prefix.
 */
export function forwardedHeaders(req: IncomingMessage, prefix: string): Record<string, string> {
  const headers = req.headers;
  const added: Record<string, string> = {};
  const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (client) added['x-forwarded-for'] = appendValue(headers['x-forwarded-for'], client);
  // A proxy in front of the host already said what the client used; keep its word.
  if (headers['x-forwarded-host'] === undefined && headers.host !== undefined) added['x-forwarded-host'] = headers.host;
  if (headers['x-forwarded-proto'] === undefined) {
    const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
    added['x-forwarded-proto'] = encrypted ? 'https' : 'http';
  }
  if (prefix !== '/') added['x-forwarded-prefix'] = prefix;
  return added;
}

function appendValue(existing: string | string[] | undefined, value: string): string {
  const previous = Array.isArray(existing) ? existing.join(', ') : existing;
  return previous ? `${previous}, ${value}` : value;
}
