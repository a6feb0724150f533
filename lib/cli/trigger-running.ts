import type { DevActionAnswer } from '../router/dev-actions.js';
import { localKeys } from '../runtime/keys.js';
import { displayPath } from './errors.js';

/**
 * Ask the `space-router dev` at `origin` to run an action (`POST /__space/dev/actions/<id>`), proving
 * with the DETA_API_KEY of the project at `root` that the caller may. Resolves with what the
 * micro answered; rejects with a message that says what to do.
 */
export async function triggerRunning(origin: string, root: string, actionId: string, input: unknown): Promise<DevActionAnswer> {
  const url = `${origin}/__space/dev/actions/${encodeURIComponent(actionId)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': localKeys(root).apiKey },
      body: JSON.stringify(input === undefined ? {} : { input }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `Could not reach space-router dev at ${origin} (${cause?.code ?? cause?.message ?? String(error)}). ` +
        'Is it running there? Leave out --url to start the micro just for this action.',
    );
  }
  const text = await response.text();
  let answer: Partial<DevActionAnswer> & { reason?: string } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // Not the router's JSON: said below.
  }
  if (response.status === 200 && typeof answer.status === 'number' && typeof answer.micro === 'string') {
    return { action: actionId, micro: answer.micro, status: answer.status, body: answer.body ?? '' };
  }
  if (response.status === 401 && answer.reason) {
    throw new Error(
      `${origin} refused the key of the project in ${displayPath(root)}: is that the project its space-router dev serves? ` +
        'Pass the same directory as to dev: space-router trigger <action-id> <dir> --url ...',
    );
  }
  if (answer.reason) throw new Error(answer.reason);
  throw new Error(
    `${origin} answered ${response.status} to POST /__space/dev/actions/${actionId}, not as space-router dev does: is it a space-router dev?`,
  );
}
