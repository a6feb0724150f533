import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionSigner } from './session.js';

export const SIGNIN_PATH = '/__space/signin';
const SIGNOUT_PATH = '/__space/signout';

/** Where an anonymous browser is sent, with the URL to come back to. */
export function signInLocation(next: string): string {
  return `${SIGNIN_PATH}?next=${encodeURIComponent(safeNext(next))}`;
}

/**
 * Only same-origin paths are followed after sign-in/out: `//evil.example` and `/\evil.example` are
 * protocol-relative to browsers, and anything not starting with `/` could carry a scheme.
 */
function safeNext(next: string | null | undefined): string {
  if (!next || next[0] !== '/') return '/';
  if (next[1] === '/' || next[1] === '\\') return '/';
  if (/[\u0000-\u001f\u007f]/.test(next)) return '/';
  // The query decoded it; a Location header must be ASCII again.
  return next.replace(/[^\x21-\x7e]/gu, (char) =>
    [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/**
 * Serve `/__space/signin` and `/__space/signout`. `path` is the part after `/__space`, query
 * included. Returns false for every other runtime path.
 */
export function handleSessionPages(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  signer: SessionSigner,
): boolean {
  const queryStart = path.indexOf('?');
  const pathname = queryStart === -1 ? path : path.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : path.slice(queryStart + 1));
  const next = safeNext(query.get('next'));

  if (pathname === '/signin') {
    if (req.method === 'GET' || req.method === 'HEAD') {
      sendHtml(res, req.method, signInPage(next, signer.verify(req)));
    } else if (req.method === 'POST') {
      if (!isSameOrigin(req)) {
        req.resume();
        sendText(res, 403, 'Sign-in refused: the form was posted from another origin.\n');
        return true;
      }
      req.resume();
      res.writeHead(303, { location: next, 'set-cookie': signer.issue(req), 'cache-control': 'no-store' });
      res.end();
    } else {
      methodNotAllowed(req, res, 'GET, HEAD, POST');
    }
    return true;
  }

  if (pathname === '/signout') {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST') {
      req.resume();
      res.writeHead(req.method === 'POST' ? 303 : 302, {
        location: next,
        'set-cookie': signer.clear(req),
        'cache-control': 'no-store',
      });
      res.end();
    } else {
      methodNotAllowed(req, res, 'GET, HEAD, POST');
    }
    return true;
  }

  return false;
}

/** Browsers send `Origin` on form posts; a missing header (curl, old clients) is allowed. */
function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function signInPage(next: string, signedIn: boolean): string {
  const action = `${SIGNIN_PATH}?next=${encodeURIComponent(next)}`;
  const body = signedIn
    ? `<p>You are signed in to this local app.</p>
<p><a href="${escapeHtml(next)}">Continue to ${escapeHtml(next)}</a></p>
<form method="post" action="${escapeHtml(`${SIGNOUT_PATH}?next=${encodeURIComponent(next)}`)}"><button type="submit">Sign out</button></form>`
    : `<p>This app is private. Signing in here emulates a Deta Space session: private routes become reachable from this browser.</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit" id="signin">Sign in</button></form>
<p>After signing in you return to <code>${escapeHtml(next)}</code>.</p>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in - space-router</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Sign in</h1>
${body}
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendHtml(res: ServerResponse, method: string, html: string): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : html);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  req.resume();
  res.setHeader('allow', allow);
  sendText(res, 405, `${req.method} is not allowed here; use ${allow}.\n`);
}
