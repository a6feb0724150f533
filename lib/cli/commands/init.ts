import { lstatSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectMicros, generateSpacefile } from '../../spacefile/index.js';
import { isDirectory as isDirectoryPath } from '../../spacefile/is-directory.js';
import { parseCommand, UsageError, type Command } from '../command.js';
import { displayPath } from '../errors.js';
import { checkGenerated, MAX_MICROS, tooManyMicrosLines } from '../init-checks.js';
import { missingDevNotes } from '../init-notes.js';

export const init: Command = {
  help: `Usage: space-router init [dir] [options]

Look at dir (default: .) the way Deta's "space new" did: the directory itself,
else each immediate subdirectory, is a micro when it holds a Python, Node, Go
or static site project. Write dir/Spacefile and print it, with a note for each
micro that needs a dev command before "space-router dev" can start it. With
more than ${MAX_MICROS} micros (Space's limit) nothing is written.

Options:
  --force      overwrite an existing Spacefile
  --no-color   plain output
  -h, --help   show this help

Exit status: 0 when the Spacefile was written, 1 when it was not (it exists,
no micro was found, too many micros), 2 on wrong usage.`,

  async run(argv) {
    const { values, positionals, output, helpShown } = parseCommand(this, argv, { force: { type: 'boolean' } });
    if (helpShown) return 0;
    if (positionals.length > 1) throw new UsageError(`init takes one directory, got ${positionals.length}`);
    const dir = resolve(positionals[0] ?? '.');
    checkDirectory(dir);
    const target = join(dir, 'Spacefile');
    const exists = () => new Error(`${displayPath(target)} already exists; run with --force to overwrite it.`);
    // --force cannot replace a directory, so neither message may suggest it.
    const isDirectory = () =>
      new Error(`${displayPath(target)} is a directory, not a file; move or remove it, then run space-router init again.`);
    // stat, not lstat: a symlink to a directory cannot be written either.
    if (isDirectoryPath(target)) throw isDirectory();
    // lstat, not exists: a symlink to a file not created yet is still the user's Spacefile.
    if (isPresent(target) && !values.force) throw exists();
    const micros = detectMicros(dir);
    if (micros.length === 0) {
      throw new Error(
        `No micro found in ${displayPath(dir)}: neither it nor a subdirectory holds a package.json, ` +
          `requirements.txt, Pipfile, setup.py, main.py, go.mod or index.html. Write the Spacefile by hand ` +
          `(https://deta.space/docs/en/build/reference/spacefile).`,
      );
    }
    if (micros.length > MAX_MICROS) {
      for (const line of tooManyMicrosLines(micros, displayPath(dir), output.colors)) output.err(line);
      return 1;
    }
    const text = generateSpacefile(micros);
    checkGenerated(text, displayPath(target), dir);
    try {
      // 'wx' refuses to replace a Spacefile created since the check above.
      writeFileSync(target, text, { flag: values.force ? 'w' : 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw code === 'EEXIST' ? exists() : code === 'EISDIR' ? isDirectory() : error;
    }
    output.out(text.trimEnd());
    output.out();
    const names = micros.map((micro) => micro.name).join(', ');
    output.out(`${output.colors.green('✓')} wrote ${displayPath(target)} (${names})`);
    const notes = missingDevNotes(micros, output.colors);
    if (notes.length > 0) output.out();
    for (const line of notes) output.out(line);
    return 0;
  },
};

function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Detection reads the directory: say plainly when there is none, instead of a scandir errno. */
function checkDirectory(dir: string): void {
  const advice = 'pass the directory of your project (default: the current one).';
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(`${displayPath(dir)} does not exist; ${advice}`);
  }
  if (!isDirectory) throw new Error(`${displayPath(dir)} is not a directory; ${advice}`);
}
