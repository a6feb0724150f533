import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** True when `arg` names a Spacefile or a directory holding one: how `routes` tells a project from a URL. */
export function isProjectArg(arg: string): boolean {
  try {
    const stat = statSync(arg);
    return stat.isFile() || (stat.isDirectory() && existsSync(join(arg, 'Spacefile')));
  } catch {
    return false;
  }
}
