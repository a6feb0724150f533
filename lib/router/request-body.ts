import type { IncomingMessage } from 'node:http';

/**
 * What to send upstream as the request body:
 * - `stream`: the body is still unread; pipe it through untouched.
 * - `replay`: a body parser mounted before the router already read it (`express.json()`,
 *   `urlencoded`, `text`, `raw`); send these bytes re-encoded from `req.body`.
 * - `lost`: it was read and cannot be rebuilt (multipart, or a parser that kept nothing).
 */
export type RequestBody =
  | { kind: 'stream' }
  | { kind: 'replay'; body: Buffer }
  | { kind: 'lost'; contentType: string };

export function inspectRequestBody(req: IncomingMessage): RequestBody {
  if (!req.readableEnded || !hasBody(req)) return { kind: 'stream' };
  const contentType = String(req.headers['content-type'] ?? '');
  const parsed = (req as { body?: unknown }).body;
  const body = rebuild(parsed, contentType.toLowerCase());
  return body ? { kind: 'replay', body } : { kind: 'lost', contentType };
}

/** Make the headers describe the rebuilt body (parsers also undo Content-Encoding). */
export function describeReplayedBody(req: IncomingMessage, body: Buffer): void {
  req.headers['content-length'] = String(body.length);
  delete req.headers['transfer-encoding'];
  delete req.headers['content-encoding'];
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function rebuild(parsed: unknown, contentType: string): Buffer | undefined {
  if (Buffer.isBuffer(parsed)) return parsed;
  if (typeof parsed === 'string') return Buffer.from(parsed, 'utf8');
  if (parsed === undefined || parsed === null || typeof parsed !== 'object') return undefined;
  if (contentType.includes('application/json') || contentType.includes('+json')) {
    return Buffer.from(JSON.stringify(parsed), 'utf8');
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Buffer.from(encodeForm(parsed).join('&'), 'utf8');
  }
  return undefined;
}

/**
 * Form encoding that both `querystring` (urlencoded `extended: false`) and `qs` (`extended: true`)
 * parse back to the same value: repeated keys for lists of scalars, brackets for nesting.
 */
export function encodeForm(value: unknown, key = ''): string[] {
  if (value === null || value === undefined) return key ? [`${encodeURIComponent(key)}=`] : [];
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      item !== null && typeof item === 'object' ? encodeForm(item, `${key}[${index}]`) : encodeForm(item, key),
    );
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([name, item]) => encodeForm(item, key ? `${key}[${name}]` : name));
  }
  return [`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`];
}
