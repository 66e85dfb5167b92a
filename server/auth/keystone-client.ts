// The two Keystone v3 calls the service makes, each bounded by a timeout and measured.
// Tokens travel only in headers and never appear in errors or metrics.
import type { IamErrorReason, IamMetrics, IamOperation } from './iam-metrics.ts';

/** IAM gave no usable answer: the caller's token may well be fine, so this is never a 401. */
export class IamUnavailableError extends Error {
  override name = 'IamUnavailableError';
  constructor(
    message: string,
    readonly reason: IamErrorReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface IamAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body of a 2xx answer; undefined otherwise. */
  body: unknown;
}

export class KeystoneClient {
  readonly #tokensUrl: string;
  readonly #timeoutMs: number;
  readonly #metrics: IamMetrics;

  /** baseUrl: Keystone's root, without /v3 (config.ts normalizes IAM_URL to that). */
  constructor(baseUrl: string, timeoutMs: number, metrics: IamMetrics) {
    this.#tokensUrl = `${baseUrl}/v3/auth/tokens`;
    this.#timeoutMs = timeoutMs;
    this.#metrics = metrics;
  }

  /** GET /v3/auth/tokens?nocatalog. Never with allow_expired: an expired token is invalid here. */
  validateToken(serviceToken: string, subjectToken: string): Promise<IamAnswer> {
    return this.#call('validate_token', `${this.#tokensUrl}?nocatalog`, {
      method: 'GET',
      headers: { 'X-Auth-Token': serviceToken, 'X-Subject-Token': subjectToken, Accept: 'application/json' },
    });
  }

  /** POST /v3/auth/tokens?nocatalog with an auth request; the token is in X-Subject-Token. */
  issueToken(auth: unknown): Promise<IamAnswer> {
    return this.#call('issue_service_token', `${this.#tokensUrl}?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(auth),
    });
  }

  async #call(operation: IamOperation, url: string, init: RequestInit): Promise<IamAnswer> {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    // One signal for the whole exchange, body included, so a server that sends headers and
    // then stalls is bounded too.
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await fetch(url, { ...init, signal });
      let body: unknown;
      if (response.ok) {
        try {
          body = await response.json();
        } catch (error) {
          if (signal.aborted) throw error;
          throw new IamUnavailableError(`IAM answered ${operation} with a body that is not JSON`, 'bad_response', { cause: error });
        }
      } else {
        await response.arrayBuffer();
      }
      this.#metrics.observeCall(operation, String(response.status), elapsed());
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      const failure =
        error instanceof IamUnavailableError ? error
        : signal.aborted ? new IamUnavailableError(`IAM did not answer ${operation} within ${this.#timeoutMs} ms`, 'timeout', { cause: error })
        : new IamUnavailableError(`IAM is unreachable (${operation}): ${describe(error)}`, 'unreachable', { cause: error });
      this.#metrics.observeCall(operation, failure.reason, elapsed());
      this.#metrics.countError(operation, failure.reason);
      throw failure;
    }
  }
}

/** fetch's own message is "fetch failed"; the reason (ECONNREFUSED, ...) is in its cause. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
