/**
 * The normalised Spacefile model. Everything downstream (supervisor, router, runtime emulation)
 * reads only these shapes, never raw YAML.
 */

export const ENGINES = [
  'static',
  'react',
  'svelte',
  'vue',
  'next',
  'nuxt',
  'svelte-kit',
  'python3.9',
  'python3.8',
  'nodejs16',
  'custom',
] as const;

export type Engine = (typeof ENGINES)[number];

export interface PresetEnv {
  name: string;
  description?: string;
  /** Always a string in a valid Spacefile (numbers must be quoted). */
  default?: string;
}

export interface Action {
  id: string;
  name: string;
  description?: string;
  trigger: 'schedule';
  /** A rate (`"5 minutes"`, `"1 hour"`) or a 5-field UTC cron expression, as written. */
  defaultInterval: string;
  path?: string;
}

export interface Micro {
  name: string;
  /** `src` as written in the Spacefile. */
  src: string;
  /** Absolute working directory (`<root>/<src>`); set when the project root is known. */
  dir?: string;
  engine: Engine;
  /** True for exactly one micro: the declared primary, or the lone micro. */
  primary: boolean;
  /**
   * Normalised mount path: `/` for the primary (its `path` key is ignored), otherwise `path` or else `name`
   * with a leading `/` added and one trailing `/` removed. Never `/` nor below `/__space` for a non-primary
   * micro, unique among micros, and free of empty segments, `?` and `#`.
   */
  path: string;
  /**
   * Directory relative to `src` holding the files to serve (static, react, vue, svelte). The router serves
   * it itself for a static micro without `dev`; one with `dev` runs that command instead.
   */
  serve?: string;
  commands: string[];
  include: string[];
  run?: string;
  dev?: string;
  presets: { env: PresetEnv[]; apiKeys: boolean };
  /**
   * Every route of the micro is public: `public: true`, or a `public_routes` list containing `/*`
   * (which the spec defines as the same thing, so both spellings behave identically downstream).
   */
  public: boolean;
  /** `public_routes` exactly as written (`/*` included); patterns relative to the micro's root, `*` matches any run of characters. */
  publicRoutes: string[];
  actions: Action[];
  provideActions: boolean;
}

export interface Spacefile {
  v: 0;
  micros: Micro[];
  icon?: string;
  appName?: string;
  autoPwa: boolean;
  /** Absolute project root (directory of the Spacefile) when known. */
  root?: string;
  /**
   * Where the model came from: the absolute path of the file read by `loadSpacefile`, or the `filename`
   * option given to `parseSpacefile`. Error messages name the file as the caller gave it.
   */
  filename?: string;
}

/** One problem found in a Spacefile, positioned for `file:line:column` reporting (1-based). */
export interface SpacefileProblem {
  line: number;
  column: number;
  /** Key path such as `micros[1].engine`; empty for whole-document problems. */
  path: string;
  message: string;
  /** What would fix it. */
  hint?: string;
}
