import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Linux process table reads through /proc. Everything here is synchronous on purpose: the same
 * code runs inside the host's exit handler, where nothing asynchronous gets to run.
 */

export const hasProcfs = process.platform === 'linux' && existsSync('/proc/self/stat');

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** One-letter state; `Z` (zombie) holds no resources and counts as gone. */
  state: string;
  /** Start time in clock ticks since boot (field 22): with the pid, it names one process for good. */
  start: string;
}

export function readProc(pid: number): ProcInfo | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses; the fields after it may not.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgid] = fields;
  const start = fields[19];
  if (state === undefined || ppid === undefined || pgid === undefined || start === undefined) return undefined;
  return { pid, ppid: Number(ppid), pgid: Number(pgid), state, start };
}

export function allProcesses(): ProcInfo[] {
  const list: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProc(Number(entry));
    if (info && info.state !== 'Z') list.push(info);
  }
  return list;
}

/** True when `pid` runs and, if `start` is given, is still the same process (not a recycled pid). */
export function isRunning(pid: number, start?: string): boolean {
  if (!hasProcfs) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  const info = readProc(pid);
  return info !== undefined && info.state !== 'Z' && (start === undefined || info.start === start);
}

/** Whether the process was started with an environment entry beginning with `prefix`. */
export function hasEnvEntry(pid: number, prefix: string): boolean {
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false;
  }
  for (const entry of environ.toString('utf8').split('\0')) {
    if (entry.startsWith(prefix)) return true;
  }
  return false;
}

/** TCP ports in LISTEN state whose sockets are held open by any of `pids`. */
export function listeningPorts(pids: Iterable<number>): number[] {
  const portByInode = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const inode = cols[9];
      if (cols[3] !== '0A' || !local || !inode) continue;
      portByInode.set(inode, parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  const ports = new Set<number>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const port = inode === undefined ? undefined : portByInode.get(inode);
      if (port !== undefined) ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}
