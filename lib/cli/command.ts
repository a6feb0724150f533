import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createOutput, type Output } from './output.js';

/** One `space-router <name>` subcommand. */
export interface Command {
  /** The whole `--help` text. */
  help: string;
  /** Resolves with the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** Wrong flags or arguments: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Flags every command understands. */
const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'no-color': { type: 'boolean' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type CommandConfig<O extends Options> = { args: string[]; options: typeof COMMON_OPTIONS & O; allowPositionals: true };

export interface ParsedCommand<O extends Options> {
  values: ReturnType<typeof parseArgs<CommandConfig<O>>>['values'];
  positionals: string[];
  output: Output;
  /** --help was given and printed: the command returns 0. */
  helpShown: boolean;
}

/**
 * How every command starts: its own flags plus the common ones, parsed strictly (positionals allowed),
 * output set up for --no-color, and --help answered on stdout.
 */
export function parseCommand<const O extends Options>(command: Command, argv: string[], options: O): ParsedCommand<O> {
  const config: CommandConfig<O> = { args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true };
  const { values, positionals } = parseStrict(config);
  // TypeScript cannot resolve the parsed type of a generic config here; these two flags are always in it.
  const common = values as { help?: boolean; 'no-color'?: boolean };
  const output: Output = createOutput(common['no-color'] === true);
  if (common.help) output.out(command.help);
  return { values, positionals, output, helpShown: common.help === true };
}

/** `parseArgs` in strict mode whose complaints (unknown flag, missing value) become UsageErrors. */
function parseStrict<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = String((error as { code?: unknown }).code);
    if (error instanceof TypeError && code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // Node adds advice about positional arguments after '--', which misleads for `dev --version`.
      throw new UsageError(`${error.message.split('. ')[0]}. The options are ${optionList(config.options ?? {})}.`);
    }
    if (error instanceof TypeError && code.startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message);
    throw error;
  }
}

function optionList(options: NonNullable<ParseArgsConfig['options']>): string {
  return Object.entries(options)
    .map(([name, option]) => (option.short ? `--${name} (-${option.short})` : `--${name}`))
    .sort()
    .join(', ');
}
