// The production token verifier: asks a Keystone v3 IAM about each caller's token, with the
// service's own token, and caches the answers briefly by token digest.
//
// - Not shaped like any IAM token (token-shape.ts): invalid at once, IAM is not asked.
// - Valid and rejected tokens are cached apart, each in its own bounded LRU, so rejected
//   tokens (junk included) never push a valid one out.
// - At most maxConcurrentValidations validations are under way at once (one per token
//   however many requests carry it); a check that would need one more fails at once with
//   VerifierBusyError (500 CSBS.9998) instead of waiting: IAM's load stays bounded.
// - 200 from IAM: the token's user, project, roles and expires_at become the Principal.
// - 404: the token is unknown, expired or revoked (the caller gets 401 APIGW.0301).
// - No usable answer (unreachable, timeout, 5xx, the service's own credentials refused):
//   verify() throws, so the caller gets 500 CSBS.9998 and not a 401 their token may not
//   deserve; nothing is cached, so the service recovers as soon as IAM does.
import type { Registry } from 'prom-client';
import type { IamConfig } from '../config.ts';
import { createIamMetrics, type IamMetrics } from './iam-metrics.ts';
import { type IamAnswer, IamUnavailableError, KeystoneClient } from './keystone-client.ts';
import { FixedServiceToken, PasswordServiceToken, type ServiceTokenSource } from './service-token.ts';
import { tokenDigest } from './tokens-file.ts';
import { isPlausibleIamToken } from './token-shape.ts';
import { type Loaded, ValidationCache } from './validation-cache.ts';
import { type Principal, type TokenVerifier, type Verification, VerifierBusyError } from './verifier.ts';

/** IAM validations under way at most, by default. */
export const DEFAULT_MAX_CONCURRENT_VALIDATIONS = 32;
/** Rejected tokens cached at most, by default (apart from the valid ones, cacheSize). */
export const DEFAULT_REJECTED_CACHE_SIZE = 4096;

export interface KeystoneVerifierOptions extends Omit<IamConfig, 'maxConcurrentValidations' | 'rejectedCacheSize'> {
  /** IAM validations under way at most; a check needing one more is refused at once. */
  maxConcurrentValidations?: number;
  /** Rejected tokens (IAM: unknown, expired, revoked, unscoped) cached at most. */
  rejectedCacheSize?: number;
  /** Where the iam_* metrics go (the app's registry); a private one when absent. */
  registry?: Registry;
  now?: () => number;
}

const MALFORMED: Verification = { ok: false, reason: 'not shaped like an IAM token' };

export class KeystoneVerifier implements TokenVerifier {
  readonly #client: KeystoneClient;
  readonly #serviceToken: ServiceTokenSource;
  readonly #cache: ValidationCache<Verification>;
  readonly #metrics: IamMetrics;
  readonly #maxAgeMs: number;
  readonly #invalidMaxAgeMs: number;
  readonly #now: () => number;

  constructor(options: KeystoneVerifierOptions) {
    this.#now = options.now ?? Date.now;
    this.#metrics = createIamMetrics(options.registry);
    this.#client = new KeystoneClient(options.url, options.timeoutMs, this.#metrics);
    this.#serviceToken =
      options.service.kind === 'token'
        ? new FixedServiceToken(options.service.token)
        : new PasswordServiceToken(this.#client, options.service, this.#metrics, this.#now);
    this.#maxAgeMs = options.cacheMaxAgeMs;
    this.#invalidMaxAgeMs = Math.min(options.invalidCacheMaxAgeMs, options.cacheMaxAgeMs);
    const maxLoads = options.maxConcurrentValidations ?? DEFAULT_MAX_CONCURRENT_VALIDATIONS;
    this.#cache = new ValidationCache<Verification>({
      maxEntries: options.cacheSize,
      admit: (verification) => verification.ok,
      maxRejectedEntries: options.rejectedCacheSize ?? DEFAULT_REJECTED_CACHE_SIZE,
      maxLoads,
      refusal: () => new VerifierBusyError(maxLoads),
      now: this.#now,
      onLookup: (outcome) => this.#metrics.countLookup(outcome),
    });
    this.#metrics.trackCache(() => ({ entries: this.#cache.size, rejectedEntries: this.#cache.rejectedSize, inFlight: this.#cache.loading }));
  }

  async verify(token: string): Promise<Verification> {
    if (!isPlausibleIamToken(token)) {
      this.#metrics.countValidation('malformed');
      return MALFORMED;
    }
    try {
      // Keyed by digest: the cache never holds a usable token.
      const verification = await this.#cache.get(tokenDigest(token), () => this.#validate(token));
      this.#metrics.countValidation(verification.ok ? 'valid' : 'invalid');
      return verification;
    } catch (error) {
      this.#metrics.countValidation(error instanceof VerifierBusyError ? 'refused' : 'error');
      throw error;
    }
  }

  /** Ready when IAM answers and accepts the service's token: validates that token itself. */
  async ready(): Promise<void> {
    const answer = await this.#withServiceToken((serviceToken) => this.#client.validateToken(serviceToken, serviceToken));
    if (answer.status === 404) throw new IamUnavailableError('IAM says the service token is invalid or expired', 'service_token_rejected');
    if (answer.status !== 200) throw this.#unexpected(answer.status);
  }

  async #validate(token: string): Promise<Loaded<Verification>> {
    const answer = await this.#withServiceToken((serviceToken) => this.#client.validateToken(serviceToken, token));
    const now = this.#now();
    if (answer.status === 404) {
      return { value: { ok: false, reason: 'IAM: token unknown, expired or revoked' }, expiresAt: now + this.#invalidMaxAgeMs };
    }
    if (answer.status !== 200) throw this.#unexpected(answer.status);
    const parsed = principalFrom(answer.body);
    if (typeof parsed === 'string') {
      this.#metrics.countError('validate_token', 'bad_response');
      throw new IamUnavailableError(`IAM's token validation answer is not usable: ${parsed}`, 'bad_response');
    }
    const tokenExpiresAt = Date.parse(parsed.expiresAt);
    if (tokenExpiresAt <= now) return { value: { ok: false, reason: 'expired token' }, expiresAt: now + this.#invalidMaxAgeMs };
    const keepUntil = Math.min(now + this.#maxAgeMs, tokenExpiresAt);
    if (parsed.projectId === undefined) {
      return { value: { ok: false, reason: 'token is not scoped to a project' }, expiresAt: keepUntil };
    }
    return { value: { ok: true, principal: { ...parsed, projectId: parsed.projectId } }, expiresAt: keepUntil };
  }

  /** Calls IAM with the service token; on 401 for it, renews it and tries once more. */
  async #withServiceToken(call: (serviceToken: string) => Promise<IamAnswer>): Promise<IamAnswer> {
    let serviceToken = await this.#serviceToken.current();
    let answer = await call(serviceToken);
    if (answer.status === 401 && this.#serviceToken.rejected(serviceToken)) {
      serviceToken = await this.#serviceToken.current();
      answer = await call(serviceToken);
    }
    if (answer.status === 401) {
      this.#metrics.countError('validate_token', 'service_token_rejected');
      throw new IamUnavailableError('IAM rejected the service token (401)', 'service_token_rejected');
    }
    if (answer.status === 403) {
      this.#metrics.countError('validate_token', 'forbidden');
      throw new IamUnavailableError('IAM does not let the service user validate tokens (403): it needs the service or admin role', 'forbidden');
    }
    return answer;
  }

  #unexpected(status: number): IamUnavailableError {
    this.#metrics.countError('validate_token', 'unexpected_status');
    return new IamUnavailableError(`IAM answered ${status} to a token validation`, 'unexpected_status');
  }
}

type ParsedToken = Omit<Principal, 'projectId'> & { projectId: string | undefined };

/** The Principal in a Keystone v3 validation body, or what is wrong with the body. */
function principalFrom(body: unknown): ParsedToken | string {
  const token = (body as { token?: Record<string, unknown> } | undefined)?.token;
  if (token === undefined || token === null || typeof token !== 'object') return 'no token object';
  const user = token.user as { id?: unknown; name?: unknown } | undefined;
  if (typeof user?.id !== 'string' || typeof user.name !== 'string') return 'token.user needs an id and a name';
  if (typeof token.expires_at !== 'string' || Number.isNaN(Date.parse(token.expires_at))) return 'token.expires_at is not a time';
  const project = token.project as { id?: unknown } | undefined;
  if (project !== undefined && typeof project?.id !== 'string') return 'token.project has no id';
  // Unscoped tokens have no roles; scoped ones list every effective role, implied ones
  // included (a member's token lists member and reader).
  const roles = (token.roles ?? []) as unknown;
  if (!Array.isArray(roles) || !roles.every((r) => typeof (r as { name?: unknown } | null)?.name === 'string')) {
    return 'token.roles must be a list of {name}';
  }
  return {
    user: { id: user.id, name: user.name },
    projectId: project?.id as string | undefined,
    roles: roles.map((r: { name: string }) => r.name),
    expiresAt: token.expires_at,
  };
}
