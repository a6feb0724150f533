import { LineCounter, isAlias, isMap, isScalar, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { SpacefileProblem } from './types.js';

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
  /** Syntax problems; when there are any, the document tree is not trustworthy. */
  problems: SpacefileProblem[];
}

/**
 * Parse with YAML 1.2 core-schema semantics (`yes`/`no`/`on` stay strings, as in Space's Go parser),
 * turning parser errors into positioned problems with a hint in plain English.
 */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    version: '1.2',
    schema: 'core',
    prettyErrors: false,
    uniqueKeys: true,
    // Space read Spacefiles with Go's yaml.v3, which applies `<<: *anchor` merge keys in YAML 1.2 too.
    merge: true,
  });
  const lines = text.split(/\r\n|\r|\n/);
  const tabLines = linesIndentedWithTabs(doc.errors, lines, lineCounter);
  if (tabLines.length > 0) return { doc, lineCounter, problems: tabProblems(tabLines, lines) };
  const problems: SpacefileProblem[] = [];
  const seenLines = new Set<string>();
  for (const error of doc.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const problem = describeSyntaxError(error, text, lines, doc, lineCounter, line, col);
    // One tab or indentation mistake often yields several parser errors on one line; report it once.
    const key = `${problem.line}:${problem.message}`;
    if (seenLines.has(key)) continue;
    seenLines.add(key);
    problems.push(problem);
  }
  if (problems.length === 0) problems.push(...complexKeys(doc, lineCounter));
  return { doc, lineCounter, problems };
}

/**
 * After a tab the parser loses track of the indentation and reports every later line of the block.
 * So each tab-indented line is reported as such, and the rest of the file is judged as it reads
 * once those tabs are replaced by the spaces the hint suggests: only its own mistakes are added.
 * When a tab's intended depth cannot be told, the tabs alone are reported.
 */
function tabProblems(tabLines: number[], lines: string[]): SpacefileProblem[] {
  const tabs: SpacefileProblem[] = [];
  const repaired = [...lines];
  let repairable = true;
  for (const line of tabLines) {
    // Against the lines above as repaired, so a pasted block of tab-indented lines gets one advice.
    tabs.push(tabProblem(repaired, line));
    const depth = suggestedIndent(repaired, line);
    if (depth === undefined) repairable = false;
    else repaired[line - 1] = ' '.repeat(depth.spaces) + (lines[line - 1] ?? '').trimStart();
  }
  if (!repairable) return tabs;
  // Tab lines the parser did not reach yet are reported by this second look, against repaired lines.
  const rest = parseYaml(repaired.join('\n')).problems;
  return [...tabs, ...rest].sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * Lines the parser stumbled on because of a tab in their indentation: it says so when the tab comes
 * first, but after spaces (`  \tkey:`) it only reports a bad indentation on that line.
 */
function linesIndentedWithTabs(errors: YAMLError[], lines: string[], lineCounter: LineCounter): number[] {
  const found = errors
    .map((error) => ({ code: error.code, line: lineCounter.linePos(error.pos[0]).line }))
    .filter(({ code, line }) => code === 'TAB_AS_INDENT' || /^ *\t/.test(lines[line - 1] ?? ''))
    .map(({ line }) => line);
  return [...new Set(found)].sort((a, b) => a - b);
}

function tabProblem(lines: string[], line: number): SpacefileProblem {
  const sourceLine = lines[line - 1] ?? '';
  const indent = /^[ \t]*/.exec(sourceLine)?.[0] ?? '';
  return {
    line,
    column: 1,
    path: '',
    message: 'this line is indented with a tab; YAML forbids tabs for indentation',
    hint: `replace the tab${indent.split('\t').length > 2 ? 's' : ''} at the start of line ${line} with spaces${alignmentAdvice(lines, line, sourceLine.trimStart())}`,
  };
}

/**
 * The document as plain data, or the problem that stopped the conversion: the parser refuses to expand
 * aliases of aliases past a limit (a "billion laughs" file) and merge keys whose source is no mapping.
 */
export function toData(doc: Document, lineCounter: LineCounter): { data: unknown } | { problem: SpacefileProblem } {
  try {
    return { data: doc.toJS() };
  } catch (error) {
    const message = firstLine(error instanceof Error ? error.message : String(error));
    let offset: number | undefined;
    visit(doc, {
      Alias(_, alias) {
        offset ??= isAlias(alias) ? alias.range?.[0] : undefined;
      },
    });
    const { line, col } = lineCounter.linePos(offset ?? 0);
    if (/alias count/i.test(message)) {
      return {
        problem: {
          line,
          column: col,
          path: '',
          message: 'the aliases here expand to too many values (aliases of aliases)',
          hint: 'write the values out, or use each anchor only a few times',
        },
      };
    }
    return { problem: { line, column: col, path: '', message: `invalid YAML: ${message}`, hint: 'check the anchors (&name), aliases (*name) and merge keys (<<) here' } };
  }
}

/** `? [a]` style keys are valid YAML but no Spacefile key; converting them to JS would only warn. */
function complexKeys(doc: Document, lineCounter: LineCounter): SpacefileProblem[] {
  const problems: SpacefileProblem[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (pair.key === null || isScalar(pair.key)) return;
      const { line, col } = lineCounter.linePos((pair.key as { range?: number[] }).range?.[0] ?? 0);
      problems.push({ line, column: col, path: '', message: 'a key here is a list or mapping', hint: 'Spacefile keys are plain words such as "name"' });
    },
  });
  return problems;
}

function describeSyntaxError(
  error: YAMLError,
  text: string,
  lines: string[],
  doc: Document,
  lineCounter: LineCounter,
  line: number,
  column: number,
): SpacefileProblem {
  const sourceLine = lines[line - 1] ?? '';
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const duplicate = duplicateKey(doc, lineCounter, error.pos[0]);
      const key = duplicate?.key ?? (/^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0].trim() || 'this key');
      return {
        line,
        column,
        path: '',
        message: `key "${key}" appears twice in the same mapping${duplicate?.firstLine ? ` (first on line ${duplicate.firstLine})` : ''}`,
        hint: 'keep one of them; YAML does not allow duplicate keys',
      };
    }
    case 'MISSING_CHAR':
    case 'BAD_INDENT':
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
    case 'UNEXPECTED_TOKEN': {
      if (/quote/i.test(error.message)) {
        const opened = findOpening(lines, line, /:\s+(["'])(?!.*\1\s*(#.*)?$)/);
        return {
          ...(opened ?? { line, column }),
          path: '',
          message: 'a quoted string is not closed',
          hint: 'add the closing quote on the same line',
        };
      }
      if (/^Flow/i.test(error.message)) {
        const opened = findOpening(lines, line, /:\s+([[{])(?!.*[\]}]\s*(#.*)?$)/);
        return {
          ...(opened ?? { line, column }),
          path: '',
          message: 'a flow list or mapping ([...] or {...}) is not closed',
          hint: 'close it with "]" or "}" before the line ends',
        };
      }
      const restOfLine = text.slice(error.pos[0]).split(/\r?\n/)[0] ?? '';
      if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && /:(\s|$)/.test(restOfLine)) {
        return {
          line,
          column,
          path: '',
          message: 'a plain value cannot contain ": "',
          hint: 'quote the value, e.g. key: "a: b"',
        };
      }
      // The parser notices a wrong indentation on the line before or at it; point at the line that moved.
      const badLine = movedLine(lines, line, error.code === 'BLOCK_AS_IMPLICIT_KEY' || error.code === 'MULTILINE_IMPLICIT_KEY');
      const badText = lines[badLine - 1] ?? '';
      const indent = /^ */.exec(badText)?.[0].length ?? 0;
      return {
        line: badLine,
        column: indent + 1,
        path: '',
        message: `line ${badLine} is not indented like the lines around it`,
        hint: `keys of one mapping must start in the same column and each list item starts with "- "${alignmentAdvice(lines, badLine, badText.trimStart())}`,
      };
    }
    case 'MULTIPLE_DOCS':
      return {
        line,
        column,
        path: '',
        message: 'a second YAML document starts here',
        hint: 'a Spacefile is one document; remove this "---" line and what follows, or merge it into the first',
      };
    default:
      return {
        line,
        column,
        path: '',
        message: `invalid YAML: ${firstLine(error.message)}`,
        hint: 'check the quoting and indentation around this position',
      };
  }
}

/** The line whose indentation is off: `line` itself, or the next non-blank line when the parser stopped before it. */
function movedLine(lines: string[], line: number, next: boolean): number {
  if (!next) return line;
  for (let n = line; n < lines.length; n++) if ((lines[n] ?? '').trim() !== '') return n + 1;
  return line;
}

/**
 * Suggest the indentation of the nearest earlier line, which is what a pasted tab usually stood for.
 * No advice after another tab-indented line or under a key that opens a block: the intended depth is unknown.
 */
function alignmentAdvice(lines: string[], line: number, content: string): string {
  const depth = suggestedIndent(lines, line);
  if (!depth) return '';
  const key = content.split(':')[0];
  return ` (${depth.spaces} spaces would line up "${key}" with "${depth.alignedWith}" on line ${depth.line})`;
}

/** The column of the key on the nearest earlier line that says it (see alignmentAdvice). */
function suggestedIndent(lines: string[], line: number): { spaces: number; alignedWith: string; line: number } | undefined {
  for (let n = line - 2; n >= 0; n--) {
    const previous = lines[n] ?? '';
    if (previous.trim() === '' || previous.trimStart().startsWith('#')) continue;
    if (/^[ ]*\t/.test(previous) || /:\s*(#.*)?$/.test(previous)) return undefined;
    const spaces = /^ */.exec(previous)?.[0].length ?? 0;
    const alignedWith = previous.trim().replace(/^- /, '').split(':')[0] ?? '';
    return { spaces: previous.trimStart().startsWith('- ') ? spaces + 2 : spaces, alignedWith, line: n + 1 };
  }
  return undefined;
}

/** The parser reports an unclosed quote or bracket where the file ends; point at where it was opened instead. */
function findOpening(lines: string[], fromLine: number, opener: RegExp): { line: number; column: number } | undefined {
  for (let n = Math.min(fromLine, lines.length); n >= 1; n--) {
    const match = opener.exec(lines[n - 1] ?? '');
    if (match?.[1]) return { line: n, column: match.index + match[0].length };
  }
  return undefined;
}

/** The key at `offset` of a mapping that holds it twice, and the line of its first occurrence. */
function duplicateKey(doc: Document, lineCounter: LineCounter, offset: number): { key: string; firstLine?: number } | undefined {
  let found: { key: string; firstLine?: number } | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map) || found) return;
      const pair = map.items.find((item) => isScalar(item.key) && item.key.range?.[0] === offset);
      if (!pair || !isScalar(pair.key)) return;
      const key = String(pair.key.value);
      const first = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      const start = isScalar(first?.key) ? first.key.range?.[0] : undefined;
      found = { key, firstLine: start === undefined || start === offset ? undefined : lineCounter.linePos(start).line };
    },
  });
  return found;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
