import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The project's directory as one spelling: `./app`, `app/../app` and a symlink to it all name the
 * same project, so they share its keys, app-key store and run ledger. A root that does not exist
 * (yet) keeps its absolute path.
 */
export function canonicalRoot(root: string): string {
  const absolute = resolve(root);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/** A short file name for the project at `root`, the same on every run: 16 hex digits of its sha256. */
export function projectId(root: string): string {
  return createHash('sha256').update(canonicalRoot(root)).digest('hex').slice(0, 16);
}
