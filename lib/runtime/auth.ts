import type { IncomingMessage, ServerResponse } from 'node:http';
import { toOriginForm, type RouteMatch } from '../router/route-table.js';
import { appKeyHashReader, hashKey } from './app-keys.js';
import { secretMatcher } from './keys.js';
import { isPublicRoute } from './public-routes.js';
import { createSessionSigner } from './session.js';
import { handleSessionPages, signInLocation, SIGNIN_PATH } from './signin.js';
import type { AuthGate, AuthGateOptions } from './types.js';

type Decision = { allow: true } | { allow: false; reason: string; anonymous: boolean };

/**
 * Production Space's access rules for one app: private by default; public routes first (they win
 * over any key), then a presented credential is judged on its own (a wrong or misplaced key is a
 * 401, never a fall-back to the session), then the signed-in browser session.
 */
export function createAuthGate(options: AuthGateOptions): AuthGate {
  const signer = createSessionSigner(options.spacefile.root ?? '');
  const isApiKey = secretMatcher(options.apiKey);
  const optionKeyHashes = new Set((options.appKeys ?? []).map(hashKey));
  const root = options.spacefile.root;
  const storedHashes = root === undefined ? () => [] : appKeyHashReader(root);

  function isKnownAppKey(key: string): boolean {
    const hash = hashKey(key);
    return optionKeyHashes.has(hash) || storedHashes().includes(hash);
  }

  function decide(req: IncomingMessage, match: RouteMatch): Decision {
    const micro = match.micro;
    if (isPublicRoute(micro, match.path)) return { allow: true };

    const appKey = header(req, 'x-space-app-key');
    if (appKey !== undefined) {
      if (!micro.presets.apiKeys) {
        return {
          allow: false,
          anonymous: false,
          reason: `X-Space-App-Key was sent to micro "${micro.name}", which does not accept app API keys (its Spacefile entry has no "presets: api_keys: true").`,
        };
      }
      if (isKnownAppKey(appKey)) return { allow: true };
      return {
        allow: false,
        anonymous: false,
        reason: 'X-Space-App-Key is not an app API key of this project (create one with createAppKey or the CLI).',
      };
    }

    const apiKey = header(req, 'x-api-key');
    if (apiKey !== undefined) {
      if (isApiKey(apiKey)) return { allow: true };
      return { allow: false, anonymous: false, reason: 'X-API-Key does not match the app\'s DETA_API_KEY.' };
    }

    if (signer.verify(req)) return { allow: true };

    return {
      allow: false,
      anonymous: true,
      reason: `This route of micro "${micro.name}" is private: sign in at ${SIGNIN_PATH}, send X-API-Key with DETA_API_KEY, or list it in public_routes.`,
    };
  }

  return {
    handleRuntime(req, res, path) {
      return handleSessionPages(req, res, path, signer);
    },

    deny(req, res, match) {
      const decision = decide(req, match);
      if (decision.allow) return false;
      req.resume();
      if (decision.anonymous && isBrowserNavigation(req)) {
        res.writeHead(302, { location: signInLocation(originalTarget(req)), 'cache-control': 'no-store' });
        res.end();
        return true;
      }
      const body = JSON.stringify({ error: 'Unauthorized', reason: decision.reason });
      res.writeHead(401, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(body);
      return true;
    },

    allowsUpgrade(req, match) {
      return decide(req, match).allow;
    },
  };
}

/** A present header's value; an empty header counts as presented (and is then judged invalid). */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Only a page navigation can follow a redirect to a sign-in form and come back. */
function isBrowserNavigation(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  return (req.headers.accept ?? '').includes('text/html');
}

/** The URL the browser asked for, before any host framework mounted-path stripping. */
function originalTarget(req: IncomingMessage): string {
  const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  return toOriginForm(original);
}
