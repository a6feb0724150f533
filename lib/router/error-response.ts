import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MicroState } from '../supervisor/types.js';

/** Everything the router knows about why it could not hand a request to a micro. */
export interface RouterProblem {
  status: number;
  /** Stable machine-readable reason, e.g. `micro_down`. */
  code: string;
  /** One line, e.g. `Micro "api" is not running`. */
  title: string;
  /** What happened and what to do about it. */
  message: string;
  micro?: {
    name: string;
    command?: string;
    port?: number;
    state?: MicroState;
    logTail: string[];
  };
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
}

/**
 * Answer with the problem: a page for browsers (reloading itself while the micro is coming up),
 * JSON for everything else. A response that already started streaming cannot carry an error, so its
 * connection is destroyed: the client must see a broken transfer, never a clean but truncated one.
 */
export function sendProblem(req: IncomingMessage, res: ServerResponse, problem: RouterProblem): void {
  if (res.destroyed || res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const html = wantsHtml(req);
  const body = html ? renderHtml(problem) : JSON.stringify({ error: problemJson(problem) }, null, 2) + '\n';
  res.statusCode = problem.status;
  res.setHeader('Content-Type', html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  if (problem.retryAfter !== undefined) res.setHeader('Retry-After', String(problem.retryAfter));
  res.end(body);
}

/** The same answer on a raw upgrade socket, which is then closed. */
export function writeUpgradeProblem(socket: Duplex, problem: RouterProblem): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: problemJson(problem) }) + '\n';
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...(problem.retryAfter !== undefined ? [`Retry-After: ${problem.retryAfter}`] : []),
  ];
  socket.end(head.join('\r\n') + '\r\n\r\n' + body);
}

function wantsHtml(req: IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.includes('text/html');
}

function problemJson(problem: RouterProblem): Record<string, unknown> {
  return {
    status: problem.status,
    code: problem.code,
    title: problem.title,
    message: problem.message,
    ...(problem.micro ? { micro: problem.micro } : {}),
  };
}

function isComingUp(problem: RouterProblem): boolean {
  const state = problem.micro?.state;
  return state === 'starting' || state === 'restarting';
}

function renderHtml(problem: RouterProblem): string {
  const micro = problem.micro;
  const rows = micro
    ? [
        ['micro', micro.name],
        ['command', micro.command ?? '(none)'],
        ['port', micro.port === undefined ? '(none)' : String(micro.port)],
        ['state', micro.state ?? 'unknown'],
      ]
    : [];
  const logs = micro && micro.logTail.length > 0 ? micro.logTail.join('\n') : '(no output yet)';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${isComingUp(problem) ? '<meta http-equiv="refresh" content="2">\n' : ''}<title>${problem.status} ${escapeHtml(problem.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.3rem}th{text-align:left;padding-right:1rem;color:#666;font-weight:normal}
pre{background:#111;color:#eee;padding:1rem;overflow:auto;font-size:13px}
</style>
</head>
<body>
<h1>${problem.status} · ${escapeHtml(problem.title)}</h1>
<p>${escapeHtml(problem.message)}</p>
${rows.length > 0 ? `<table>${rows.map(([key, value]) => `<tr><th>${key}</th><td><code>${escapeHtml(value ?? '')}</code></td></tr>`).join('')}</table>` : ''}
${micro ? `<h2>Last log lines</h2>\n<pre>${escapeHtml(logs)}</pre>` : ''}
${isComingUp(problem) ? '<p>This page reloads itself until the micro is ready.</p>' : ''}
<p><small>space-router · ${escapeHtml(problem.code)}</small></p>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
