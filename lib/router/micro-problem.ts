import type { Micro } from '../spacefile/types.js';
import type { MicroStatus } from '../supervisor/types.js';
import type { RouterProblem } from './error-response.js';
import { formatHostPort } from './host-address.js';

export type ProblemKind =
  | 'not_running'
  | 'still_starting'
  | 'connection_failed'
  | 'proxy_timeout'
  | 'body_consumed'
  | 'served_by_host'
  | 'not_started';

export interface ProblemContext {
  micro: Micro;
  status: MicroStatus | undefined;
  logTail: string[];
  /** Error code and message of a failed connection, content type of a lost body, or the timeout in ms. */
  detail?: string;
}

/** Turn what went wrong with one micro into a page/JSON answer that names it and says what to do. */
export function microProblem(kind: ProblemKind, context: ProblemContext): RouterProblem {
  const { micro, status, logTail, detail } = context;
  const name = micro.name;
  const where =
    status?.port !== undefined ? ` on ${formatHostPort(status.address ?? '127.0.0.1', status.port)}` : '';
  const described = {
    name,
    command: status?.command,
    port: status?.port,
    state: status?.state,
    logTail,
  };
  const coming = status?.state === 'starting' || status?.state === 'restarting';
  switch (kind) {
    case 'not_running':
      return {
        status: 502,
        code: 'micro_not_running',
        title: `Micro "${name}" is not running`,
        message: coming
          ? `The ${name} micro is ${status?.state}; this request could not wait for it.`
          : `The ${name} micro is ${status?.state ?? 'unknown'}${status?.error ? `: ${status.error}` : ''}. ` +
            'Fix the cause shown in its log lines, then restart space-router.',
        micro: described,
      };
    case 'still_starting':
      return {
        status: 503,
        code: 'micro_starting',
        title: `Micro "${name}" is still starting`,
        message:
          `Waited ${detail ?? ''} ms for the ${name} micro to accept connections${where}. ` +
          'Retry in a moment; if it never gets ready, check that its command listens on $PORT.',
        micro: described,
        retryAfter: 2,
      };
    case 'connection_failed':
      return {
        status: 502,
        code: 'micro_connection_failed',
        title: `Micro "${name}" did not answer`,
        message:
          `The connection to the ${name} micro${where} failed (${detail ?? 'unknown error'}). ` +
          (coming ? 'It is restarting; reload in a moment.' : 'It may have crashed; see its last log lines.'),
        micro: described,
        ...(coming ? { retryAfter: 2 } : {}),
      };
    case 'proxy_timeout':
      return {
        status: 504,
        code: 'micro_timeout',
        title: `Micro "${name}" did not respond in time`,
        message: `The ${name} micro${where} sent no response headers within ${detail ?? ''} ms.`,
        micro: described,
      };
    case 'body_consumed':
      return {
        status: 500,
        code: 'request_body_consumed',
        title: 'Request body already read by another middleware',
        message:
          `A middleware mounted before spaceRouter read this ${detail || 'request'} body, and it cannot be ` +
          `rebuilt for the ${name} micro. Mount spaceRouter before body parsers (express.json(), multer, ...) ` +
          'or only parse bodies on the routes the host serves itself.',
        micro: described,
      };
    case 'not_started':
      return {
        status: 502,
        code: 'micro_not_started',
        title: `Micro "${name}" was not started`,
        message: `The router runs only some micros (options.only / --micro), and ${name} is not one of them.`,
        micro: described,
      };
    case 'served_by_host':
      return {
        status: 404,
        code: 'served_by_host',
        title: `Micro "${name}" is served by the host`,
        message: `The ${name} micro is the router's \`self\`, so the host server must answer this request, but no handler did.`,
      };
  }
}
