// Optional retries of transient failures (no answer, or a 5xx answer) with exponential
// backoff and a bound. Off unless the caller asks: retrying changes what a failure means
// (a DELETE whose first attempt was applied comes back "does not exist"), so it is a choice.
import { ApiError, BackupClientError, NetworkError, UnexpectedResponseError } from './errors.ts';

export interface RetryOptions {
  /** How many times a failed attempt is retried (0 to 10); so at most retries + 1 attempts. */
  retries: number;
  /** The wait before the first retry, in ms (default 200). */
  initialDelayMs?: number;
  /** The longest wait between two attempts, in ms (default 5000). */
  maxDelayMs?: number;
  /** Each wait is this many times the previous one (default 2). */
  factor?: number;
  /**
   * Wait a random time between half the delay and the delay (default true), so that many
   * clients failing together do not retry together.
   */
  jitter?: boolean;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (retry: RetryEvent) => void;
}

export interface RetryEvent {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** How long the client waits before the next attempt, in ms. */
  delayMs: number;
  error: BackupClientError;
}

export const MAX_RETRIES = 10;

export interface RetryPolicy {
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  jitter: boolean;
  onRetry: ((retry: RetryEvent) => void) | undefined;
}

export const NO_RETRIES: RetryPolicy = { retries: 0, initialDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: false, onRetry: undefined };

export function retryPolicy(options: RetryOptions | undefined): RetryPolicy {
  if (options === undefined) return NO_RETRIES;
  const policy: RetryPolicy = {
    retries: options.retries,
    initialDelayMs: options.initialDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? true,
    onRetry: options.onRetry,
  };
  if (!Number.isInteger(policy.retries) || policy.retries < 0 || policy.retries > MAX_RETRIES) {
    throw new RangeError(`retry.retries must be an integer from 0 to ${MAX_RETRIES}`);
  }
  for (const key of ['initialDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) throw new RangeError(`retry.${key} must be a number of ms, 0 or more`);
  }
  if (!Number.isFinite(policy.factor) || policy.factor < 1) throw new RangeError('retry.factor must be 1 or more');
  return policy;
}

/** The wait before retry number `retry` (1 for the first retry), without jitter. */
function backoffDelay(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (retry - 1));
}

/** Transient: no answer at all, or a server-side failure (any 5xx, contract body or not). */
export function isTransient(error: unknown): error is BackupClientError {
  if (error instanceof NetworkError) return true;
  return (error instanceof ApiError || error instanceof UnexpectedResponseError) && error.status >= 500;
}

/**
 * Whether a failed attempt may nevertheless have been carried out by the service: the
 * request may have arrived and its answer was lost, or the answer was a 5xx (a proxy's
 * 502 or 504 can come after the service acted).
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  if (error instanceof NetworkError) return error.requestMayHaveBeenSent;
  return isTransient(error);
}

export interface AttemptContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** Whether an earlier attempt of this call failed in a way that may have been applied. */
  anEarlierAttemptMayHaveBeenApplied: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error, or the retries are
 * used up. The error thrown is the last attempt's, with `attempts` set.
 */
export async function withRetries<T>(policy: RetryPolicy, attempt: (context: AttemptContext) => Promise<T>): Promise<T> {
  let anEarlierAttemptMayHaveBeenApplied = false;
  for (let number = 1; ; number += 1) {
    try {
      return await attempt({ attempt: number, anEarlierAttemptMayHaveBeenApplied });
    } catch (error) {
      if (error instanceof BackupClientError) error.attempts = number;
      if (!isTransient(error) || number > policy.retries) throw error;
      anEarlierAttemptMayHaveBeenApplied ||= mayHaveBeenApplied(error);
      const delay = backoffDelay(policy, number);
      const delayMs = Math.round(policy.jitter ? delay / 2 + (Math.random() * delay) / 2 : delay);
      policy.onRetry?.({ attempt: number, delayMs, error });
      await sleep(delayMs);
    }
  }
}
