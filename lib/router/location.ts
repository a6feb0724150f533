import { toOriginForm } from './route-table.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A micro only knows its own address, so frameworks that build absolute redirects from the socket
 * (rather than from Host) send the browser to `http://127.0.0.1:<micro port>/x`, which bypasses the
 * router. Point such a `Location` at the router's origin plus the micro's mount path instead.
 * Returns undefined when the location is not the micro's internal address.
 */
export function rewriteLocation(
  location: string,
  micro: { port: number },
  routerOrigin: string,
  prefix: string,
): string | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (Number(url.port || 80) !== micro.port) return undefined;
  // Keep the micro's own bytes of path, query and fragment; URL would re-encode them.
  const rest = toOriginForm(location);
  return routerOrigin + (prefix === '/' ? '' : prefix) + rest;
}
