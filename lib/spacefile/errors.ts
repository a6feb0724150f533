import type { SpacefileProblem } from './types.js';
import { codeFrame } from './code-frame.js';

export type SpacefileErrorCode = 'ERR_SPACEFILE_INVALID' | 'ERR_SPACEFILE_NOT_FOUND';

/**
 * Every problem of one Spacefile at once. `message` has one line per problem,
 * `file:line:column path: message; hint`, followed by a code frame per problem when the source is known.
 */
export class SpacefileError extends Error {
  readonly code: SpacefileErrorCode;
  readonly problems: SpacefileProblem[];
  /** The file name as given (used as the prefix of every message line). */
  readonly filename: string;

  constructor(details: {
    code: SpacefileErrorCode;
    filename: string;
    problems?: SpacefileProblem[];
    source?: string;
    /** Replaces the per-problem lines, for errors that are not about the file's content. */
    message?: string;
  }) {
    const problems = details.problems ?? [];
    super(details.message ?? formatProblems(problems, details.filename, details.source));
    this.name = 'SpacefileError';
    this.code = details.code;
    this.problems = problems;
    this.filename = details.filename;
  }
}

/** `Spacefile:7:5 micros[1].engine: "nodejs18" is not an engine; use one of static, react, ...` */
export function formatProblem(problem: SpacefileProblem, filename: string): string {
  const where = `${filename}:${problem.line}:${problem.column}`;
  const what = problem.path ? `${problem.path}: ${problem.message}` : problem.message;
  return problem.hint ? `${where} ${what}; ${problem.hint}` : `${where} ${what}`;
}

export function formatProblems(
  problems: readonly SpacefileProblem[],
  filename: string,
  source?: string,
): string {
  const lines = problems.map((problem) => formatProblem(problem, filename));
  if (source === undefined) return lines.join('\n');
  const frames = problems.map(
    (problem) => `${filename}:${problem.line}:${problem.column}\n${codeFrame(source, problem.line, problem.column)}`,
  );
  return `${lines.join('\n')}\n\n${frames.join('\n\n')}`;
}
