/** Reserved for the runtime (spec section 5); no micro may be mounted there. */
export const RESERVED_PATH = '/__space';

/** `api` -> `/api`, `/api/` -> `/api`, `` -> `/`: a leading `/` added and one trailing `/` removed. */
export function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}
