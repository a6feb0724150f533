/** Reserved for the runtime (spec section 5); no micro may be mounted there. */
export const RESERVED_PATH = '/__space';

/** `api` -> `/api`, `/api/` -> `/api`, `` -> `/`: a leading `/` added and one trailing `/` removed. */
export function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

/** What a path segment may hold as sent on the wire (RFC 3986 pchar): anything else a client rewrites. */
const WIRE_CHARACTER = /[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2}/y;

/**
 * Why no request could ever reach a micro mounted at the normalised `path`, as a hint saying what to
 * write instead; undefined when the path is usable. Routing compares the raw request path, so the
 * mount path must be spelled the way clients send it: browsers resolve `.`/`..` segments, turn `\`
 * into `/` and percent-encode everything outside the URL character set before a request leaves.
 */
export function unusablePathHint(path: string): string | undefined {
  if (path.includes('//') || path.endsWith('/') || /[?#\s]/.test(path)) {
    return 'write segments separated by single "/" with no "?", "#" or spaces, e.g. "api/v2"';
  }
  const segments = path.slice(1).split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return `clients resolve "." and ".." segments before sending a request, so none would reach this micro; write ${suggest(resolveDots(segments))}`;
  }
  if (path.includes('\\')) {
    return `browsers turn "\\" into "/" before sending a request; write ${suggest(path.slice(1).split('\\'))}`;
  }
  let encoded = '';
  let changed = false;
  for (let i = 1; i < path.length; ) {
    WIRE_CHARACTER.lastIndex = i;
    const token = path[i] === '/' ? '/' : WIRE_CHARACTER.exec(path)?.[0];
    if (token) {
      encoded += token;
      i += token.length;
      continue;
    }
    const char = String.fromCodePoint(path.codePointAt(i) ?? 0);
    encoded += char === '%' ? '%25' : encodeURIComponent(char);
    i += char.length;
    changed = true;
  }
  if (changed) {
    return `clients send ${JSON.stringify(path)} percent-encoded and routing compares the path as sent; write ${suggest([encoded])}`;
  }
  return undefined;
}

function resolveDots(segments: string[]): string[] {
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === '..') kept.pop();
    else if (segment !== '.') kept.push(segment);
  }
  return kept;
}

function suggest(segments: string[]): string {
  const path = segments.filter((s) => s !== '').join('/');
  return path ? JSON.stringify(path) : 'a path of its own such as "api"';
}
