import { setTimeout as sleep } from 'node:timers/promises';
import { allProcesses, hasEnvEntry, hasProcfs, type ProcInfo } from './proc.js';

export interface TreeIdentity {
  /** The leader's pid, which is also the group id: micros are spawned `detached`. */
  pgid: number;
  /** The leader's start time, when known; it tells the leader apart from a recycled pid. */
  start?: string;
  /** An environment entry (`NAME=value`) that every process of the tree inherits. */
  marker: string;
  /**
   * Whether membership of the process group alone proves a process is ours. True while the
   * supervisor that spawned the tree is alive; false when reaping a dead run's leftovers, where the
   * group id may meanwhile belong to someone else.
   */
  trustGroup: boolean;
}

const POLL_MS = 25;
const KILL_WAIT_MS = 5_000;

/** Trees spawned by this process's live supervisors (`trustGroup`), for killAllNow(). */
const ownTrees = new Set<ProcessTree>();

/**
 * Every process of one micro: its process group, the descendants of its leader (even those that
 * moved to a group of their own) and anything carrying its environment marker (even once orphaned).
 */
export class ProcessTree {
  private known = new Map<number, string>();
  private unmarked = new Set<string>();

  constructor(readonly id: TreeIdentity) {
    if (id.start !== undefined) this.known.set(id.pgid, id.start);
    if (id.trustGroup) ownTrees.add(this);
  }

  /** The live (non-zombie) processes of the tree, refreshed from the process table. */
  members(): number[] {
    const members = this.lookUp();
    // An empty tree stays empty: nothing of it is left to find again.
    if (members.length === 0) ownTrees.delete(this);
    return members;
  }

  private lookUp(): number[] {
    if (!hasProcfs) return groupExists(this.id.pgid) ? [this.id.pgid] : [];
    const procs = allProcesses();
    const live = new Map<number, ProcInfo>();
    for (const p of procs) if (this.known.get(p.pid) === p.start) live.set(p.pid, p);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of procs) {
        if (live.has(p.pid)) continue;
        if ((this.id.trustGroup && p.pgid === this.id.pgid) || live.has(p.ppid) || this.marked(p)) {
          live.set(p.pid, p);
          grew = true;
        }
      }
    }
    this.known = new Map([...live.values()].map((p) => [p.pid, p.start]));
    return [...live.keys()];
  }

  signal(signal: NodeJS.Signals): void {
    if (this.id.trustGroup || !hasProcfs) trySignal(-this.id.pgid, signal);
    for (const pid of this.members()) trySignal(pid, signal);
  }

  private marked(p: ProcInfo): boolean {
    const key = `${p.pid}:${p.start}`;
    if (this.unmarked.has(key)) return false;
    if (hasEnvEntry(p.pid, this.id.marker)) return true;
    this.unmarked.add(key);
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once no process of the tree is left. */
export async function terminate(tree: ProcessTree, graceMs: number): Promise<void> {
  if (tree.members().length === 0) return;
  tree.signal('SIGTERM');
  if (await waitGone(tree, graceMs, undefined)) return;
  await waitGone(tree, KILL_WAIT_MS, 'SIGKILL');
}

/**
 * SIGKILL every process tree this process spawned, at once, with no grace period: for a host told
 * to stop now (a second Ctrl-C), whose exit handler would otherwise still give each tree its SIGTERM
 * grace. Returns once they are gone (at most a few seconds per tree that resists).
 */
export function killAllNow(): void {
  const trees = [...ownTrees];
  for (const tree of trees) tree.signal('SIGKILL');
  for (const tree of trees) waitGoneSync(tree, KILL_WAIT_MS, 'SIGKILL');
}

/** The same for the host's exit handler, which must finish before the host is gone. */
export function terminateSync(tree: ProcessTree, graceMs: number): void {
  if (tree.members().length === 0) return;
  tree.signal('SIGTERM');
  if (waitGoneSync(tree, graceMs, undefined)) return;
  waitGoneSync(tree, KILL_WAIT_MS, 'SIGKILL');
}

async function waitGone(tree: ProcessTree, ms: number, resend: NodeJS.Signals | undefined): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    // Re-sending catches processes forked after the previous signal.
    if (resend) tree.signal(resend);
    if (tree.members().length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function waitGoneSync(tree: ProcessTree, ms: number, resend: NodeJS.Signals | undefined): boolean {
  const deadline = Date.now() + ms;
  for (;;) {
    if (resend) tree.signal(resend);
    if (tree.members().length === 0) return true;
    if (Date.now() >= deadline) return false;
    Atomics.wait(sleeper, 0, 0, POLL_MS);
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone, or never ours to signal.
  }
}
