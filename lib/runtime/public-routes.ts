import type { Micro } from '../spacefile/types.js';

/**
 * Whether `path` (path and query exactly as the micro receives them, i.e. the router's
 * `RouteMatch.path`) is public for `micro`: `public: true`, or a `public_routes` pattern matching
 * the whole path without its query, `*` standing for any run of characters (`/` included).
 */
export function isPublicRoute(micro: Micro, path: string): boolean {
  if (micro.public) return true;
  if (micro.publicRoutes.length === 0) return false;
  const pathname = stripQuery(path);
  // A path whose meaning depends on how the micro's server normalises it (`/public/../admin`,
  // `/public/%2e%2e/admin`, `/public%2F..%2Fadmin`) could match a public pattern here and still
  // be served as a private resource; such paths are never public, so they need credentials.
  if (isAmbiguous(pathname)) return false;
  return compiledPatterns(micro).some((pattern) => pattern.test(pathname));
}

/** A request target has no fragment, so a `#` stays in the path, where it is judged ambiguous. */
function stripQuery(path: string): string {
  const end = path.indexOf('?');
  return end === -1 ? path : path.slice(0, end);
}

/**
 * Besides dot segments and (encoded) slashes and backslashes: a raw `#` or `;` (fragments are not
 * part of a request target, and Java servers drop `;` path parameters, reading `..;` as `..`), and
 * an encoded `?`, `#` or NUL (handlers that decode before splitting off the query, C-backed file
 * APIs stopping at NUL) let `/secret;.png` or `/secret%3F.png` match `*.png` yet reach `/secret`.
 */
function isAmbiguous(pathname: string): boolean {
  if (/[\\#;]/.test(pathname)) return true;
  if (/%(2f|5c|3f|23|00)/i.test(pathname)) return true;
  return pathname
    .split('/')
    .some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}

const cache = new WeakMap<Micro, RegExp[]>();

function compiledPatterns(micro: Micro): RegExp[] {
  let patterns = cache.get(micro);
  if (!patterns) {
    patterns = micro.publicRoutes.map(compilePattern);
    cache.set(micro, patterns);
  }
  return patterns;
}

/** `/public/*` -> /^\/public\/.*$/ ; every other character is literal. */
function compilePattern(pattern: string): RegExp {
  const rooted = pattern.startsWith('/') || pattern.startsWith('*') ? pattern : '/' + pattern;
  const source = rooted
    .split('*')
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}
