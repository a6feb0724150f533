import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalRoot, projectId } from '../runtime/project-root.js';
import { hasProcfs, isRunning } from './proc.js';
import { ProcessTree, terminate } from './process-tree.js';
import { hostIdentity, stateDir } from './state-dir.js';

/**
 * What one run has spawned, kept on disk so that a run whose host was killed outright (SIGKILL, a
 * closed terminal) can be cleaned up by the next run of the same project. One file per run, so
 * parallel runs never write the same file; a run's file is read back only once its host is gone.
 */

/** Environment variable every micro process inherits: `<run id>:<micro>:<spawn number>`. */
export const MARKER_VAR = 'SPACE_ROUTER_RUN';

/** Suffix of the copy being written before it replaces the ledger. */
const PENDING = '.pending';

interface LedgerFile {
  host: { pid: number; start?: string };
  root: string;
  runId: string;
  micros: Record<string, { pid: number; start?: string }>;
}

export class Ledger {
  private readonly file: string;
  private readonly data: LedgerFile;

  constructor(root: string, readonly runId: string) {
    const dir = projectDir(root);
    this.file = join(dir, `${runId}.json`);
    this.data = { host: hostIdentity(), root: canonicalRoot(root), runId, micros: {} };
  }

  record(micro: string, pid: number, start: string | undefined): void {
    this.data.micros[micro] = { pid, start };
    this.write();
  }

  forget(micro: string): void {
    if (!(micro in this.data.micros)) return;
    delete this.data.micros[micro];
    this.write();
  }

  /** Synchronous so that the exit handler can call it. */
  remove(): void {
    for (const file of [this.file, `${this.file}${PENDING}`]) {
      try {
        unlinkSync(file);
      } catch {
        // Never written, or already removed.
      }
    }
  }

  private write(): void {
    try {
      mkdirSync(resolve(this.file, '..'), { recursive: true });
      // Written aside and renamed over: a host killed in the middle of writing the file itself left it
      // empty, and the next run could then reap nothing of what it had spawned.
      writeFileSync(`${this.file}${PENDING}`, JSON.stringify(this.data));
      renameSync(`${this.file}${PENDING}`, this.file);
    } catch {
      // Without a ledger only the hard-kill cleanup is lost; the micros run as usual.
    }
  }
}

/**
 * End what dead runs of this project left running. A process is ended only if it still carries
 * the dead run's environment marker, or is a recorded leader with its recorded start time, so a
 * recycled pid is never touched. Returns how many runs were cleaned up.
 */
export async function reapLeftovers(root: string, graceMs: number): Promise<number> {
  // Without /proc neither start times nor markers can be checked, and guessing could hit a stranger.
  if (!hasProcfs) return 0;
  const dir = projectDir(root);
  let names: string[];
  try {
    // A pending file is read too: a host killed between writing it and renaming it over the ledger
    // had just recorded a micro the ledger does not list yet.
    // Pending files first, as the ledger's own turn removes its pending sibling.
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json') || n.endsWith(`.json${PENDING}`))
      .sort((a, b) => Number(b.endsWith(PENDING)) - Number(a.endsWith(PENDING)));
  } catch {
    return 0;
  }
  let reaped = 0;
  for (const name of names) {
    const file = join(dir, name);
    let data: LedgerFile;
    try {
      data = JSON.parse(readFileSync(file, 'utf8')) as LedgerFile;
    } catch {
      continue;
    }
    if (isRunning(data.host.pid, data.host.start)) continue;
    const trees = Object.values(data.micros)
      .filter((m) => m.start !== undefined)
      .map(
        (m) =>
          new ProcessTree({ pgid: m.pid, start: m.start, marker: `${MARKER_VAR}=${data.runId}:`, trustGroup: false }),
      );
    await Promise.all(trees.map((tree) => terminate(tree, graceMs)));
    // A pending file still here could not be read: its host died writing it.
    for (const done of file.endsWith(PENDING) ? [file] : [file, `${file}${PENDING}`]) {
      try {
        unlinkSync(done);
      } catch {
        // Another run reaped it at the same time, or there was none.
      }
    }
    reaped++;
  }
  return reaped;
}

function projectDir(root: string): string {
  return join(stateDir(), 'runs', projectId(root));
}
