import type { Micro } from '../spacefile/types.js';

/** Where one request target goes: the owning micro and the path+query it receives. */
export interface RouteMatch {
  micro: Micro;
  /** The micro's mount path that was stripped (`/` for the primary: nothing stripped). */
  prefix: string;
  /** Path and query exactly as the micro receives them. */
  path: string;
}

/** `/__space/...` belongs to the runtime, never to a micro. */
export interface RuntimeMatch {
  micro: null;
  reserved: true;
  /** Path and query below `/__space`, e.g. `/v0/actions`. */
  path: string;
}

export type RouteResult = RouteMatch | RuntimeMatch;

export type RouteTable = (target: string) => RouteResult;

export const RESERVED_PREFIX = '/__space';

/**
 * Compile the Spacefile's micros into a route lookup. Pure: no I/O, same answer for the same input.
 *
 * Matching follows production Space: whole path segments, case-sensitive, on the raw
 * (still percent-encoded) path, longest mount path first regardless of Spacefile order, and the
 * whole mount path stripped with every other byte of path and query kept as sent.
 */
export function createRouteTable(micros: readonly Micro[]): RouteTable {
  const primary = micros.find((micro) => micro.primary);
  if (!primary) throw new TypeError('createRouteTable: no primary micro in the Spacefile model');
  const mounted = micros
    .filter((micro) => !micro.primary)
    .sort((a, b) => b.path.length - a.path.length);

  return function route(target: string): RouteResult {
    const originForm = toOriginForm(target);
    const reservedRest = stripPrefix(originForm, RESERVED_PREFIX);
    if (reservedRest !== undefined) return { micro: null, reserved: true, path: reservedRest };
    for (const micro of mounted) {
      const rest = stripPrefix(originForm, micro.path);
      if (rest !== undefined) return { micro, prefix: micro.path, path: rest };
    }
    return { micro: primary, prefix: '/', path: originForm };
  };
}

/**
 * If `target` is `prefix` or lies below it on a segment boundary, return what the owner receives
 * (always starting with `/`); otherwise undefined. `/api` owns `/api`, `/api/`, `/api/x`, `/api?q`,
 * never `/apix` or `/api.ts`.
 */
export function stripPrefix(target: string, prefix: string): string | undefined {
  if (!target.startsWith(prefix)) return undefined;
  const rest = target.slice(prefix.length);
  if (rest === '') return '/';
  if (rest[0] === '/') return rest;
  if (rest[0] === '?' || rest[0] === '#') return '/' + rest;
  return undefined;
}

/**
 * Proxies and some clients send absolute-form targets (`GET http://host/api/x HTTP/1.1`,
 * RFC 9112 section 3.2.2); route them exactly like the origin-form path they carry.
 */
export function toOriginForm(target: string): string {
  if (target.startsWith('/')) return target;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(target);
  if (!scheme) return target;
  const afterAuthority = target.slice(scheme[0].length);
  const pathStart = afterAuthority.search(/[/?#]/);
  if (pathStart === -1) return '/';
  const rest = afterAuthority.slice(pathStart);
  return rest.startsWith('/') ? rest : '/' + rest;
}
