import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Longest line, in UTF-16 units, that is kept whole. A micro that prints a minified bundle, a binary
 * file or an endless run without a newline would otherwise grow one string without bound in the host
 * (readline buffers until a line break), and hand it to the logger and the log tail in one piece.
 */
export const MAX_LINE_LENGTH = 16 * 1024;

/**
 * Calls `onLine` for every line of `input` (ended by `\n`, `\r\n` or `\r`, like readline), the last
 * unterminated one included once the stream ends or is destroyed. A longer line keeps its first
 * MAX_LINE_LENGTH units and says how many it dropped.
 */
export function readLines(input: Readable, onLine: (line: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let dropped = 0;
  // A `\r` that ended the previous chunk may be the first half of `\r\n`.
  let skipNewline = false;
  let flushed = false;

  const take = (text: string) => {
    let room = MAX_LINE_LENGTH - pending.length;
    if (text.length <= room) {
      pending += text;
      return;
    }
    // Never cut a surrogate pair in half.
    if (room > 0 && isHighSurrogate(text.charCodeAt(room - 1))) room--;
    pending += text.slice(0, room);
    dropped += text.length - room;
  };
  const emit = () => {
    onLine(dropped > 0 ? `${pending} … [${dropped} more characters]` : pending);
    pending = '';
    dropped = 0;
  };

  input.on('data', (chunk: Buffer | string) => {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (skipNewline && text.startsWith('\n')) text = text.slice(1);
    skipNewline = text.endsWith('\r');
    if (text === '') return;
    const parts = text.split(/\r\n|\r|\n/);
    const last = parts.pop() ?? '';
    for (const part of parts) {
      take(part);
      emit();
    }
    take(last);
  });
  const flush = () => {
    if (flushed) return;
    flushed = true;
    take(decoder.end());
    if (pending !== '' || dropped > 0) emit();
  };
  input.once('end', flush);
  input.once('close', flush);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
