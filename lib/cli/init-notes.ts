import { ENGINE_INFO, type DetectedMicro } from '../spacefile/index.js';
import type { Colors } from './output.js';

/** Detection makes a `custom` micro of a Go module only, so its example can be exact. */
const DETECTED_CUSTOM_DEV = 'go run .';

/**
 * One note per written micro that `dev` could not start: its engine has no default dev command and
 * init writes none, because guessing the entry point and how it takes its port would often be wrong.
 */
export function missingDevNotes(micros: readonly DetectedMicro[], colors: Colors): string[] {
  return micros
    .filter((micro) => ENGINE_INFO[micro.engine].kind === 'backend' && ENGINE_INFO[micro.engine].devCommand === undefined && !micro.dev)
    .flatMap((micro) => [
      `${colors.yellow('note:')} ${micro.name} (${micro.engine}) has no dev command, so space-router dev cannot start it yet.`,
      `      Add one to its entry that listens on $PORT, e.g.  ${colors.bold(`dev: ${micro.engine === 'custom' ? DETECTED_CUSTOM_DEV : (ENGINE_INFO[micro.engine].exampleDev ?? 'your-start-command')}`)}`,
    ]);
}
