import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Spacefile } from './types.js';
import { SpacefileError } from './errors.js';
import { parseSpacefile } from './parse.js';
import { isDirectory } from './is-directory.js';

/**
 * Read and parse a Spacefile synchronously (the router factory returns its middleware synchronously).
 * A directory means `<dir>/Spacefile`. The model's `root` is the Spacefile's directory and `filename` its absolute path;
 * error messages name the file as it was given.
 */
export function loadSpacefile(fileOrDir: string): Spacefile {
  const absolute = resolve(fileOrDir);
  const file = isDirectory(absolute) ? join(absolute, 'Spacefile') : absolute;
  const shown = file === absolute ? fileOrDir : join(fileOrDir, 'Spacefile');
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No Spacefile found' : `Cannot read the Spacefile (${(error as Error).message})`;
    throw new SpacefileError({
      code: 'ERR_SPACEFILE_NOT_FOUND',
      filename: shown,
      message: `${reason} at ${file}; run "space-router init" in the project directory to create one, or pass the path of your Spacefile`,
    });
  }
  if (isUtf16(bytes)) {
    throw new SpacefileError({
      code: 'ERR_SPACEFILE_INVALID',
      filename: shown,
      problems: [
        {
          line: 1,
          column: 1,
          path: '',
          message: 'the file is saved as UTF-16, not UTF-8',
          hint: 'save it as UTF-8 in your editor (Windows PowerShell 5 writes UTF-16 with ">"; use Out-File -Encoding utf8)',
        },
      ],
    });
  }
  const spacefile = parseSpacefile(bytes.toString('utf8'), { filename: shown, root: dirname(file) });
  spacefile.filename = file;
  return spacefile;
}

/** A byte-order mark, or the zero byte next to every ASCII character that UTF-16 text starts with. */
function isUtf16(bytes: Buffer): boolean {
  const [first, second] = bytes;
  if (first === undefined || second === undefined) return false;
  if ((first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff)) return true;
  return (first === 0) !== (second === 0);
}
