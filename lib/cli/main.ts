#!/usr/bin/env node
import { closest } from '../spacefile/suggest.js';
import { commands } from './commands/index.js';
import { reportError } from './errors.js';
import { createOutput } from './output.js';
import { packageVersion } from './version.js';

const HELP = `Usage: space-router <command> [options]

Run a whole Deta Space app (its Spacefile micros) locally behind one origin.

Commands:
${commands.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Options:
  -h, --help      show help (also after a command: space-router dev --help)
  -v, --version   print the version

Exit status: 0 on success, 1 on failure, 2 on wrong usage.`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const output = createOutput(argv.includes('--no-color'));
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    // `space-router help dev` is `space-router dev --help`.
    if (rest[0] !== undefined && !rest[0].startsWith('-')) return main([rest[0], '--help', ...rest.slice(1)]);
    // Asked for, help is the output; without a command it explains a usage error, so it goes where errors go.
    if (first === undefined) {
      output.err(HELP);
      return 2;
    }
    output.out(HELP);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    output.out(packageVersion());
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === first);
  if (!command && first.startsWith('-')) {
    output.err(
      `${output.colors.red('error:')} unknown option "${first}": space-router itself takes only --help and --version; ` +
        "a command's options go after it, as in space-router dev --port 4200",
    );
    output.err(`Commands: ${commands.map((candidate) => candidate.name).join(', ')}. Run space-router --help.`);
    return 2;
  }
  if (!command) {
    const typo = closest(first, commands.map((candidate) => candidate.name));
    output.err(`${output.colors.red('error:')} unknown command "${first}"${typo ? `; did you mean "${typo}"?` : ''}`);
    output.err(`Commands: ${commands.map((candidate) => candidate.name).join(', ')}. Run space-router --help.`);
    return 2;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (error) {
    return reportError(error, output, command.name);
  }
}

// A reader that went away (`space-router routes | head -1`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
