import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { allProcesses, hasProcfs, isRunning } from '../supervisor/proc.js';
import type { MicroSnapshot } from '../router/types.js';

/** One process that outlived `close()`, named by the micro it belonged to. */
export interface LeakedProcess {
  micro: string;
  pid: number;
  command: string;
}

/** `close()` found processes or handles still alive; they were killed so the suite stays clean. */
export class LeakError extends Error {
  readonly code = 'ERR_SPACE_APP_LEAK';
  constructor(
    readonly processes: LeakedProcess[],
    readonly handles: string[],
  ) {
    const lines = [
      ...processes.map(
        (p) => `  micro "${p.micro}": pid ${p.pid} (${p.command}) was still running; the test helper killed it`,
      ),
      ...handles.map((h) => `  ${h}`),
    ];
    // Advice only for what did leak: a test's open websocket has nothing to do with router.close().
    const hints = [
      ...(processes.length > 0
        ? ['Every micro process tree must end when the router closes; check that nothing replaced or skipped router.close().']
        : []),
      ...(handles.length > 0 ? ['Close every websocket and stream the test opened before calling close().'] : []),
    ];
    super(`space-router/testing: close() left things running:\n${lines.join('\n')}\n${hints.join('\n')}`);
    this.name = 'LeakError';
  }
}

interface Tracked {
  micro: string;
  pid: number;
  start?: string;
  command: string;
}

/**
 * Every process that belongs to a micro right now: its leader (whose pid is also its process group,
 * micros being spawned detached), the rest of that group and the leader's descendants.
 */
export function trackMicroProcesses(micros: readonly MicroSnapshot[]): Tracked[] {
  const leaders = micros.filter((micro): micro is MicroSnapshot & { pid: number } => micro.pid !== undefined);
  if (!hasProcfs) return leaders.map((m) => ({ micro: m.name, pid: m.pid, command: commandOf(m.pid) }));
  const procs = allProcesses();
  const tracked: Tracked[] = [];
  for (const leader of leaders) {
    const mine = new Set<number>([leader.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of procs) {
        if (!mine.has(p.pid) && (p.pgid === leader.pid || mine.has(p.ppid))) {
          mine.add(p.pid);
          grew = true;
        }
      }
    }
    for (const p of procs) {
      if (mine.has(p.pid)) tracked.push({ micro: leader.name, pid: p.pid, start: p.start, command: commandOf(p.pid) });
    }
  }
  return tracked;
}

/**
 * Tracked processes still alive, plus anything that joined a micro's process group since. Waits up
 * to `settleMs` for processes that are already dying (a SIGKILL is delivered, not instantaneous).
 */
export async function survivors(tracked: readonly Tracked[], groups: readonly { micro: string; pgid: number }[], settleMs: number): Promise<LeakedProcess[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const alive = tracked.filter((t) => isRunning(t.pid, t.start)).map(({ micro, pid, command }) => ({ micro, pid, command }));
    for (const group of groups) {
      for (const pid of groupMembers(group.pgid)) {
        if (!alive.some((a) => a.pid === pid)) alive.push({ micro: group.micro, pid, command: commandOf(pid) });
      }
    }
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await sleep(50);
  }
}

/** SIGKILL each process and wait (bounded) until it is gone, so a reported leak is also cleaned up. */
export async function killAll(processes: readonly LeakedProcess[], waitMs: number): Promise<void> {
  for (const { pid } of processes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone in the meantime.
    }
  }
  const deadline = Date.now() + waitMs;
  while (processes.some(({ pid }) => isRunning(pid)) && Date.now() < deadline) await sleep(25);
}

function groupMembers(pgid: number): number[] {
  if (hasProcfs) return allProcesses().filter((p) => p.pgid === pgid).map((p) => p.pid);
  try {
    process.kill(-pgid, 0);
    return [pgid];
  } catch {
    return [];
  }
}

function commandOf(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (argv.length > 0) return argv.join(' ');
  } catch {
    // No procfs, or the process just ended.
  }
  return 'command unknown';
}
