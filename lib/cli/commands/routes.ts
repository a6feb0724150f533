import { createRouteTable, RESERVED_PREFIX, type RouteResult } from '../../router/route-table.js';
import { loadSpacefile, servedFromFiles } from '../../spacefile/index.js';
import type { Micro } from '../../spacefile/types.js';
import { parseCommand, UsageError, type Command } from '../command.js';
import type { Output } from '../output.js';
import { isProjectArg } from '../project-arg.js';
import { renderTable } from '../table.js';

export const routes: Command = {
  help: `Usage: space-router routes [dir|file] [url] [options]

Without a URL: the route table of the Spacefile (default: ./Spacefile), in the
order requests are matched. With a URL (a path like /api/x?y=1, or a full
http://... address): the micro that gets the request and the path it receives.

A single argument is the project when it is a Spacefile or a directory holding
one, otherwise the URL; write "space-router routes . /docs" to be explicit.

Options:
  --no-color   plain output
  -h, --help   show this help

Examples:
  space-router routes
  space-router routes examples/fullstack /api/users/42?x=1

Exit status: 0 on success, 1 when the Spacefile is missing or invalid, 2 on
wrong usage (text that is not a URL or path included).`,

  async run(argv) {
    const { positionals, output, helpShown } = parseCommand(this, argv, {});
    if (helpShown) return 0;
    if (positionals.length > 2) throw new UsageError(`routes takes at most a project and a URL, got ${positionals.length} arguments`);
    let [project, url] = positionals;
    if (positionals.length === 1 && project !== undefined && !isProjectArg(project)) [project, url] = [undefined, project];

    const spacefile = loadSpacefile(project ?? '.');
    if (url === undefined) printTable(spacefile.micros, output);
    else {
      const typed = typedPath(url);
      const sent = sentPath(url);
      printMatch(url, sent, sent !== typed, createRouteTable(spacefile.micros)(sent), output);
    }
    return 0;
  },
};

function printTable(micros: Micro[], output: Output): void {
  const { colors } = output;
  // Match order: longest mount path first, the primary (which takes the rest) last.
  const ordered = [...micros].sort((a, b) => Number(a.primary) - Number(b.primary) || b.path.length - a.path.length);
  const rows = ordered.map((micro) => [
    micro.name,
    micro.primary ? '/ (everything else)' : micro.path,
    micro.engine,
    servedFromFiles(micro) && micro.serve ? `${micro.src}/${micro.serve}` : micro.src,
  ]);
  rows.push(['(runtime)', RESERVED_PREFIX, '', 'reserved for the Space runtime']);
  const table = renderTable(['MICRO', 'PATH', 'ENGINE', 'SRC'], rows, {
    colors,
    maxWidth: output.columns,
    paint: (_row, column, text) => (column === 0 ? colors.bold(text) : text),
  });
  for (const line of table) output.out(line);
  output.out();
  output.out(colors.dim('Paths match whole segments, longest first; the micro receives the rest with its path stripped.'));
}

function printMatch(url: string, sent: string, rewritten: boolean, match: RouteResult, output: Output): void {
  const { colors } = output;
  output.out(colors.bold(url));
  if (rewritten) {
    output.out(`  sent as:  ${sent} ${colors.dim('(what a browser sends: . and .. resolved, no #fragment)')}`);
  }
  if (match.micro === null) {
    output.out(`  micro:    none (${RESERVED_PREFIX} is reserved for the Space runtime)`);
    output.out(`  runtime:  ${match.path}`);
    return;
  }
  const micro = match.micro;
  const mount = micro.primary ? 'primary: every path no other micro owns' : `mounted at ${micro.path}`;
  output.out(`  micro:    ${colors.green(micro.name)} (${mount}, engine ${micro.engine})`);
  const [path, query] = sent.split(/\?(.*)/s);
  if (servedFromFiles(micro) && !micro.primary && path === micro.path) {
    // The router serves it from files, and relative links in its index.html need the slash.
    const location = `${micro.path}/${query === undefined ? '' : `?${query}`}`;
    output.out(`  redirect: ${colors.cyan(location)} ${colors.dim('(301: a static micro is served at its directory form)')}`);
    return;
  }
  output.out(`  receives: ${colors.cyan(match.path)}`);
}

const ABSOLUTE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/;

/** The path and query as typed: after the host of a full URL; a bare `api/x` is read as `/api/x`. */
function typedPath(url: string): string {
  const rest = url.replace(ABSOLUTE, '');
  return rest.startsWith('/') ? rest : '/' + rest;
}

/**
 * What a client sends for it, which is what the router matches: browsers, fetch and curl resolve
 * `.` and `..` and drop the `#fragment`, so `/api/../x` reaches the primary micro and `/docs#a` is `/docs`.
 * Percent-escapes stay as they are (`/%61pi` is not `/api`), and `//api` stays a path.
 */
function sentPath(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(ABSOLUTE.test(url) ? url : 'http://localhost' + typedPath(url));
  } catch {
    throw new UsageError(`"${url}" is not a URL or path; write a path like /api/x or a full http://... address`);
  }
  return parsed.pathname + parsed.search;
}
