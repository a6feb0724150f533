import type { SpaceRouter } from '../router/types.js';

/**
 * Routers are shared by key, process-wide, because Vite restarts (config edits) create the new dev
 * server, with its own plugin hooks, before closing the old one. Sharing by Spacefile path and
 * content lets the new server take over the running micros instead of starting a second set, and
 * reference counting closes them only when the last server using them closes.
 */
interface Running {
  refs: number;
  router?: SpaceRouter;
  /** Settles when every micro is ready or the failure was reported; never rejects. */
  started?: Promise<void>;
}

// On globalThis rather than in module scope: a config loader that bundles this plugin into the
// config (a relative import, a linked checkout) evaluates a fresh copy of this module per restart.
const REGISTRY = Symbol.for('space-router.vite.routers');
const running: Map<string, Running> = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new Map()) as Map<string, Running>;

export interface RouterLease {
  /** The shared router once some lease started it. */
  readonly router: SpaceRouter | undefined;
  /**
   * Create the router if no lease did yet, or replace it if one of its micros was given up on, and
   * wait until its micros are ready. A failing micro is passed to `report` once (by the lease that
   * created the router) and the wait still resolves, so the dev server keeps running with the
   * micros that did start.
   */
  start(create: () => SpaceRouter, report: (error: unknown) => void): Promise<void>;
  /** Idempotent; the router closes when its last lease is released. */
  release(): Promise<void>;
}

export function leaseRouter(key: string): RouterLease {
  let entry = running.get(key);
  if (!entry) {
    entry = { refs: 0 };
    running.set(key, entry);
  }
  entry.refs += 1;
  const held = entry;
  let released: Promise<void> | undefined;

  return {
    get router() {
      return held.router;
    },
    start(create, report) {
      const launch = () => {
        const router = create();
        held.router = router;
        return router.ready().catch(report);
      };
      if (!held.started) {
        held.started = launch();
      } else if (held.router?.micros.some((micro) => micro.state === 'failed')) {
        // A micro that was given up on stays down for the router's life; a Vite restart (`r`, a
        // config edit) is how a Vite user restarts the app after fixing it, so it gets a new router.
        const failed = held.router;
        // Every lease may be released while the failed router closes; no new micros then.
        held.started = held.started.then(() => failed.close()).then(() => (held.refs > 0 ? launch() : undefined));
      }
      return held.started;
    },
    release() {
      released ??= drop(key, held);
      return released;
    },
  };
}

async function drop(key: string, entry: Running): Promise<void> {
  entry.refs -= 1;
  if (entry.refs > 0) return;
  if (running.get(key) === entry) running.delete(key);
  await entry.router?.close();
}
