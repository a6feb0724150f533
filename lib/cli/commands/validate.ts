import { loadSpacefile } from '../../spacefile/index.js';
import { parseCommand, UsageError, type Command } from '../command.js';
import { displayPath } from '../errors.js';

export const validate: Command = {
  help: `Usage: space-router validate [file|dir] [options]

Check a Spacefile (default: ./Spacefile) against the rules Deta Space applied.
Every problem is printed as file:line:column with the key, what is wrong and
how to fix it.

Options:
  --no-color   plain output
  -h, --help   show this help

Exit status: 0 when the Spacefile is valid, 1 when it has problems or is
missing, 2 on wrong usage.`,

  async run(argv) {
    const { positionals, output, helpShown } = parseCommand(this, argv, {});
    if (helpShown) return 0;
    if (positionals.length > 1) throw new UsageError(`validate takes one Spacefile or directory, got ${positionals.length}`);
    // Problems surface as a SpacefileError, printed by the caller with every position.
    const spacefile = loadSpacefile(positionals[0] ?? '.');
    const micros = spacefile.micros.map((micro) => `${micro.name} ${micro.path}`).join(', ');
    const count = spacefile.micros.length;
    output.out(
      `${output.colors.green('✓')} ${displayPath(spacefile.filename ?? 'Spacefile')} is valid: ` +
        `${count} micro${count === 1 ? '' : 's'} (${micros})`,
    );
    return 0;
  },
};
