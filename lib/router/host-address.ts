import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** `host:port` for a literal IP, with brackets for IPv6 (`[::1]:3000`). */
export function formatHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * The `host:port` a micro should use to reach the host server. A wildcard bind becomes `localhost`
 * (reachable over both families from Node and Python clients) except for `0.0.0.0`, which only
 * accepts IPv4 while `localhost` may resolve to `::1` first.
 */
export function hostnameFromAddress(address: AddressInfo | string | null): string | undefined {
  if (!address || typeof address === 'string') return undefined;
  if (address.address === '0.0.0.0') return `127.0.0.1:${address.port}`;
  if (address.address === '::') return `localhost:${address.port}`;
  return formatHostPort(address.address, address.port);
}

/** The same, from the socket a request arrived on (the address the host really listens on). */
export function hostnameFromRequest(req: IncomingMessage): string | undefined {
  const { localAddress, localPort } = req.socket;
  if (!localAddress || !localPort) return undefined;
  return formatHostPort(localAddress.replace(/^::ffff:/, ''), localPort);
}

/** Origin the client used, for rewriting redirects: scheme from the connection, authority from Host. */
export function requestOrigin(req: IncomingMessage): string {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const host = req.headers.host ?? hostnameFromRequest(req) ?? 'localhost';
  return `${encrypted ? 'https' : 'http'}://${host}`;
}
