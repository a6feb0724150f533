import { readFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import { codeFrame } from '../spacefile/code-frame.js';
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

/** One block per problem: `file:line:column path: message`, its hint, and the lines it points at. */
export function spacefileProblemLines(error: SpacefileError, { colors }: Output): string[] {
  if (error.problems.length === 0) return [`${colors.red('error:')} ${error.message}`];
  const file = displayPath(error.filename);
  const source = readSource(error.filename);
  const lines = error.problems.flatMap((problem, index) => {
    const where = colors.bold(`${file}:${problem.line}:${problem.column}`);
    const what = problem.path ? `${colors.cyan(problem.path)}: ${problem.message}` : problem.message;
    const block = [`${colors.red('✖')} ${where} ${what}`];
    if (problem.hint) block.push(`    ${colors.dim('hint:')} ${problem.hint}`);
    if (source !== undefined) {
      block.push(...codeFrame(source, problem.line, problem.column).split('\n').map((line) => colors.dim(`  ${line}`)));
    }
    return index < error.problems.length - 1 && source !== undefined ? [...block, ''] : block;
  });
  const count = error.problems.length;
  lines.push('', colors.red(`${count} problem${count === 1 ? '' : 's'} in ${file}`));
  return lines;
}

/** The Spacefile's text for code frames; its name is as it was given, relative to this directory. */
function readSource(filename: string): string | undefined {
  try {
    return readFileSync(filename, 'utf8');
  } catch {
    return undefined;
  }
}

/** Paths below the working directory are shown relative to it, the way compilers print them. */
export function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
