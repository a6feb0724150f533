import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Spacefile } from './types.js';
import { SpacefileError } from './errors.js';
import { parseSpacefile } from './parse.js';

/**
 * Read and parse a Spacefile synchronously (the router factory returns its middleware synchronously).
 * A directory means `<dir>/Spacefile`. The model's `root` is the Spacefile's directory and `filename` its absolute path;
 * error messages name the file as it was given.
 */
export function loadSpacefile(fileOrDir: string): Spacefile {
  const absolute = resolve(fileOrDir);
  const file = isDirectory(absolute) ? join(absolute, 'Spacefile') : absolute;
  const shown = file === absolute ? fileOrDir : join(fileOrDir, 'Spacefile');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No Spacefile found' : `Cannot read the Spacefile (${(error as Error).message})`;
    throw new SpacefileError({
      code: 'ERR_SPACEFILE_NOT_FOUND',
      filename: shown,
      message: `${reason} at ${file}; run "space-router init" in the project directory to create one, or pass the path of your Spacefile`,
    });
  }
  const spacefile = parseSpacefile(text, { filename: shown, root: dirname(file) });
  spacefile.filename = file;
  return spacefile;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
