import { relative, isAbsolute } from 'node:path';
import { SpacefileError } from '../spacefile/index.js';
import { MicroError } from '../supervisor/types.js';
import { UsageError } from './command.js';
import type { Output } from './output.js';

/** Print any error a command threw in the form a person can act on; returns the exit code. */
export function reportError(error: unknown, output: Output, command: string): number {
  const { colors, err } = output;
  if (error instanceof UsageError) {
    err(`${colors.red('error:')} ${error.message}`);
    err(`Run ${colors.bold(command ? `space-router ${command} --help` : 'space-router --help')} for usage.`);
    return 2;
  }
  if (error instanceof SpacefileError) {
    for (const line of spacefileProblemLines(error, output)) err(line);
    return 1;
  }
  if (error instanceof MicroError) {
    err(`${colors.red('error:')} ${error.message}`);
    if (error.logTail.length > 0 && !error.message.includes(error.logTail.at(-1) ?? '\0')) {
      err(colors.dim(`last log lines of ${error.micro}:`));
      for (const line of error.logTail) err(`  ${line}`);
    }
    return 1;
  }
  err(`${colors.red('error:')} ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

/** One block per problem: `file:line:column path: message`, then its hint indented. */
export function spacefileProblemLines(error: SpacefileError, { colors }: Output): string[] {
  if (error.problems.length === 0) return [`${colors.red('error:')} ${error.message}`];
  const file = displayPath(error.filename);
  const lines = error.problems.flatMap((problem) => {
    const where = colors.bold(`${file}:${problem.line}:${problem.column}`);
    const what = problem.path ? `${colors.cyan(problem.path)}: ${problem.message}` : problem.message;
    const head = `${colors.red('✖')} ${where} ${what}`;
    return problem.hint ? [head, `    ${colors.dim('hint:')} ${problem.hint}`] : [head];
  });
  const count = error.problems.length;
  lines.push('', colors.red(`${count} problem${count === 1 ? '' : 's'} in ${file}`));
  return lines;
}

/** Paths below the working directory are shown relative to it, the way compilers print them. */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
