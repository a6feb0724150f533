import { ENGINES, type Engine, type Micro } from './types.js';

export interface EngineInfo {
  /**
   * `static`: files served by the router itself, no process, unless the micro has a `dev` command. `frontend`: a framework dev server
   * (React, Vue, Svelte, Next, Nuxt, SvelteKit). `backend`: a process started from `dev`/`run`.
   */
  kind: 'static' | 'frontend' | 'backend';
  /** Command `space dev` ran when the micro has no `dev` field (spec section 3). */
  devCommand?: string;
  /** Python engines also get `UVICORN_PORT`. */
  python: boolean;
  /**
   * What a `dev` command usually is for a backend without a default one, for messages asking for it;
   * only an example, since the entry point is the user's to name.
   */
  exampleDev?: string;
}

const START = 'npm run start -- --port $PORT';
const DEV = 'npm run dev -- --port $PORT';

export const ENGINE_INFO: Record<Engine, EngineInfo> = {
  static: { kind: 'static', python: false },
  react: { kind: 'frontend', devCommand: START, python: false },
  svelte: { kind: 'frontend', devCommand: DEV, python: false },
  vue: { kind: 'frontend', devCommand: DEV, python: false },
  next: { kind: 'frontend', devCommand: DEV, python: false },
  nuxt: { kind: 'frontend', devCommand: DEV, python: false },
  'svelte-kit': { kind: 'frontend', devCommand: DEV, python: false },
  'python3.9': { kind: 'backend', python: true, exampleDev: 'uvicorn main:app --port $PORT' },
  'python3.8': { kind: 'backend', python: true, exampleDev: 'uvicorn main:app --port $PORT' },
  nodejs16: { kind: 'backend', python: false, exampleDev: 'node index.js' },
  custom: { kind: 'backend', python: false },
};

/** Engines whose build output Space served as files: the only ones allowed a `serve` key, and denied `include`. */
export const SERVE_ENGINES: readonly Engine[] = ['static', 'react', 'vue', 'svelte'];

export function isEngine(value: unknown): value is Engine {
  return typeof value === 'string' && (ENGINES as readonly string[]).includes(value);
}

/**
 * True when the router serves the micro's `serve` directory itself and no process runs: a static micro
 * without a `dev` command. `space dev` ran a static micro's `dev` command like any other (often a Vite
 * dev server in front of an unbuilt `serve` directory), so with one it is spawned and proxied.
 */
export function servedFromFiles(micro: Pick<Micro, 'engine' | 'dev'>): boolean {
  return ENGINE_INFO[micro.engine].kind === 'static' && !micro.dev?.trim();
}
