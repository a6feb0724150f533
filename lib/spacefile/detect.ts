import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Engine } from './types.js';
import { ENGINE_INFO } from './engines.js';
import { cleanName } from './names.js';

/** A micro found by `detectMicros`, in the shape `generateSpacefile` writes. */
export interface DetectedMicro {
  name: string;
  /** Relative to the scanned directory: `./` for the directory itself, else `./<subdirectory>`. */
  src: string;
  engine: Engine;
  /** Build output (static: `./`; Create React App: `build`; Vite and Vue CLI: `dist`). */
  serve?: string;
  /** A plain Node micro whose package.json has a `dev` script runs it (`npm run dev`). */
  dev?: string;
}

const KIND_ORDER = ['frontend', 'static', 'backend'];

const PYTHON_MARKERS = ['requirements.txt', 'Pipfile', 'setup.py', 'main.py'];

/**
 * Find micros the way Space's CLI did (spec section 6): the directory itself when it is a project, else
 * each immediate subdirectory that is one. Subdirectory micros are ordered frontend apps, static sites, backends (then by name),
 * so the micro that `generateSpacefile` makes primary is the one a browser should land on.
 */
export function detectMicros(dir: string): DetectedMicro[] {
  const root = resolve(dir);
  const self = detectDirectory(root);
  if (self) return [{ name: cleanName(basename(root)) || 'app', src: './', ...self }];
  const micros: DetectedMicro[] = [];
  const used = new Set<string>();
  const entries = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .map((entry) => entry.name)
    .sort();
  for (const entry of entries) {
    const found = detectDirectory(join(root, entry));
    if (!found) continue;
    micros.push({ name: uniqueName(cleanName(entry) || 'micro', used), src: `./${entry}`, ...found });
  }
  const rank = (micro: DetectedMicro) => KIND_ORDER.indexOf(ENGINE_INFO[micro.engine].kind);
  return micros.sort((a, b) => rank(a) - rank(b));
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${name}-${n}`;
  used.add(candidate);
  return candidate;
}

/** First hit wins: Python, then Node (framework by dependency), then Go, then a static site. */
function detectDirectory(dir: string): Pick<DetectedMicro, 'engine' | 'serve' | 'dev'> | undefined {
  if (PYTHON_MARKERS.some((file) => existsSync(join(dir, file)))) return { engine: 'python3.9' };
  const packageJson = join(dir, 'package.json');
  if (existsSync(packageJson)) return detectNode(packageJson);
  if (existsSync(join(dir, 'go.mod'))) return { engine: 'custom' };
  if (existsSync(join(dir, 'index.html'))) return { engine: 'static', serve: './' };
  return undefined;
}

function detectNode(packageJson: string): Pick<DetectedMicro, 'engine' | 'serve' | 'dev'> {
  const { has, scripts } = readManifest(packageJson);
  if (has('react-scripts') || has('react-dev-utils')) return { engine: 'react', serve: 'build' };
  // SvelteKit apps also depend on svelte and its Vite plugin, so they must be recognised first.
  if (has('@sveltejs/kit')) return { engine: 'svelte-kit' };
  if (has('svelte') && has('@sveltejs/vite-plugin-svelte')) return { engine: 'svelte', serve: 'dist' };
  if (has('@vue/cli-service')) return { engine: 'vue', serve: 'dist' };
  if (has('next')) return { engine: 'next' };
  if (has('nuxt') || has('nuxt3') || has('nuxt-edge')) return { engine: 'nuxt' };
  if (has('vite') && (has('react') || has('@vitejs/plugin-react') || has('@vitejs/plugin-react-swc'))) {
    return { engine: 'react', serve: 'dist' };
  }
  if (has('vite') && (has('vue') || has('@vitejs/plugin-vue'))) return { engine: 'vue', serve: 'dist' };
  // nodejs16 has no default dev command (Space ran `run` only when deployed); the project's own dev
  // script is what its author runs, and npm passes it PORT.
  return typeof scripts.dev === 'string' ? { engine: 'nodejs16', dev: 'npm run dev' } : { engine: 'nodejs16' };
}

/** A package.json that does not parse still marks a Node project; it just has no known framework. */
function readManifest(packageJson: string): { has: (name: string) => boolean; scripts: Record<string, unknown> } {
  let names = new Set<string>();
  let scripts: Record<string, unknown> = {};
  try {
    const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as Record<string, unknown>;
    names = new Set(
      ['dependencies', 'devDependencies'].flatMap((field) => {
        const deps = manifest[field];
        return deps !== null && typeof deps === 'object' ? Object.keys(deps) : [];
      }),
    );
    if (manifest.scripts !== null && typeof manifest.scripts === 'object') scripts = manifest.scripts as Record<string, unknown>;
  } catch {
    // Unparsable: detected as plain Node below.
  }
  return { has: (name) => names.has(name), scripts };
}
