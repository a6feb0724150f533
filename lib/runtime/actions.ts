import { request } from 'node:http';
import type { Action, Micro, Spacefile } from '../spacefile/types.js';
import type { ActionResult } from './types.js';

/** How long a triggered action may take to answer; the same bound as a proxied request's headers. */
export const DEFAULT_ACTION_TIMEOUT = 120_000;

/** Where production Space delivered scheduled actions, at the owning micro's own root. */
export const ACTIONS_PATH = '/__space/v0/actions';

export class UnknownActionError extends Error {
  readonly code = 'ERR_UNKNOWN_ACTION';
  readonly actionId: string;
  readonly known: string[];
  constructor(actionId: string, known: string[]) {
    super(
      known.length === 0
        ? `Unknown action "${actionId}": the Spacefile declares no actions (add one under a micro's "actions:").`
        : `Unknown action "${actionId}": the Spacefile declares ${known.map((id) => `"${id}"`).join(', ')}.`,
    );
    this.name = 'UnknownActionError';
    this.actionId = actionId;
    this.known = known;
  }
}

/** The micro owning action `id`; throws UnknownActionError listing every declared id. */
export function findAction(spacefile: Spacefile, id: string): { micro: Micro; action: Action } {
  for (const micro of spacefile.micros) {
    const action = micro.actions.find((candidate) => candidate.id === id);
    if (action) return { micro, action };
  }
  throw new UnknownActionError(
    id,
    spacefile.micros.flatMap((micro) => micro.actions.map((action) => action.id)),
  );
}

/**
 * The body Space's scheduler sent. Scheduled actions never carried input in production; a local
 * `input` (handy to exercise a handler's branches) travels as `event.input` and is omitted when
 * undefined, so the default payload is byte-for-byte production's.
 */
export function actionPayload(actionId: string, input?: unknown): string {
  const event: { id: string; trigger: 'schedule'; input?: unknown } = { id: actionId, trigger: 'schedule' };
  if (input !== undefined) event.input = input;
  return JSON.stringify({ event });
}

/**
 * POST the action event to the micro at `target.origin` (its own address, e.g.
 * `http://127.0.0.1:PORT`): the micro sees `/__space/v0/actions` with its mount path already
 * stripped, exactly as in production. Resolves with whatever the micro answered, errors included.
 */
export function triggerAction(
  target: { origin: string },
  actionId: string,
  input?: unknown,
  timeoutMs = DEFAULT_ACTION_TIMEOUT,
): Promise<ActionResult> {
  const url = new URL(ACTIONS_PATH, target.origin);
  const body = actionPayload(actionId, input);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // A handler that never answers must not hang `space-router trigger` (and the micro it started) forever.
    req.setTimeout(timeoutMs, () => {
      const error = new Error(
        `Action "${actionId}" got no answer from ${url.href} within ${timeoutMs / 1000} s; the micro's action handler must respond.`,
      );
      reject(Object.assign(error, { code: 'ERR_ACTION_TIMEOUT' }));
      req.destroy();
    });
    req.on('error', (error) => {
      reject(new Error(`Action "${actionId}" could not be delivered to ${url.href}: ${error.message}. Is the micro running?`, { cause: error }));
    });
    req.end(body);
  });
}
