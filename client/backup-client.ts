// The typed client of the backup API, on openapi-fetch and the types generated from
// openapi.yaml. Every call either resolves with the contract's success value or rejects with
// one of the errors in errors.ts; nothing in between.
import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, UnexpectedResponseError } from './errors.ts';
import { checkListBody, checkShowBody, decodeErrorAnswer, excerpt } from './response-checks.ts';
import { type RetryOptions, retryPolicy, withRetries } from './retry.ts';
import { type AccessKeyCredentials, encode, requestSigner } from './signing.ts';
import { attemptFetch, type FetchFunction } from './transport.ts';
import type {
  BackupDetail,
  BackupId,
  BackupList,
  IterateBackupsFilters,
  ListBackupsFilters,
  OperationId,
  paths,
  ProjectId,
} from './types.ts';

/** The token: a fixed one, or a function asked before every attempt (e.g. to refresh it). */
export type TokenSource =
  | { token: string; getToken?: never; credentials?: never }
  | { getToken: () => string | Promise<string>; token?: never; credentials?: never };

/** An access key (AK/SK): every attempt is signed with it (SDK-HMAC-SHA256, see signing.ts). */
export type AccessKeySource = { credentials: AccessKeyCredentials; token?: never; getToken?: never };

/** How the client authenticates: exactly one of `token`, `getToken` or `credentials`. */
export type ClientAuthentication = TokenSource | AccessKeySource;

export type BackupClientOptions = ClientAuthentication & {
  /** The service's root, e.g. http://127.0.0.1:8080 (the paths start with /v3). */
  baseUrl: string;
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: FetchFunction;
  /** Retries of transient failures; off when absent. See RetryOptions. */
  retry?: RetryOptions;
  /** Give up on an attempt that has no complete answer after this many ms (default: no limit). */
  timeoutMs?: number;
};

export type DeleteResult =
  /** The service answered 204 to this call. */
  | { outcome: 'deleted'; requestId: string | null; attempts: number }
  /**
   * An earlier attempt of this call failed in a way that may have been applied (it may
   * have reached the service and its answer was lost, or the answer was a 5xx), and a retry
   * was then told CSBS.3001: most likely that earlier attempt deleted the backup. Only
   * possible with retries on. `notFound` is the retry's answer.
   */
  | { outcome: 'gone-after-retry'; requestId: string; attempts: number; notFound: ApiError };

export interface BackupClient {
  /** Deletes a backup. Resolves when it is deleted (204); see DeleteResult. */
  deleteBackup(projectId: ProjectId, backupId: BackupId): Promise<DeleteResult>;
  /** One backup. */
  showBackup(projectId: ProjectId, backupId: BackupId): Promise<BackupDetail>;
  /** One page of the project's backups, and how many match the filters in all. */
  listBackups(projectId: ProjectId, filters?: ListBackupsFilters): Promise<BackupList>;
  /** Every matching backup, page after page (`limit` sets the page size), each once. */
  iterateBackups(projectId: ProjectId, filters?: IterateBackupsFilters): AsyncGenerator<BackupDetail, void, undefined>;
}

const DEFAULT_PAGE_SIZE = 1000;

/**
 * A success body: openapi-fetch hands it over as text (parseAs: 'text') so that a body that
 * is not JSON is reported as a contract failure with the answer's status and request id.
 */
function successBody(operation: OperationId, response: Response, text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new UnexpectedResponseError(operation, response.status, 'the body is not JSON', response.headers.get('X-Request-Id'), excerpt(text));
  }
}

/**
 * Query strings percent-encode every reserved character (RFC 3986), `!'()*` included, which
 * encodeURIComponent leaves alone: the service refuses unencoded reserved characters in
 * parameters the spec does not mark allowReserved, and `&`, `#` or `+` left raw would
 * change what the service reads.
 */
function encodeQuery(query: Record<string, unknown>): string {
  // An array (status) is the parameter repeated, once for each value (style form, explode).
  return Object.entries(query)
    .flatMap(([name, value]) => (value === undefined ? [] : Array.isArray(value) ? value : [value]).map((item) => `${encode(name)}=${encode(String(item))}`))
    .join('&');
}

/** A path segment that would change the URL's path instead of filling one segment. */
function checkPathParameter(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new TypeError(`${name} must be a non-empty string other than "." and ".."`);
  }
}

/** Exactly one way to authenticate, checked as far as it can be before a call. */
function authMiddleware(options: ClientAuthentication): Middleware {
  const given = (['token', 'getToken', 'credentials'] as const).filter((name) => options[name] !== undefined);
  if (given.length !== 1) {
    const got = given.length === 0 ? 'none' : given.join(' and ');
    throw new TypeError(`createBackupClient needs exactly one of token, getToken or credentials (got ${got})`);
  }
  if (options.credentials !== undefined) return signingMiddleware(options.credentials);
  if (options.getToken !== undefined && typeof options.getToken !== 'function') throw new TypeError('getToken must be a function');
  if (options.token !== undefined && typeof options.token !== 'string') throw new TypeError('token must be a string');
  return tokenMiddleware(options as TokenSource);
}

function signingMiddleware(credentials: AccessKeyCredentials): Middleware {
  const { accessKey, secretKey } = credentials;
  if (typeof accessKey !== 'string' || !/^[\x21-\x2b\x2d-\x7e]+$/.test(accessKey)) {
    throw new TypeError('credentials.accessKey must be a non-empty string of visible characters other than ","');
  }
  if (typeof secretKey !== 'string' || secretKey === '') throw new TypeError('credentials.secretKey must be a non-empty string');
  if (globalThis.crypto?.subtle === undefined) {
    throw new TypeError('signing needs WebCrypto (crypto.subtle), which browsers offer to secure contexts only (https or localhost)');
  }
  const sign = requestSigner({ accessKey, secretKey });
  return {
    // Run for every attempt, after openapi-fetch has built the final URL: a fresh X-Sdk-Date each time.
    async onRequest({ request }) {
      await sign(request);
      return request;
    },
  };
}

function tokenMiddleware(source: TokenSource): Middleware {
  const getToken = source.getToken ?? (() => source.token);
  return {
    async onRequest({ request }) {
      const token = await getToken();
      if (typeof token !== 'string' || token === '') throw new TypeError('the token is empty');
      request.headers.set('X-Auth-Token', token);
      return request;
    },
  };
}

export function createBackupClient(options: BackupClientOptions): BackupClient {
  const auth = authMiddleware(options);
  const policy = retryPolicy(options.retry);
  const baseFetch: FetchFunction = options.fetch ?? ((request) => globalThis.fetch(request));
  const api = createClient<paths>({ baseUrl: options.baseUrl });
  api.use(auth);

  /** One attempt of `operation` through its own fetch. */
  function attempt<T>(operation: OperationId, call: (fetch: FetchFunction) => Promise<T>): Promise<T> {
    return call(attemptFetch(operation, baseFetch, options.timeoutMs));
  }

  /** A success answer of the wrong status, or an error answer decoded. */
  function failure(operation: OperationId, response: Response, body: unknown, expected: number): ApiError | UnexpectedResponseError {
    if (response.status >= 400) return decodeErrorAnswer(operation, response, body);
    const reason = `the contract declares ${expected} for success, not ${response.status}`;
    return new UnexpectedResponseError(operation, response.status, reason, response.headers.get('X-Request-Id'), excerpt(body));
  }

  async function listBackups(projectId: ProjectId, filters: ListBackupsFilters = {}): Promise<BackupList> {
    checkPathParameter('projectId', projectId);
    return withRetries(policy, () =>
      attempt('listBackups', async (fetch) => {
        const { data, error, response } = await api.GET('/v3/{project_id}/backups', {
          params: { path: { project_id: projectId }, query: filters },
          fetch,
          parseAs: 'text',
          querySerializer: encodeQuery,
        });
        if (response.status !== 200) throw failure('listBackups', response, error ?? data, 200);
        const body = successBody('listBackups', response, data);
        const page = checkListBody(body);
        if (typeof page === 'string') throw new UnexpectedResponseError('listBackups', 200, page, response.headers.get('X-Request-Id'), excerpt(data));
        return page;
      }),
    );
  }

  return {
    async deleteBackup(projectId, backupId) {
      checkPathParameter('projectId', projectId);
      checkPathParameter('backupId', backupId);
      return withRetries<DeleteResult>(policy, (context) =>
        attempt('deleteBackup', async (fetch) => {
          const { data, error, response } = await api.DELETE('/v3/{project_id}/backups/{backup_id}', {
            params: { path: { project_id: projectId, backup_id: backupId } },
            fetch,
            parseAs: 'text',
          });
          if (response.status === 204) {
            return { outcome: 'deleted', requestId: response.headers.get('X-Request-Id'), attempts: context.attempt };
          }
          const problem = failure('deleteBackup', response, error ?? data, 204);
          if (problem instanceof ApiError && problem.errorCode === 'CSBS.3001' && context.anEarlierAttemptMayHaveBeenApplied) {
            return { outcome: 'gone-after-retry', requestId: problem.requestId, attempts: context.attempt, notFound: problem };
          }
          throw problem;
        }),
      );
    },

    async showBackup(projectId, backupId) {
      checkPathParameter('projectId', projectId);
      checkPathParameter('backupId', backupId);
      return withRetries(policy, () =>
        attempt('showBackup', async (fetch) => {
          const { data, error, response } = await api.GET('/v3/{project_id}/backups/{backup_id}', {
            params: { path: { project_id: projectId, backup_id: backupId } },
            fetch,
            parseAs: 'text',
          });
          if (response.status !== 200) throw failure('showBackup', response, error ?? data, 200);
          const backup = checkShowBody(successBody('showBackup', response, data));
          if (typeof backup === 'string') throw new UnexpectedResponseError('showBackup', 200, backup, response.headers.get('X-Request-Id'), excerpt(data));
          return backup;
        }),
      );
    },

    listBackups,

    async *iterateBackups(projectId, filters = {}) {
      const pageSize = filters.limit ?? DEFAULT_PAGE_SIZE;
      let marker: string | undefined;
      for (;;) {
        const page = await listBackups(projectId, marker === undefined ? filters : { ...filters, marker });
        yield* page.backups;
        // A short page is the last one (the contract fills every page up to `limit`).
        const last = page.backups.at(-1);
        if (last === undefined || page.backups.length < pageSize) return;
        if (last.id === marker) {
          throw new UnexpectedResponseError('listBackups', 200, `the page after marker ${marker} ends with the marker itself`, null, '');
        }
        marker = last.id;
      }
    },
  };
}
