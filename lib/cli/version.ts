import { readFileSync } from 'node:fs';

/** The package version; the same relative path holds from `lib/cli/` (source) and `dist/cli/` (built). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
