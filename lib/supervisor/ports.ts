import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import getPort from 'get-port';
import { isRunning } from './proc.js';
import { hostIdentity, stateDir } from './state-dir.js';

/**
 * Ports handed to micros. get-port finds a free one; a port stays claimed while its micro lives,
 * within this process (a set shared by every supervisor) and across processes (a claim file per
 * port), because a port that is free now may be handed to a micro that has not bound it yet.
 */

const held = new Set<number>();
const ATTEMPTS = 50;

export async function claimPort(): Promise<number> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = await getPort({ exclude: held });
    if (held.has(port) || !claimAcrossProcesses(port)) continue;
    held.add(port);
    return port;
  }
  throw new Error(`No free TCP port found after ${ATTEMPTS} attempts`);
}

export function releasePort(port: number): void {
  if (!held.delete(port)) return;
  try {
    unlinkSync(claimFile(port));
  } catch {
    // A later claim of a stale file replaces it anyway.
  }
}

function claimFile(port: number): string {
  return join(stateDir(), 'ports', String(port));
}

function claimAcrossProcesses(port: number): boolean {
  const file = claimFile(port);
  const me = JSON.stringify(hostIdentity());
  mkdirSync(join(stateDir(), 'ports'), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, me, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (ownerAlive(file)) return false;
    try {
      unlinkSync(file);
    } catch {
      // Someone else removed the stale claim first; the next write decides.
    }
  }
  return false;
}

function ownerAlive(file: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; start?: unknown };
    if (typeof owner.pid !== 'number') return false;
    return isRunning(owner.pid, typeof owner.start === 'string' ? owner.start : undefined);
  } catch {
    // Unreadable: a claim being written right now counts as taken, one its writer never finished does not.
    try {
      return Date.now() - statSync(file).mtimeMs < 5_000;
    } catch {
      return false;
    }
  }
}
