import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import crossSpawn from 'cross-spawn';
import type { LocalKeys } from '../runtime/keys.js';
import { spaceEnv } from '../runtime/env.js';
import { ENGINE_INFO } from '../spacefile/engines.js';
import { isDirectory } from '../spacefile/is-directory.js';
import type { Micro } from '../spacefile/types.js';
import { chooseCommand, planSpawn, type ChosenCommand } from './command.js';
import { readLines } from './line-reader.js';
import { MARKER_VAR, type Ledger } from './ledger.js';
import { LogRing, type LinePrinter } from './logs.js';
import { claimPort, releasePort } from './ports.js';
import { hasProcfs, listeningPorts, readProc } from './proc.js';
import { ProcessTree, terminate, terminateSync } from './process-tree.js';
import { accepts, LOOPBACKS, waitForPort } from './readiness.js';
import { RestartBudget } from './restart-budget.js';
import { MicroError, type MicroState, type MicroStatus, type SupervisorOptions } from './types.js';

export interface RunnerContext {
  root: string;
  runId: string;
  keys: () => LocalKeys;
  options: SupervisorOptions;
  readyTimeout: number;
  stopTimeout: number;
  printer: LinePrinter;
  ledger: Ledger;
  emit: (status: MicroStatus) => void;
}

const KEPT_LINES = 200;
const LINES_IN_ERRORS = 20;
/** How long a micro may be listening elsewhere before we point it out, while still waiting. */
const WRONG_PORT_NOTICE_MS = 5_000;
/** After a tree is gone its last output lines may still be in the pipes. */
const DRAIN_MS = 300;
const PORT_FREE_WAIT_MS = 2_000;
const ADDRESS_IN_USE = /EADDRINUSE|address already in use/i;

/**
 * One micro's process, from port and command to readiness, restarts and teardown. Nothing here
 * throws or rejects towards the host: every failure ends up as the micro's `failed` state.
 */
export class MicroRunner {
  private state: MicroState = 'starting';
  private port?: number;
  private address?: string;
  private pid?: number;
  private command?: string;
  private error?: MicroError;
  private readonly ring = new LogRing(KEPT_LINES);
  private readonly budget: RestartBudget;
  private chosen?: ChosenCommand;
  private dir = '';
  /** Bumped on every spawn, failure and stop, so events of an older process are ignored. */
  private generation = 0;
  private handledExit = 0;
  private tree?: ProcessTree;
  private output?: Output;
  private probe?: AbortController;
  private timers = new Set<NodeJS.Timeout>();
  private addressInUse = false;
  private movedPort = false;
  private stopping = false;
  private cleanup: Promise<void> = Promise.resolve();
  private stopped?: Promise<void>;

  constructor(
    readonly micro: Micro,
    private readonly ctx: RunnerContext,
  ) {
    this.budget = new RestartBudget(ctx.options.restart);
  }

  status(): MicroStatus {
    return {
      name: this.micro.name,
      path: this.micro.path,
      state: this.state,
      port: this.port,
      address: this.address,
      pid: this.pid,
      command: this.command,
      error: this.error?.message,
    };
  }

  /** The error that made the micro `failed`, if it did. */
  failure(): MicroError | undefined {
    return this.error;
  }

  tail(n: number): string[] {
    return this.ring.tail(n);
  }

  /** Picks the command and port and spawns; never rejects. */
  async launch(): Promise<void> {
    try {
      const name = this.micro.name;
      this.chosen = chooseCommand(this.micro);
      if (!this.chosen) {
        this.fail(
          'NO_COMMAND',
          `Micro "${name}" (engine ${this.micro.engine}) has no command to run in development. ` +
            `Add a \`dev\` command to its entry in the Spacefile that listens on $PORT, e.g. \`dev: ${ENGINE_INFO[this.micro.engine].exampleDev ?? 'node index.js'}\`.`,
        );
        return;
      }
      if (this.chosen.source === 'run') {
        this.ctx.printer.notice(name, 'warn', `no \`dev\` command in the Spacefile; running its \`run\` command instead`);
      }
      this.dir = this.micro.dir ?? resolve(this.ctx.root, this.micro.src);
      if (!isDirectory(this.dir)) {
        this.fail('NO_DIRECTORY', `Micro "${name}": its src directory ${this.dir} does not exist. Fix \`src\` in the Spacefile.`);
        return;
      }
      const port = await claimPort();
      if (this.stopping) {
        releasePort(port);
        return;
      }
      this.port = port;
      this.spawnProcess();
    } catch (error) {
      this.fail('SPAWN_FAILED', `Micro "${this.micro.name}" could not be started: ${messageOf(error)}`);
    }
  }

  private spawnProcess(): void {
    const gen = ++this.generation;
    const port = this.port!;
    const name = this.micro.name;
    try {
      const hostname = this.ctx.options.hostname;
      const marker = `${this.ctx.runId}:${name}:${gen}`;
      const env = {
        // Python block-buffers a piped stdout: without this a micro's print() lines would show up
        // kilobytes later, or never if it is killed. The parent's or options' own value still wins.
        PYTHONUNBUFFERED: '1',
        ...spaceEnv(this.micro, {
          port,
          hostname: typeof hostname === 'function' ? hostname() : hostname,
          keys: this.ctx.keys(),
          overrides: this.ctx.options.env,
        }),
        [MARKER_VAR]: marker,
      };
      const plan = planSpawn(this.chosen!.text, env);
      this.command = plan.display;
      const options: SpawnOptions = {
        cwd: this.dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so that one signal reaches the micro's whole tree.
        detached: process.platform !== 'win32',
        windowsHide: true,
      };
      const child = plan.shell
        ? spawn(plan.file, plan.args, { ...options, windowsVerbatimArguments: true })
        : crossSpawn(plan.file, plan.args, options);
      this.addressInUse = false;
      this.address = undefined;
      this.pid = child.pid;
      if (child.pid !== undefined) {
        const start = hasProcfs ? readProc(child.pid)?.start : undefined;
        this.tree = new ProcessTree({ pgid: child.pid, start, marker: `${MARKER_VAR}=${marker}`, trustGroup: true });
        this.ctx.ledger.record(name, child.pid, start);
      }
      this.watch(child, gen);
      this.setState('starting');
      this.probe = new AbortController();
      void this.awaitReady(gen, port, this.probe.signal);
    } catch (error) {
      this.fail('SPAWN_FAILED', `Micro "${name}" could not be started: ${messageOf(error)}`);
    }
  }

  private watch(child: ChildProcess, gen: number): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const input = child[stream];
      if (!input) continue;
      input.on('error', () => {});
      readLines(input, (line) => this.onLine(gen, stream, line));
    }
    const output: Output = { child, closed: new Promise<void>((done) => child.once('close', () => done())) };
    this.output = output;
    child.once('error', (error) => this.onExit(gen, output, { error }));
    child.once('exit', (code, signal) => this.onExit(gen, output, { code, signal }));
  }

  private onLine(gen: number, stream: 'stdout' | 'stderr', line: string): void {
    this.ring.push(line);
    this.ctx.printer.output(this.micro.name, stream, line);
    if (gen === this.generation && ADDRESS_IN_USE.test(line)) this.addressInUse = true;
  }

  private async awaitReady(gen: number, port: number, signal: AbortSignal): Promise<void> {
    const notice = setTimeout(() => this.pointOutOtherPorts(gen, port), Math.min(WRONG_PORT_NOTICE_MS, this.ctx.readyTimeout / 2));
    this.timers.add(notice);
    try {
      const address = await waitForPort(port, this.ctx.readyTimeout, signal);
      if (gen !== this.generation || signal.aborted) return;
      if (address) {
        this.address = address;
        this.error = undefined;
        this.setState('ready');
        return;
      }
      const others = this.otherPorts(port);
      const hint = others.length
        ? ` It is listening on port ${others.join(', ')} instead: make its command or code use $PORT (e.g. \`--port $PORT\`).`
        : ' Make sure it listens on $PORT.';
      this.fail(
        'READY_TIMEOUT',
        `Micro "${this.micro.name}" did not accept connections on port ${port} (127.0.0.1 or ::1) within ${seconds(this.ctx.readyTimeout)}.${hint}`,
      );
    } catch (error) {
      this.fail('READY_CHECK_FAILED', `Micro "${this.micro.name}": readiness check failed: ${messageOf(error)}`);
    } finally {
      clearTimeout(notice);
      this.timers.delete(notice);
    }
  }

  private pointOutOtherPorts(gen: number, port: number): void {
    if (gen !== this.generation || this.state !== 'starting') return;
    const others = this.otherPorts(port);
    if (others.length === 0) return;
    this.ctx.printer.notice(
      this.micro.name,
      'warn',
      `still waiting for port ${port}, but it listens on port ${others.join(', ')}: does its command use $PORT?`,
    );
  }

  /** Ports the micro's tree listens on other than its own (Linux only; empty elsewhere). */
  private otherPorts(port: number): number[] {
    if (!hasProcfs || !this.tree) return [];
    try {
      return listeningPorts(this.tree.members()).filter((p) => p !== port);
    } catch {
      return [];
    }
  }

  private onExit(gen: number, output: Output, how: Exit): void {
    if (gen !== this.generation || this.handledExit === gen || this.stopping) return;
    this.handledExit = gen;
    this.probe?.abort();
    this.afterExit(gen, output, how).catch((error: unknown) =>
      this.fail('RESTART_FAILED', `Micro "${this.micro.name}" could not be restarted: ${messageOf(error)}`),
    );
  }

  private async afterExit(gen: number, output: Output, how: Exit): Promise<void> {
    const name = this.micro.name;
    // Whatever the leader left behind (workers, a dev server started by npm) goes with it.
    if (this.tree) await terminate(this.tree, this.ctx.stopTimeout);
    await releaseOutput(output);
    if (gen !== this.generation || this.stopping) return;
    this.ctx.ledger.forget(name);
    if (how.error || how.code === 127) {
      const reason = how.error ? messageOf(how.error) : 'the shell reported "command not found" (exit code 127)';
      this.fail(
        'COMMAND_NOT_FOUND',
        `Micro "${name}" could not be started: ${reason}. Check its command in the Spacefile and that the program is installed.`,
      );
      return;
    }
    const exit = how.signal ? `was killed by ${how.signal}` : `exited with code ${how.code}`;
    if (this.addressInUse && !this.movedPort) {
      this.movedPort = true;
      const old = this.port!;
      releasePort(old);
      this.port = await claimPort();
      if (this.stopping) {
        releasePort(this.port);
        return;
      }
      this.ctx.printer.notice(name, 'warn', `port ${old} was taken by another process; restarting on port ${this.port}`);
      this.spawnProcess();
      return;
    }
    const delay = this.budget.next();
    if (delay === undefined) {
      this.fail('CRASHED', `Micro "${name}" ${exit} and was given up on (${this.budget.describe()}).${foregroundHint(how.code)}`);
      return;
    }
    this.error = this.microError('EXITED', `Micro "${name}" ${exit}; restarting in ${seconds(delay)}.${foregroundHint(how.code)}`);
    this.setState('restarting');
    this.ctx.printer.notice(name, 'warn', `${exit}; restarting in ${seconds(delay)}`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopping && gen === this.generation) this.spawnProcess();
    }, delay);
    this.timers.add(timer);
  }

  /** Marks the micro failed and ends its tree in the background; the other micros carry on. */
  fail(code: string, headline: string): void {
    if (this.state === 'failed' || this.stopping) return;
    this.generation++;
    this.probe?.abort();
    this.clearTimers();
    this.error = this.microError(code, headline);
    this.setState('failed');
    this.ctx.printer.notice(this.micro.name, 'error', headline);
    const tree = this.tree;
    const port = this.port;
    const output = this.output;
    this.cleanup = (async () => {
      if (tree) await terminate(tree, this.ctx.stopTimeout);
      if (output) await releaseOutput(output);
      if (port !== undefined) releasePort(port);
      this.ctx.ledger.forget(this.micro.name);
    })().catch(() => {});
  }

  /** Idempotent: resolves once the tree is gone and the port is free again. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.halt();
      await this.cleanup;
      if (this.tree) await terminate(this.tree, this.ctx.stopTimeout);
      if (this.output) await releaseOutput(this.output);
      if (this.port !== undefined) {
        await waitPortFree(this.port, PORT_FREE_WAIT_MS);
        releasePort(this.port);
      }
      this.ctx.ledger.forget(this.micro.name);
      this.setState('stopped');
    })().catch(() => this.setState('stopped'));
    return this.stopped;
  }

  /** For the host's exit handler: ends the tree before returning. */
  stopSync(): void {
    this.halt();
    if (this.tree) terminateSync(this.tree, this.ctx.stopTimeout);
    if (this.port !== undefined) releasePort(this.port);
  }

  private halt(): void {
    this.stopping = true;
    this.generation++;
    this.probe?.abort();
    this.clearTimers();
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private microError(code: string, headline: string): MicroError {
    const logTail = this.ring.tail(LINES_IN_ERRORS);
    const command = this.command ?? this.chosen?.text;
    // Only what is known: a micro that failed before it was spawned has no port, cwd or output.
    const details = [
      ...(command === undefined ? [] : [`  command: ${command}`]),
      ...(this.port === undefined ? [] : [`  port: ${this.port}`]),
      ...(this.dir ? [`  cwd: ${this.dir}`] : []),
    ];
    if (logTail.length > 0) details.push(`  last ${logTail.length} log lines:\n${logTail.map((l) => `    ${l}`).join('\n')}`);
    else if (this.command !== undefined) details.push('  (no output)');
    return new MicroError(code, [headline, ...details].join('\n'), {
      micro: this.micro.name,
      command: this.command,
      port: this.port,
      logTail,
    });
  }

  private setState(state: MicroState): void {
    this.state = state;
    this.ctx.emit(this.status());
  }
}

/** How a spawned process ended: an exit code or signal, or a spawn error (no such program). */
interface Exit {
  code?: number | null;
  signal?: NodeJS.Signals | null;
  error?: Error;
}

/** The pipes of one spawned process, and when Node saw them close. */
interface Output {
  child: ChildProcess;
  closed: Promise<void>;
}

/**
 * Once a tree is gone, gives its last lines a moment to arrive, then closes our ends of its pipes:
 * a process that escaped the tree (a daemon in a new session with a cleared environment) may still
 * hold them open, and open pipes would keep the host's event loop alive after stop().
 */
async function releaseOutput(output: Output): Promise<void> {
  await Promise.race([output.closed, sleep(DRAIN_MS)]);
  output.child.stdout?.destroy();
  output.child.stderr?.destroy();
}

async function waitPortFree(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const answers = await Promise.all(LOOPBACKS.map((host) => accepts(host, port)));
    if (!answers.includes(true)) return;
    await sleep(25);
  }
}

/**
 * A command that exits with 0 on its own usually started the server in the background (`node x &`,
 * a daemon mode) and ended; the server then went with its tree.
 */
function foregroundHint(code: number | null | undefined): string {
  return code === 0
    ? ' A dev command must keep running in the foreground while it serves (no trailing "&", no daemon or background mode).'
    : '';
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
