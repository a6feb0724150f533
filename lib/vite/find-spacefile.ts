import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDirectory } from '../spacefile/is-directory.js';

const NAME = 'Spacefile';

/**
 * The Spacefile the plugin serves: `option` (a file, or a directory holding one, relative to Vite's
 * root) when given, else the first `Spacefile` found in Vite's root or one of its parents.
 */
export function findSpacefile(viteRoot: string, option?: string): string {
  if (option !== undefined) {
    const given = path.resolve(viteRoot, option);
    const file = isDirectory(given) ? path.join(given, NAME) : given;
    if (!existsSync(file)) {
      throw new Error(
        `space-router/vite: the Spacefile given in the plugin options does not exist: ${file}. ` +
          'Pass the path of the Spacefile (or of its directory), relative to Vite\'s root.',
      );
    }
    return file;
  }
  for (let dir = viteRoot; ; dir = path.dirname(dir)) {
    const file = path.join(dir, NAME);
    if (existsSync(file) && !isDirectory(file)) return file;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(
    `space-router/vite: no Spacefile in ${viteRoot} or any of its parent directories. ` +
      "Create one at the project root, or pass its path: spaceRouter({ spacefile: '../Spacefile' }).",
  );
}
