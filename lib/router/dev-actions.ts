import type { IncomingMessage, ServerResponse } from 'node:http';
import { findAction, UnknownActionError } from '../runtime/actions.js';
import { secretMatcher } from '../runtime/keys.js';
import type { ActionResult } from '../runtime/types.js';
import type { Spacefile } from '../spacefile/types.js';
import { inspectRequestBody } from './request-body.js';

/**
 * `POST /__space/dev/actions/<id>`: how `space-router trigger --url` runs an action in a router that
 * is already up (its micros running, their state intact) instead of starting the micro again.
 * Never open, whether or not auth is emulated: it takes `X-API-Key` with the project's DETA_API_KEY,
 * which only someone who can read this user's config dir can derive.
 */
const DEV_ACTIONS_PATH = '/dev/actions/';

/** A trigger's request body is `{"input": ...}` at most; anything bigger is a mistake. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface DevActionsOptions {
  spacefile: Spacefile;
  /** The project's DETA_API_KEY; read when the endpoint is first used. */
  apiKey(): string;
  trigger(actionId: string, input?: unknown): Promise<ActionResult>;
}

/** What the endpoint answers with 200: the action and what its micro answered. */
export interface DevActionAnswer extends ActionResult {
  action: string;
  micro: string;
}

/** Returns a handler for runtime paths (below `/__space`); it returns true when it answered. */
export function createDevActions(options: DevActionsOptions): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  let isApiKey: ((presented: string) => boolean) | undefined;

  return (req, res, path) => {
    if (!path.startsWith(DEV_ACTIONS_PATH)) return false;
    isApiKey ??= secretMatcher(options.apiKey());
    const presented = req.headers['x-api-key'];
    if (typeof presented !== 'string' || !isApiKey(presented)) {
      req.resume();
      send(res, 401, {
        error: 'Unauthorized',
        reason: "POST /__space/dev/actions/<id> needs X-API-Key with the project's DETA_API_KEY (space-router trigger --url sends it).",
      });
      return true;
    }
    if (req.method !== 'POST') {
      req.resume();
      send(res, 405, { error: 'Method Not Allowed', reason: 'Trigger an action with POST.' }, { allow: 'POST' });
      return true;
    }
    const id = decodeId(path.slice(DEV_ACTIONS_PATH.length).split('?')[0]!);
    let micro: string;
    try {
      micro = findAction(options.spacefile, id).micro.name;
    } catch (error) {
      if (!(error instanceof UnknownActionError)) throw error;
      req.resume();
      send(res, 404, { error: 'Not Found', reason: error.message, actions: error.known });
      return true;
    }
    readInput(req).then(
      (input) =>
        options.trigger(id, input).then(
          (result) => send(res, 200, { action: id, micro, status: result.status, body: result.body } satisfies DevActionAnswer),
          (error: unknown) => send(res, 502, { error: 'Bad Gateway', reason: messageOf(error) }),
        ),
      (error: unknown) => send(res, 400, { error: 'Bad Request', reason: messageOf(error) }),
    );
    return true;
  };
}

/** The body is empty (no input) or `{"input": <any JSON>}`. */
async function readInput(req: IncomingMessage): Promise<unknown> {
  const body = inspectRequestBody(req);
  if (body.kind === 'lost') throw new Error(`the request body (${body.contentType}) was consumed before the router; send JSON.`);
  let text: string;
  if (body.kind === 'replay') text = body.body.toString('utf8');
  else {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new Error(`the request body is larger than ${MAX_BODY_BYTES} bytes; send {"input": ...} only.`);
      chunks.push(chunk);
    }
    text = Buffer.concat(chunks).toString('utf8');
  }
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`the request body is not JSON (${messageOf(error)}); send {"input": ...} or nothing.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('the request body must be a JSON object: {"input": ...} or {}.');
  }
  return (parsed as { input?: unknown }).input;
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
