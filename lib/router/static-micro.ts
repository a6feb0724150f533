import { statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import type { Micro } from '../spacefile/types.js';
import type { RouteMatch } from './route-table.js';
import { toOriginForm } from './route-table.js';
import { sendProblem } from './error-response.js';

export type StaticMicroHandler = (req: IncomingMessage, res: ServerResponse, match: RouteMatch) => void;

/**
 * Serve an `engine: static` micro's `serve` directory in-process, as Space did without a process:
 * index.html for directories, a trailing-slash redirect for directory paths (so relative links resolve
 * inside them), content types by extension, 404 for anything missing, nothing outside the directory
 * and no SPA fallback. Files are looked up per request, so edits show up without a restart.
 */
export function createStaticMicro(micro: Micro, projectRoot: string): StaticMicroHandler {
  const root = resolve(micro.dir ?? resolve(projectRoot, micro.src), micro.serve ?? '.');
  const serve = sirv(root, { dev: true, etag: true, extensions: ['html'] });

  return function serveStaticMicro(req, res, match) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`405 Method Not Allowed: the static micro "${micro.name}" only answers GET and HEAD.\n`);
      return;
    }
    const [pathname = '/', query] = splitQuery(match.path);
    const requested = splitQuery(toOriginForm(req.url ?? '/'))[0] ?? '/';
    // `/docs` reaches the micro as `/`, but the browser must be at `/docs/` for `./app.css` to resolve.
    const isMountRoot = match.prefix !== '/' && requested === match.prefix;
    if (isMountRoot || (!pathname.endsWith('/') && isDirectoryInside(root, pathname))) {
      const base = match.prefix === '/' ? '' : match.prefix;
      // A primary's path may start with `//` (or `/\`, which browsers read the same): as a Location
      // that is a protocol-relative URL, sending the browser to another host. One slash keeps it here.
      const path = (base + (isMountRoot ? '/' : pathname + '/')).replace(/^[/\\]+/, '/');
      const location = path + (query === undefined ? '' : `?${query}`);
      res.statusCode = 301;
      res.setHeader('Location', location);
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`Redirecting to ${location}\n`);
      return;
    }
    req.url = match.path;
    serve(req, res, () =>
      sendProblem(req, res, {
        status: 404,
        code: 'static_not_found',
        title: `No file for ${pathname} in the static micro "${micro.name}"`,
        message: `Nothing matches ${pathname} (or ${pathname.replace(/\/?$/, '/index.html')}) in ${root}.`,
      }),
    );
  };
}

function splitQuery(path: string): [string, string | undefined] {
  const index = path.indexOf('?');
  return index === -1 ? [path, undefined] : [path.slice(0, index), path.slice(index + 1)];
}

function isDirectoryInside(root: string, pathname: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const absolute = join(root, decoded);
  if (absolute !== root && !absolute.startsWith(root + sep)) return false;
  try {
    return statSync(absolute).isDirectory();
  } catch {
    return false;
  }
}
