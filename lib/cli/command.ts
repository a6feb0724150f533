import { parseArgs, type ParseArgsConfig } from 'node:util';

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
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'no-color': { type: 'boolean' },
} as const;

/** `parseArgs` in strict mode whose complaints (unknown flag, missing value) become UsageErrors. */
export function parseStrict<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
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
