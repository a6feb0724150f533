import type { IncomingMessage } from 'node:http';
import { bufferEncoding, encodeText, isJson, isText, parseContentType, withCharset, type ContentType, type EncodedBody } from './body-charset.js';
import { encodeForm, escapeLatin1 } from './form-encoding.js';

/**
 * What to send upstream as the request body:
 * - `stream`: the body is still unread; pipe it through untouched.
 * - `replay`: a body parser mounted before the router already read it (`express.json()`,
 *   `urlencoded`, `text`, `raw`); send these bytes rebuilt from `req.body`. `contentType` is set
 *   when they are in another charset than the one declared; `imprecise` lists JSON integers beyond
 *   2^53, which the parser already rounded (the original digits are gone).
 * - `lost`: it was read and cannot be rebuilt (multipart, binary or invalid text decoded to a
 *   string, or a parser that kept nothing).
 */
export type RequestBody =
  | { kind: 'stream' }
  | { kind: 'replay'; body: Buffer; contentType?: string; imprecise?: number[] }
  | { kind: 'lost'; contentType: string };

export function inspectRequestBody(req: IncomingMessage): RequestBody {
  if (!req.readableEnded || !hasBody(req)) return { kind: 'stream' };
  const type = parseContentType(String(req.headers['content-type'] ?? ''));
  const parsed = (req as { body?: unknown }).body;
  const rebuilt = rebuild(parsed, type, wireLength(req));
  if (!rebuilt) return { kind: 'lost', contentType: type.essence };
  const imprecise = isJson(type) ? impreciseIntegers(parsed) : [];
  return { kind: 'replay', ...rebuilt, ...(imprecise.length > 0 ? { imprecise } : {}) };
}

/** Make the headers describe the rebuilt body (parsers also undo Content-Encoding). */
export function describeReplayedBody(req: IncomingMessage, body: Extract<RequestBody, { kind: 'replay' }>): void {
  req.headers['content-length'] = String(body.body.length);
  if (body.contentType) req.headers['content-type'] = body.contentType;
  delete req.headers['transfer-encoding'];
  delete req.headers['content-encoding'];
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The body's size as sent, when that is also the size of the decoded bytes (no Content-Encoding). */
function wireLength(req: IncomingMessage): number | undefined {
  const coding = req.headers['content-encoding'];
  if (coding !== undefined && coding.toLowerCase() !== 'identity') return undefined;
  const length = Number(req.headers['content-length'] ?? NaN);
  return Number.isSafeInteger(length) ? length : undefined;
}

function rebuild(parsed: unknown, type: ContentType, length: number | undefined): EncodedBody | undefined {
  if (Buffer.isBuffer(parsed)) return { body: parsed };
  if (isJson(type)) return rebuildJson(parsed, type, length);
  if (typeof parsed === 'string') return isText(type) ? encodeText(parsed, type, length) : undefined;
  if (parsed === undefined || parsed === null || typeof parsed !== 'object') return undefined;
  if (type.essence === 'application/x-www-form-urlencoded') return rebuildForm(parsed, type);
  return undefined;
}

/**
 * Any JSON value goes back through JSON.stringify (`express.json({strict: false})` yields strings,
 * numbers, null, booleans). A string can also be the raw text a text parser read: that one is valid
 * JSON and fills the body's length exactly, where a parsed JSON string is shorter than its quoted
 * source.
 */
function rebuildJson(parsed: unknown, type: ContentType, length: number | undefined): EncodedBody | undefined {
  if (parsed === undefined) return undefined;
  if (typeof parsed === 'string' && isValidJson(parsed)) {
    const raw = encodeText(parsed, type, length);
    if (raw || length === undefined) return raw;
  }
  const text = JSON.stringify(parsed);
  const encoding = bufferEncoding(type.charset);
  return encoding
    ? { body: Buffer.from(text, encoding) }
    : { body: Buffer.from(text, 'utf8'), contentType: withCharset(type.header, 'utf-8') };
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Body parsers read forms in UTF-8 or latin1 only; a latin1 form keeps latin1 while it can. */
function rebuildForm(parsed: object, type: ContentType): EncodedBody {
  if (bufferEncoding(type.charset) === 'latin1') {
    try {
      return { body: Buffer.from(encodeForm(parsed, escapeLatin1).join('&'), 'latin1') };
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
  }
  const body = Buffer.from(encodeForm(parsed).join('&'), 'utf8');
  return bufferEncoding(type.charset) === 'utf8' ? { body } : { body, contentType: withCharset(type.header, 'utf-8') };
}

/** Integers a JavaScript number cannot hold exactly: the parser rounded them (at most 3 reported). */
function impreciseIntegers(value: unknown, found: number[] = []): number[] {
  if (found.length >= 3) return found;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) found.push(value);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) impreciseIntegers(item, found);
  }
  return found;
}
