import { ENGINE_INFO, type DetectedMicro, type Engine } from '../spacefile/index.js';
import type { Colors } from './output.js';

/** What such a micro's `dev` usually is; only an example, since the entry point is the user's to name. */
const EXAMPLE_DEV: Partial<Record<Engine, string>> = {
  nodejs16: 'node index.js',
  'python3.9': 'uvicorn main:app --port $PORT',
  'python3.8': 'uvicorn main:app --port $PORT',
  // Detection makes a `custom` micro of a Go module only.
  custom: 'go run .',
};

/**
 * One note per written micro that `dev` could not start: its engine has no default dev command and
 * init writes none, because guessing the entry point and how it takes its port would often be wrong.
 */
export function missingDevNotes(micros: readonly DetectedMicro[], colors: Colors): string[] {
  return micros
    .filter((micro) => ENGINE_INFO[micro.engine].kind === 'backend' && ENGINE_INFO[micro.engine].devCommand === undefined)
    .flatMap((micro) => [
      `${colors.yellow('note:')} ${micro.name} (${micro.engine}) has no dev command, so space-router dev cannot start it yet.`,
      `      Add one to its entry that listens on $PORT, e.g.  ${colors.bold(`dev: ${EXAMPLE_DEV[micro.engine] ?? 'your-start-command'}`)}`,
    ]);
}
