import { statSync } from 'node:fs';

/** True for a directory or a symlink to one; false for anything else, missing or unreadable. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
