// Prometheus metrics of the Keystone verifier: validations by result, cache lookups, the
// two caches' sizes, IAM validations under way, IAM call latency and IAM errors. Registered
// in the app's registry when one is given.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LookupOutcome } from './validation-cache.ts';

export type IamOperation = 'validate_token' | 'issue_service_token';

/** Why an IAM call gave no usable answer. */
export type IamErrorReason = 'timeout' | 'unreachable' | 'service_token_rejected' | 'forbidden' | 'unexpected_status' | 'bad_response';

/**
 * What a token check came to: valid; invalid (IAM: unknown, expired, revoked, unscoped);
 * malformed (not shaped like any IAM token: IAM was not asked); refused (too many IAM
 * validations under way: IAM was not asked); error (IAM could not tell).
 */
export type ValidationResult = 'valid' | 'invalid' | 'malformed' | 'refused' | 'error';

export interface IamMetrics {
  countValidation(result: ValidationResult): void;
  countLookup(outcome: LookupOutcome): void;
  /** status: the HTTP status, or the error reason when there was no answer. */
  observeCall(operation: IamOperation, status: string, seconds: number): void;
  countError(operation: IamOperation, reason: IamErrorReason): void;
  /** Called at each scrape: valid tokens cached, rejected tokens cached, IAM validations under way. */
  trackCache(state: () => { entries: number; rejectedEntries: number; inFlight: number }): void;
}

export function createIamMetrics(registry: Registry = new Registry()): IamMetrics {
  const registers = [registry];
  const validations = new Counter({
    name: 'iam_token_validations_total',
    help:
      'Token checks by result: valid, invalid (unknown, expired, revoked or unscoped), malformed (not shaped like a token: IAM not asked), ' +
      'refused (too many IAM validations under way: IAM not asked), error (IAM could not tell)',
    labelNames: ['result'] as const,
    registers,
  });
  const lookups = new Counter({
    name: 'iam_token_cache_lookups_total',
    help:
      'Token cache lookups: hit (answered from the cache), shared (joined an IAM call under way), miss (called IAM), ' +
      'refused (too many IAM validations under way)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'iam_request_duration_seconds',
    help: 'IAM (Keystone) call latency by operation and HTTP status (or error reason)',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const errors = new Counter({
    name: 'iam_errors_total',
    help: 'IAM calls that gave no usable answer, by operation and reason',
    labelNames: ['operation', 'reason'] as const,
    registers,
  });
  let cache = () => ({ entries: 0, rejectedEntries: 0, inFlight: 0 });
  new Gauge({
    name: 'iam_token_cache_entries',
    help: 'Valid tokens currently cached',
    registers,
    collect() {
      this.set(cache().entries);
    },
  });
  new Gauge({
    name: 'iam_rejected_token_cache_entries',
    help: 'Rejected tokens currently cached, apart from the valid ones',
    registers,
    collect() {
      this.set(cache().rejectedEntries);
    },
  });
  new Gauge({
    name: 'iam_token_validations_in_flight',
    help: 'IAM token validations under way (at most the configured maximum; past it, checks are refused)',
    registers,
    collect() {
      this.set(cache().inFlight);
    },
  });
  return {
    countValidation: (result) => validations.inc({ result }),
    countLookup: (outcome) => lookups.inc({ outcome }),
    observeCall: (operation, status, seconds) => duration.observe({ operation, status }, seconds),
    countError: (operation, reason) => errors.inc({ operation, reason }),
    trackCache: (state) => {
      cache = state;
    },
  };
}
