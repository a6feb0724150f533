import { onExit } from 'signal-exit';

/**
 * Micros run in their own process groups, so a Ctrl-C in the terminal or a signal to the host no
 * longer reaches them: the host must end them itself on the way out. signal-exit covers SIGINT,
 * SIGTERM, SIGHUP and friends, `process.exit()` and uncaught exceptions, and stays out of the way of
 * hosts (Vite, Next) that handle signals themselves. Handlers run synchronously.
 */

const handlers = new Set<() => void>();
let unhook: (() => void) | undefined;

export function onHostExit(handler: () => void): () => void {
  handlers.add(handler);
  unhook ??= onExit(runAll, { alwaysLast: true });
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0 && unhook) {
      unhook();
      unhook = undefined;
    }
  };
}

function runAll(): void {
  for (const handler of [...handlers]) {
    try {
      handler();
    } catch {
      // One supervisor's failure to clean up must not keep the next from trying.
    }
  }
}
