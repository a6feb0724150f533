import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'space_router_session';

/**
 * Signed local dev sessions. The secret lives only in this process, so restarting the router signs
 * everyone out, and a cookie minted by another router on the same host (cookies ignore ports) is
 * simply not valid here.
 */
export interface SessionSigner {
  /** A fresh cookie value for a signed-in browser. */
  issue(): string;
  /** True when the request carries a session cookie this signer issued. */
  verify(req: IncomingMessage): boolean;
}

export function createSessionSigner(): SessionSigner {
  const secret = randomBytes(32);
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

  return {
    issue() {
      const payload = `v1.${Date.now().toString(36)}.${randomBytes(9).toString('base64url')}`;
      return `${payload}.${sign(payload)}`;
    },
    verify(req) {
      for (const value of cookieValues(req, SESSION_COOKIE)) {
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

export function sessionCookie(value: string): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
