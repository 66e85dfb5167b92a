// The fetch every call goes through: it reads the whole answer (so a connection dropped
// mid-body is a network failure, not a JSON error), applies the per-attempt timeout, and
// turns every way of getting no answer into a NetworkError that says whether the request
// may have reached the server.
import { NetworkError, UnexpectedResponseError } from './errors.ts';
import type { OperationId } from './types.ts';

export type FetchFunction = (request: Request) => Promise<Response>;

/** Failures while connecting: the request was certainly never sent. */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Node's fetch puts the socket error in `cause`; happy-eyeballs puts several in `errors`. */
function causeCodes(error: unknown): string[] {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const nested = (cause as { errors?: unknown } | null)?.errors;
  const codes = [errorCode(error), errorCode(cause), ...(Array.isArray(nested) ? nested.map(errorCode) : [])];
  return codes.filter((code): code is string => code !== undefined);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

function describe(error: unknown, timeoutMs: number | undefined): string {
  if (isTimeout(error)) return `no answer within ${timeoutMs} ms`;
  const codes = causeCodes(error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  const detail = cause instanceof Error && cause.message !== '' ? cause.message : error instanceof Error ? error.message : String(error);
  return codes.length > 0 && !detail.includes(codes[0] as string) ? `${detail} (${codes[0]})` : detail;
}

// Statuses whose Response may not have a body.
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A fetch for one attempt of `operation`, over `baseFetch`. */
export function attemptFetch(operation: OperationId, baseFetch: FetchFunction, timeoutMs: number | undefined): FetchFunction {
  return async (request) => {
    const attempt = timeoutMs === undefined ? request : new Request(request, { signal: AbortSignal.timeout(timeoutMs) });
    let response: Response;
    try {
      response = await baseFetch(attempt);
    } catch (error) {
      const connectFailure = causeCodes(error).some((code) => CONNECT_FAILURES.has(code));
      throw new NetworkError(operation, `${request.method} ${request.url}: ${describe(error, timeoutMs)}`, !connectFailure, error);
    }
    if (response.status < 200 || response.status > 599) {
      throw new UnexpectedResponseError(operation, response.status, 'the status is not a final HTTP status', response.headers.get('X-Request-Id'), '');
    }
    let body: ArrayBuffer | null = null;
    try {
      if (!NULL_BODY_STATUSES.has(response.status)) body = await response.arrayBuffer();
    } catch (error) {
      throw new NetworkError(operation, `${request.method} ${request.url}: the answer broke off: ${describe(error, timeoutMs)}`, true, error);
    }
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
