// The service's own Keystone token, sent as X-Auth-Token when it validates a caller's token.
// Either a fixed token from the configuration, or one obtained with the service user's
// password on first use and renewed before it expires (or when IAM says it is no longer good).
import { IamUnavailableError, type KeystoneClient } from './keystone-client.ts';
import type { IamMetrics } from './iam-metrics.ts';

export interface ServiceTokenSource {
  /** The token to send now. */
  current(): Promise<string>;
  /** IAM answered 401 for this token: forget it. Returns whether a new one can be had. */
  rejected(token: string): boolean;
}

/** A token handed to the service by its operators; it cannot be renewed from here. */
export class FixedServiceToken implements ServiceTokenSource {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  current(): Promise<string> {
    return Promise.resolve(this.#token);
  }
  rejected(): boolean {
    return false;
  }
}

export interface ServiceCredentials {
  user: string;
  password: string;
  project: string;
  /** Domain name of both the user and the project ("Default" in a stock Keystone). */
  domain: string;
}

/** Renew this long before expiry at most; shorter-lived tokens are renewed at half their life. */
const RENEW_MARGIN_MS = 5 * 60_000;

export class PasswordServiceToken implements ServiceTokenSource {
  readonly #client: KeystoneClient;
  readonly #credentials: ServiceCredentials;
  readonly #metrics: IamMetrics;
  readonly #now: () => number;
  #token: { value: string; renewAt: number } | undefined;
  #issuing: Promise<string> | undefined;

  constructor(client: KeystoneClient, credentials: ServiceCredentials, metrics: IamMetrics, now: () => number = Date.now) {
    this.#client = client;
    this.#credentials = credentials;
    this.#metrics = metrics;
    this.#now = now;
  }

  current(): Promise<string> {
    if (this.#token !== undefined && this.#now() < this.#token.renewAt) return Promise.resolve(this.#token.value);
    // One request for a new token however many validations are waiting for it.
    this.#issuing ??= this.#issue().finally(() => {
      this.#issuing = undefined;
    });
    return this.#issuing;
  }

  rejected(token: string): boolean {
    if (this.#token?.value === token) this.#token = undefined;
    return true;
  }

  async #issue(): Promise<string> {
    const { user, password, project, domain } = this.#credentials;
    const answer = await this.#client.issueToken({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, domain: { name: domain }, password } } },
        scope: { project: { name: project, domain: { name: domain } } },
      },
    });
    if (answer.status === 401) {
      this.#metrics.countError('issue_service_token', 'service_token_rejected');
      throw new IamUnavailableError(`IAM refused the service credentials (user ${user}, project ${project}, domain ${domain})`, 'service_token_rejected');
    }
    if (answer.status !== 201 && answer.status !== 200) {
      this.#metrics.countError('issue_service_token', 'unexpected_status');
      throw new IamUnavailableError(`IAM answered ${answer.status} when issuing the service token`, 'unexpected_status');
    }
    const value = answer.headers.get('x-subject-token');
    const expiresAt = Date.parse((answer.body as { token?: { expires_at?: unknown } } | undefined)?.token?.expires_at as string);
    if (value === null || value === '' || Number.isNaN(expiresAt)) {
      this.#metrics.countError('issue_service_token', 'bad_response');
      throw new IamUnavailableError('IAM issued a service token without X-Subject-Token or token.expires_at', 'bad_response');
    }
    const issuedAt = this.#now();
    const margin = Math.min(RENEW_MARGIN_MS, (expiresAt - issuedAt) / 2);
    this.#token = { value, renewAt: expiresAt - margin };
    return value;
  }
}
