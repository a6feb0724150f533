/**
 * Form encoding that both `querystring` (urlencoded `extended: false`) and `qs` (`extended: true`)
 * parse back to the same value: repeated keys for lists of scalars, brackets for nesting.
 * A list of one scalar can only come from qs reading brackets (`tags[]=a`); a lone `tags=a` would
 * read back as a string, so it keeps `[]`. `escape` percent-encodes one key or value in the form's
 * charset.
 */
export function encodeForm(value: unknown, escape: (text: string) => string = encodeURIComponent, key = ''): string[] {
  if (value === null || value === undefined) return key ? [`${escape(key)}=`] : [];
  if (Array.isArray(value)) {
    const scalarKey = value.length === 1 ? `${key}[]` : key;
    return value.flatMap((item, index) =>
      item !== null && typeof item === 'object' ? encodeForm(item, escape, `${key}[${index}]`) : encodeForm(item, escape, scalarKey),
    );
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([name, item]) => encodeForm(item, escape, key ? `${key}[${name}]` : name));
  }
  return [`${escape(key)}=${escape(String(value))}`];
}

/** What encodeURIComponent leaves as it is. */
const UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;

/**
 * encodeURIComponent for a latin1 form: one `%XX` per latin1 byte, as browsers send such forms.
 * Throws a RangeError for a character latin1 has no byte for.
 */
export function escapeLatin1(text: string): string {
  let escaped = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code > 0xff) throw new RangeError(`U+${code.toString(16).toUpperCase()} has no latin1 byte`);
    escaped += UNRESERVED.test(char) ? char : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return escaped;
}
