import { parseSpacefile, SpacefileError, type DetectedMicro } from '../spacefile/index.js';
import type { Colors } from './output.js';

/** Space's limit, also enforced by `validate`; init checks it first to explain it in terms of what it found. */
export const MAX_MICROS = 5;

const SPACEFILE_DOCS = 'https://deta.space/docs/en/build/reference/spacefile';

/** Why init writes nothing for this many micros, with what it found, so the user can choose which to keep. */
export function tooManyMicrosLines(micros: readonly DetectedMicro[], dir: string, colors: Colors): string[] {
  const nameWidth = Math.max(...micros.map((micro) => micro.name.length));
  const srcWidth = Math.max(...micros.map((micro) => micro.src.length));
  return [
    `${colors.red('error:')} found ${micros.length} micros in ${dir}, but a Space app has at most ${MAX_MICROS}; no Spacefile was written.`,
    ...micros.map((micro) => `  ${micro.name.padEnd(nameWidth)}  ${micro.src.padEnd(srcWidth)}  ${micro.engine}`),
    `Run init on a directory holding at most ${MAX_MICROS} of them, or write the Spacefile by hand (${SPACEFILE_DOCS}).`,
  ];
}

/**
 * Throws unless `validate` would accept `text`: init must never write a Spacefile the rest of the
 * tool rejects. Detection and validation live apart, so this catches any rule they disagree on.
 */
export function checkGenerated(text: string, filename: string, root: string): void {
  try {
    parseSpacefile(text, { filename, root });
  } catch (error) {
    if (!(error instanceof SpacefileError)) throw error;
    throw new Error(
      `the Spacefile generated for ${root} does not pass validation, so nothing was written ` +
        `(a bug in space-router init; please report it with this output):\n${error.message}\n\n${text.trimEnd()}`,
    );
  }
}
