import type { ClientRequest } from 'node:http';

const TIMEOUT_CODE = 'ESPACEROUTERTIMEOUT';

/**
 * Bound only the wait for the micro's answer, from when the request is fully sent: an upload may take
 * long to send, and a stream or tunnel may stay quiet for minutes once it started. On time-out the
 * request is destroyed with an error that `isResponseTimeout` recognises.
 */
export function armResponseTimeout(proxyReq: ClientRequest, timeoutMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  proxyReq.once('finish', () => {
    timer = setTimeout(() => {
      const error: NodeJS.ErrnoException = new Error(`no answer within ${timeoutMs} ms`);
      error.code = TIMEOUT_CODE;
      proxyReq.destroy(error);
    }, timeoutMs);
    timer.unref();
  });
  const clear = () => clearTimeout(timer);
  proxyReq.once('response', clear);
  // Also after an upgrade (Node closes the request once it hands the socket over). No 'upgrade'
  // listener here: its presence alone makes Node hand over a 101 socket instead of failing the request.
  proxyReq.once('close', clear);
}

export function isResponseTimeout(error: NodeJS.ErrnoException): boolean {
  return error.code === TIMEOUT_CODE;
}

/** `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4000`, for the error page's detail. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${error.message}` : error.message;
}
