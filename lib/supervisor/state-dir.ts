import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readProc } from './proc.js';

/**
 * Where runs leave what a later run needs to find (ledger, port claims): `$XDG_STATE_HOME/space-router`,
 * else `~/.local/state/space-router`. Never inside the project.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME ? resolve(env.XDG_STATE_HOME) : join(homedir(), '.local', 'state');
  return join(base, 'space-router');
}

/** This process as other processes can check it later: a pid plus its start time. */
export function hostIdentity(): { pid: number; start?: string } {
  return { pid: process.pid, start: readProc(process.pid)?.start };
}
