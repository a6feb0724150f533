import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const COOKIE_PREFIX = 'space_router_session';

/**
 * Signed local dev sessions. The secret lives only in this process, so restarting the router signs
 * everyone out. Cookies ignore ports, so two routers on `localhost` would overwrite each other's
 * cookie if they shared its name: the name carries a short hash of the project root and the port
 * the browser uses (from Host), the same on every restart, so stale cookies do not pile up.
 */
export interface SessionSigner {
  /** The Set-Cookie header for a freshly signed-in browser. */
  issue(req: IncomingMessage): string;
  /** The Set-Cookie header that removes this router's session. */
  clear(req: IncomingMessage): string;
  /** True when the request carries a session cookie this signer issued. */
  verify(req: IncomingMessage): boolean;
}

export function createSessionSigner(projectRoot: string): SessionSigner {
  const secret = randomBytes(32);
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  const cookieName = (req: IncomingMessage) => sessionCookieName(projectRoot, req);

  return {
    issue(req) {
      const payload = `v1.${Date.now().toString(36)}.${randomBytes(9).toString('base64url')}`;
      return `${cookieName(req)}=${payload}.${sign(payload)}; Path=/; HttpOnly; SameSite=Lax`;
    },
    clear(req) {
      return `${cookieName(req)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
    },
    verify(req) {
      for (const value of cookieValues(req, cookieName(req))) {
        const dot = value.lastIndexOf('.');
        if (dot <= 0) continue;
        const expected = Buffer.from(sign(value.slice(0, dot)));
        const given = Buffer.from(value.slice(dot + 1));
        if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
      }
      return false;
    },
  };
}

/** `space_router_session_<8 hex>` for this project, on the port in the request's Host. */
function sessionCookieName(projectRoot: string, req: IncomingMessage): string {
  const port = /:(\d+)$/.exec(req.headers.host ?? '')?.[1] ?? '';
  const scope = createHash('sha256').update(`${projectRoot}\0${port}`).digest('hex').slice(0, 8);
  return `${COOKIE_PREFIX}_${scope}`;
}

/** Every value of cookie `name` (browsers may send several with the same name for different paths). */
function cookieValues(req: IncomingMessage, name: string): string[] {
  const header = req.headers.cookie;
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    values.push(pair.slice(eq + 1).trim());
  }
  return values;
}
