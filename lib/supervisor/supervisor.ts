import { randomBytes } from 'node:crypto';
import { localKeys, type LocalKeys } from '../runtime/keys.js';
import { servedFromFiles } from '../spacefile/engines.js';
import type { Micro, Spacefile } from '../spacefile/types.js';
import { onHostExit } from './exit-hook.js';
import { Ledger, reapLeftovers } from './ledger.js';
import { consoleLogger, LinePrinter } from './logs.js';
import { MicroRunner } from './micro-runner.js';
import { MicroError, type MicroStatus, type Supervisor, type SupervisorOptions } from './types.js';

const DEFAULT_READY_TIMEOUT = 60_000;
const DEFAULT_STOP_TIMEOUT = 3_000;
const DEFAULT_TAIL = 20;

export function createSupervisor(spacefile: Spacefile, options: SupervisorOptions = {}): Supervisor {
  checkNames(spacefile, options);
  const root = spacefile.root ?? process.cwd();
  const runId = randomBytes(8).toString('hex');
  const readyTimeout = options.readyTimeout ?? DEFAULT_READY_TIMEOUT;
  const stopTimeout = options.stopTimeout ?? DEFAULT_STOP_TIMEOUT;
  const printer = new LinePrinter(options.logger ?? consoleLogger, spacefile.micros.map((m) => m.name));
  const ledger = new Ledger(root, runId);
  const listeners = new Set<(status: MicroStatus) => void>();
  let keys: LocalKeys | undefined;

  const emit = (status: MicroStatus) => {
    for (const listener of [...listeners]) {
      try {
        listener(status);
      } catch (error) {
        printer.notice(status.name, 'error', `a state listener threw: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  const runners = new Map<string, MicroRunner>();
  for (const micro of spacefile.micros) {
    if (needsProcess(micro, options)) {
      runners.set(
        micro.name,
        new MicroRunner(micro, {
          root,
          runId,
          keys: () => (keys ??= localKeys(root)),
          options,
          readyTimeout,
          stopTimeout,
          printer,
          ledger,
          emit,
        }),
      );
    }
  }

  let started: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  let unhookExit: (() => void) | undefined;

  const status = (name: string): MicroStatus | undefined => {
    const runner = runners.get(name);
    if (runner) return runner.status();
    const micro = spacefile.micros.find((m) => m.name === name);
    // Static and skipped micros are served without a process of ours, until stop(); a micro `only`
    // leaves out is not served at all.
    if (!micro) return undefined;
    const served = !stopped && servedWithoutProcess(micro, options);
    return { name: micro.name, path: micro.path, state: served ? 'ready' : 'stopped' };
  };

  const stopError = (name: string) =>
    runners.has(name)
      ? new MicroError('STOPPED', `Micro "${name}" was stopped.`, { micro: name })
      : new MicroError('STOPPED', `Micro "${name}" is not started: options.only (${options.only?.join(', ')}) leaves it out.`, {
          micro: name,
        });

  const waitReady = (name: string, timeoutMs: number = readyTimeout): Promise<MicroStatus> => {
    const current = status(name);
    if (!current) {
      const known = spacefile.micros.map((m) => m.name).join(', ');
      return Promise.reject(
        new MicroError('UNKNOWN_MICRO', `No micro named "${name}" in the Spacefile (micros: ${known}).`, { micro: name }),
      );
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let off = () => {};
      const settle = (s: MicroStatus): boolean => {
        if (s.state === 'ready') resolve(s);
        else if (s.state === 'failed') reject(runners.get(name)?.failure() ?? stopError(name));
        else if (s.state === 'stopped') reject(stopError(name));
        else return false;
        off();
        if (timer) clearTimeout(timer);
        return true;
      };
      if (settle(current)) return;
      off = onState((s) => {
        if (s.name === name) settle(s);
      });
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          off();
          const s = status(name)!;
          reject(
            new MicroError('WAIT_TIMEOUT', `Micro "${name}" was not ready after ${timeoutMs} ms (state: ${s.state}).`, {
              micro: name,
              command: s.command,
              port: s.port,
              logTail: runners.get(name)?.tail(DEFAULT_TAIL),
            }),
          );
        }, timeoutMs);
      }
    });
  };

  const onState = (listener: (status: MicroStatus) => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };

  const stopSync = () => {
    for (const runner of runners.values()) runner.stopSync();
    ledger.remove();
  };

  return {
    start() {
      if (stopped) return Promise.reject(new Error('This supervisor was stopped; create a new one to start the micros again.'));
      started ??= (async () => {
        unhookExit = onHostExit(stopSync);
        await reapLeftovers(root, stopTimeout).catch(() => 0);
        if (stopped) throw new Error('The supervisor was stopped while starting.');
        keys ??= localKeys(root);
        for (const runner of runners.values()) void runner.launch();
        await Promise.all([...runners.keys()].map((name) => waitReady(name, Infinity)));
      })();
      return started;
    },
    status,
    list: () => spacefile.micros.map((m) => status(m.name)!),
    waitReady,
    logTail: (name, n = DEFAULT_TAIL) => runners.get(name)?.tail(n) ?? [],
    onState,
    stop() {
      stopped ??= (async () => {
        await Promise.all([...runners.values()].map((runner) => runner.stop()));
        ledger.remove();
        unhookExit?.();
      })();
      return stopped;
    },
  };
}

function needsProcess(micro: Micro, options: SupervisorOptions): boolean {
  if (servedWithoutProcess(micro, options)) return false;
  return !options.only || options.only.includes(micro.name);
}

/** Static micros without `dev` are served from files and skipped ones by the host: ready whenever the host is. */
function servedWithoutProcess(micro: Micro, options: SupervisorOptions): boolean {
  return servedFromFiles(micro) || (options.skip?.includes(micro.name) ?? false);
}

function checkNames(spacefile: Spacefile, options: SupervisorOptions): void {
  const names = new Set(spacefile.micros.map((m) => m.name));
  for (const key of ['skip', 'only'] as const) {
    const unknown = options[key]?.filter((name) => !names.has(name)) ?? [];
    if (unknown.length) {
      throw new TypeError(
        `options.${key} names ${unknown.map((n) => `"${n}"`).join(', ')}, which the Spacefile does not have (micros: ${[...names].join(', ')}).`,
      );
    }
  }
}
