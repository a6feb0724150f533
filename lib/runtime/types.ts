import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Spacefile } from '../spacefile/types.js';
import type { RouteMatch } from '../router/route-table.js';

/**
 * Contract between the runtime emulation (auth, sign-in pages) and the router. The router routes
 * first with its own table, then asks the gate; the gate never proxies anything itself.
 */
export interface AuthGate {
  /**
   * Serve the runtime's own pages below `/__space` (sign-in, sign-out). `path` is the part after
   * `/__space`, query included. Returns true when it wrote the response.
   */
  handleRuntime(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  /**
   * Decide for an HTTP request already routed to `match`. Returns true when it answered the request
   * itself (401 JSON, or a redirect to sign-in for browsers) and the request must not be proxied.
   */
  deny(req: IncomingMessage, res: ServerResponse, match: RouteMatch): boolean;
  /** The same decision for a websocket upgrade: false means the router rejects the socket with 401. */
  allowsUpgrade(req: IncomingMessage, match: RouteMatch): boolean;
}

export interface AuthGateOptions {
  spacefile: Spacefile;
  /** The value micros get as `DETA_API_KEY`; accepted in `X-API-Key`. */
  apiKey: string;
  /**
   * App API keys accepted in `X-Space-App-Key` (by micros with `presets.api_keys: true`), in addition
   * to the keys created for the project (`spacefile.root`) with `createAppKey`.
   */
  appKeys?: string[];
}

/** What a micro answered to a triggered action. */
export interface ActionResult {
  status: number;
  body: string;
}
