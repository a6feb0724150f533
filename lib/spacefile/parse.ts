import { resolve } from 'node:path';
import type { Spacefile, SpacefileProblem } from './types.js';
import { SpacefileError } from './errors.js';
import { parseYaml, toData } from './yaml-syntax.js';
import { spacefileSchema } from './schema.js';
import { describeIssue, type RawProblem } from './issues.js';
import { checkRules } from './rules.js';
import { normalise } from './normalise.js';
import { formatPath, locate } from './positions.js';
import type { Document, LineCounter } from 'yaml';

export interface ParseOptions {
  /** Shown in error messages; default `Spacefile`. */
  filename?: string;
  /** Project root: enables the check that every `src` exists and sets each micro's absolute `dir`. */
  root?: string;
}

/**
 * Parse, validate and normalise Spacefile text. Throws a SpacefileError holding every problem found.
 * YAML syntax errors are reported alone: a broken tree would add misleading schema problems.
 */
export function parseSpacefile(source: string, options: ParseOptions = {}): Spacefile {
  // Editors on Windows save UTF-8 with a byte-order mark; it is no character of line 1 to the user,
  // so columns and code frames are counted without it.
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  const filename = options.filename ?? 'Spacefile';
  const root = options.root === undefined ? undefined : resolve(options.root);
  const { doc, lineCounter, problems: syntax } = parseYaml(text);
  if (syntax.length > 0) throw invalid(filename, syntax, text);

  const converted = toData(doc, lineCounter);
  if ('problem' in converted) throw invalid(filename, [converted.problem], text);
  const raw = converted.data;
  const result = spacefileSchema.safeParse(raw);
  const found: RawProblem[] = [
    ...(result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue, raw))),
    ...checkRules(raw, root),
  ];
  if (found.length > 0 || !result.success) {
    throw invalid(filename, position(found, doc, lineCounter), text);
  }
  const spacefile = normalise(result.data, root);
  if (root !== undefined) spacefile.root = root;
  if (options.filename !== undefined) spacefile.filename = options.filename;
  return spacefile;
}

function position(found: RawProblem[], doc: Document, lineCounter: LineCounter): SpacefileProblem[] {
  const problems = found.map((problem, order) => {
    const { line, column } = locate(doc, lineCounter, problem.path);
    const positioned: SpacefileProblem = { line, column, path: formatPath(problem.path), message: problem.message };
    if (problem.hint) positioned.hint = problem.hint;
    return { positioned, order };
  });
  problems.sort((a, b) => a.positioned.line - b.positioned.line || a.positioned.column - b.positioned.column || a.order - b.order);
  return problems.map((p) => p.positioned);
}

function invalid(filename: string, problems: SpacefileProblem[], source: string): SpacefileError {
  return new SpacefileError({ code: 'ERR_SPACEFILE_INVALID', filename, problems, source });
}
