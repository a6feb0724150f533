/**
 * Turning text a body parser decoded back into the bytes of its declared charset. Body parsers
 * decode with iconv-lite; Buffer can write back only some of those charsets, and for the others
 * the router sends UTF-8 and says so in the Content-Type, so the micro still reads the same text.
 */

export interface ContentType {
  /** The header as the client sent it ('' when absent). */
  header: string;
  /** `type/subtype`, lower case ('' when absent). */
  essence: string;
  /** The charset parameter, lower case, quotes removed. */
  charset?: string;
}

/** Charsets whose bytes Buffer can write again exactly as iconv-lite read them. */
const BUFFER_ENCODINGS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'iso-8859-1': 'latin1',
  iso8859_1: 'latin1',
  'iso_8859-1': 'latin1',
  latin1: 'latin1',
  l1: 'latin1',
  // iconv-lite reads ASCII bytes as the same code points as latin1 (and others as U+FFFD, which the
  // round trip check below then rejects).
  'us-ascii': 'latin1',
  ascii: 'latin1',
  'utf-16le': 'utf16le',
  utf16le: 'utf16le',
  'ucs-2': 'utf16le',
  ucs2: 'utf16le',
};

/** iconv-lite drops a leading byte order mark while decoding; a body that had one gets it back. */
const BYTE_ORDER_MARKS: Partial<Record<BufferEncoding, Buffer>> = {
  utf8: Buffer.from([0xef, 0xbb, 0xbf]),
  utf16le: Buffer.from([0xff, 0xfe]),
};

const TEXT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/javascript',
  'application/ecmascript',
  'application/graphql',
  'application/x-ndjson',
]);

export function parseContentType(header: string): ContentType {
  const [type = '', ...parameters] = header.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (eq === -1 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = parameter.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return { header, essence: type.trim().toLowerCase(), charset };
}

export function isJson({ essence }: ContentType): boolean {
  return essence === 'application/json' || essence.endsWith('+json');
}

/**
 * Media types whose body is text, so decoding it into a string kept it. Anything else (multipart,
 * octet-stream, images) read as a string has lost bytes. A body without a type counts as text: a
 * parser only decodes one when the host told it to.
 */
export function isText(type: ContentType): boolean {
  const { essence } = type;
  return essence === '' || essence.startsWith('text/') || isJson(type) || essence.endsWith('+xml') || TEXT_TYPES.has(essence);
}

export function bufferEncoding(charset: string | undefined): BufferEncoding | undefined {
  return BUFFER_ENCODINGS[charset ?? 'utf-8'];
}

/** The header with its charset parameter replaced by (or given) `charset`. */
export function withCharset(header: string, charset: string): string {
  const replaced = header.replace(/;\s*charset\s*=\s*("[^"]*"|[^;]*)/i, `; charset=${charset}`);
  return replaced === header && !/;\s*charset\s*=/i.test(header) ? `${header}; charset=${charset}` : replaced;
}

export interface EncodedBody {
  body: Buffer;
  /** Set when the body is sent in another charset than the one declared. */
  contentType?: string;
}

/**
 * The bytes `text` was decoded from, in the declared charset, or UTF-8 with the charset rewritten
 * when Buffer cannot write that charset. `length` is the body's size on the wire when known (no
 * Content-Encoding): a text that does not fill it exactly was not decoded losslessly (bytes invalid
 * in the charset became U+FFFD), and undefined is returned rather than corrupted bytes.
 */
export function encodeText(text: string, type: ContentType, length: number | undefined): EncodedBody | undefined {
  const encoding = bufferEncoding(type.charset);
  if (!encoding) return { body: Buffer.from(text, 'utf8'), contentType: withCharset(type.header, 'utf-8') };
  let body = Buffer.from(text, encoding);
  if (body.toString(encoding) !== text) return undefined;
  if (length !== undefined && body.length !== length) {
    const mark = BYTE_ORDER_MARKS[encoding];
    if (!mark || body.length + mark.length !== length) return undefined;
    body = Buffer.concat([mark, body]);
  }
  return { body };
}
