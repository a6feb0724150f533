import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Micro, Spacefile } from '../spacefile/types.js';

/**
 * The micro the Vite dev server is: the one named in the options, else the one whose `src` directory
 * is Vite's root. The router must not spawn it, since that would start a second Vite.
 */
export function selfMicro(spacefile: Spacefile, file: string, viteRoot: string, name?: string): Micro {
  const listing = spacefile.micros.map((micro) => `${micro.name} (src: ${micro.src})`).join(', ');
  if (name !== undefined) {
    const named = spacefile.micros.find((micro) => micro.name === name);
    if (named) return named;
    throw new Error(
      `space-router/vite: the plugin option micro: "${name}" names no micro of ${file}; its micros are ${listing}.`,
    );
  }
  const root = canonical(viteRoot);
  const projectRoot = path.dirname(file);
  const found = spacefile.micros.find(
    (micro) => canonical(micro.dir ?? path.resolve(projectRoot, micro.src)) === root,
  );
  if (found) return found;
  throw new Error(
    `space-router/vite: no micro of ${file} has Vite's root (${viteRoot}) as its src; its micros are ${listing}. ` +
      "Point a micro's src at this directory, or name the micro Vite serves: spaceRouter({ micro: 'frontend' }).",
  );
}

function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
