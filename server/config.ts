// Configuration from the environment, checked at start: a bad value stops the service
// with a message that names the variable.
import path from 'node:path';
import type { CorsOrigins } from './http/cors.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/http-server.ts';

export type DatabaseConfig = { kind: 'sqlite'; file: string } | ({ kind: 'postgres'; url: string } & PostgresPoolConfig);

/** How each instance uses a shared PostgreSQL database (DATABASE_POOL_SIZE, DATABASE_*_TIMEOUT_MS). */
export interface PostgresPoolConfig {
  /** Connections this instance keeps at most; all instances together must stay under max_connections. */
  poolSize: number;
  /** Longest wait for a connection (a new one, or a free one from the pool) before the request fails. */
  connectTimeoutMs: number;
  /** Longest a statement (lock waits included) may run before the request fails. */
  statementTimeoutMs: number;
}

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  /** Undefined: the demo tokens (refused in production). */
  tokensFile: string | undefined;
  /** Access keys for signed (AK/SK) requests; undefined: the demo keys, or none in production. */
  accessKeysFile: string | undefined;
  /** Tokens validated by a Keystone v3 IAM (IAM_URL) instead of a tokens file. */
  iam: IamConfig | undefined;
  /** Undefined: the demo backups when the store is new (never in production). */
  seedFile: string | undefined;
  logLevel: string;
  production: boolean;
  validateResponses: boolean;
  deleteRoles: string[];
  readRoles: string[];
  http: HttpLimits;
  /** Origins whose pages may call the API (CORS_ORIGINS); undefined: none (no CORS headers). */
  corsOrigins: CorsOrigins | undefined;
  /** Longest a shutdown waits for requests in flight before it closes their connections. */
  shutdownTimeoutMs: number;
  /** Longest a listing may take (marker, page and count, waiting included) before 500 CSBS.9998. */
  listTimeLimitMs: number;
}

const DEFAULT_SQLITE_FILE = 'data/backups.sqlite';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The NODE_ENV values the service knows; any other (a typo of production) is refused. */
const NODE_ENVS = ['production', 'development', 'test'];

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const production = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development') === 'production';
  const tokensFile = nonEmpty(env, 'TOKENS_FILE');
  const iam = iamConfig(env);
  if (tokensFile !== undefined && iam !== undefined) throw new ConfigError('TOKENS_FILE and IAM_URL are both set: choose one token verifier');
  if (production && tokensFile === undefined && iam === undefined) {
    throw new ConfigError('TOKENS_FILE is required when NODE_ENV=production, unless IAM_URL names a Keystone to validate tokens with: the demo tokens are never used in production');
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: nonEmpty(env, 'HOST') ?? '127.0.0.1',
    database: database(nonEmpty(env, 'DATABASE_URL'), env),
    tokensFile,
    accessKeysFile: nonEmpty(env, 'ACCESS_KEYS_FILE'),
    iam,
    seedFile: nonEmpty(env, 'SEED_FILE'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    production,
    validateResponses: boolean(env, 'VALIDATE_RESPONSES', !production),
    deleteRoles: roles(env, 'DELETE_ROLES', ['member', 'admin']),
    readRoles: roles(env, 'READ_ROLES', ['reader', 'member', 'admin']),
    http: httpLimits(env),
    corsOrigins: corsOrigins(env, production),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    listTimeLimitMs: integer(env, 'LIST_TIME_LIMIT_MS', 2_000, 100, 600_000),
  };
}

/** CORS_ORIGINS: `*`, or exact origins (scheme, host and port, no path), comma-separated. */
function corsOrigins(env: NodeJS.ProcessEnv, production: boolean): CorsOrigins | undefined {
  const raw = nonEmpty(env, 'CORS_ORIGINS');
  if (raw === undefined) return undefined;
  if (raw === '*') {
    if (production) throw new ConfigError('CORS_ORIGINS=* lets every web page call the API: list the origins in production, as https://console.example.com');
    return '*';
  }
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS: "${origin}" is not an origin; write each as scheme://host[:port], as http://localhost:5173`);
    }
    return origin;
  });
}

function httpLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.headersTimeoutMs, 100, 600_000);
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.requestTimeoutMs, 100, 3_600_000);
  // Node requires it: a request cannot have longer for its headers than for all of it.
  if (requestTimeoutMs < headersTimeoutMs) throw new ConfigError(`REQUEST_TIMEOUT_MS (${requestTimeoutMs}) must be at least HEADERS_TIMEOUT_MS (${headersTimeoutMs})`);
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs, 0, 600_000),
    maxConnections: integer(env, 'MAX_CONNECTIONS', DEFAULT_HTTP_LIMITS.maxConnections, 1, 1_000_000),
  };
}

/** The stateful mock's configuration (npm run mock:stateful): where it listens, its delay, its log level. */
export interface MockConfig {
  port: number;
  host: string;
  delayMs: number;
  logLevel: string;
}

export function loadMockConfig(env: NodeJS.ProcessEnv, maxDelayMs: number): MockConfig {
  return {
    port: integer(env, 'PORT', 4011, 0, 65535),
    host: nonEmpty(env, 'HOST') ?? '127.0.0.1',
    delayMs: integer(env, 'MOCK_DELAY_MS', 0, 0, maxDelayMs),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'warn'),
  };
}

/** Only the store's configuration (DATABASE_URL and its pool settings), for tools that read the store. */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv): DatabaseConfig {
  return database(nonEmpty(env, 'DATABASE_URL'), env);
}

function database(url: string | undefined, env: NodeJS.ProcessEnv): DatabaseConfig {
  if (url === undefined) return { kind: 'sqlite', file: path.resolve(DEFAULT_SQLITE_FILE) };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url, ...postgresPool(env) };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new ConfigError('DATABASE_URL: sqlite: needs a file path, as sqlite:data/backups.sqlite');
    return { kind: 'sqlite', file: path.resolve(file) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigError(`DATABASE_URL: unsupported scheme in ${url.split(':')[0]}://...; use a file path, sqlite:PATH or postgres://...`);
  }
  return { kind: 'sqlite', file: path.resolve(url) };
}

function postgresPool(env: NodeJS.ProcessEnv): PostgresPoolConfig {
  return {
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    connectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
  };
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, not "${raw}"`);
}

function oneOf(env: NodeJS.ProcessEnv, name: string, allowed: string[], fallback: string): string {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, not "${raw}"`);
  return raw;
}

function roles(env: NodeJS.ProcessEnv, name: string, fallback: string[]): string[] {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  const list = raw.split(',').map((r) => r.trim()).filter((r) => r !== '');
  if (list.length === 0) throw new ConfigError(`${name} must list at least one role, comma-separated`);
  return list;
}

/** Keystone v3 token validation (IAM_*); see the README's "Production: tokens from Keystone / IAM". */
export interface IamConfig {
  /** Keystone's root URL, without /v3 and without a trailing slash. */
  url: string;
  /** What the service authenticates with: a fixed token, or a service user it logs in as. */
  service: { kind: 'token'; token: string } | { kind: 'password'; user: string; password: string; project: string; domain: string };
  /** Longest wait for one IAM request. */
  timeoutMs: number;
  /** Longest a valid token's validation is reused (never past the token's expires_at). */
  cacheMaxAgeMs: number;
  /** Longest an invalid token's verdict is reused. */
  invalidCacheMaxAgeMs: number;
  /** Valid tokens kept at most (least recently used first out). */
  cacheSize: number;
  /** Rejected tokens' answers kept at most, apart from the valid ones (cacheSize). */
  rejectedCacheSize: number;
  /** IAM validations under way at most; a check needing one more fails at once (500 CSBS.9998). */
  maxConcurrentValidations: number;
}

const IAM_SERVICE_PASSWORD_VARS = ['IAM_SERVICE_USER', 'IAM_SERVICE_PASSWORD', 'IAM_SERVICE_PROJECT'] as const;

function iamConfig(env: NodeJS.ProcessEnv): IamConfig | undefined {
  const raw = nonEmpty(env, 'IAM_URL');
  const serviceToken = nonEmpty(env, 'IAM_SERVICE_TOKEN');
  const passwordVars = IAM_SERVICE_PASSWORD_VARS.filter((name) => nonEmpty(env, name) !== undefined);
  if (raw === undefined) {
    const stray = [...(serviceToken === undefined ? [] : ['IAM_SERVICE_TOKEN']), ...passwordVars];
    if (stray.length > 0) throw new ConfigError(`${stray.join(', ')} set without IAM_URL`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`IAM_URL must be an http(s) URL, as https://iam.example.com:5000, not "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`IAM_URL must be an http(s) URL, not "${raw}"`);
  if (url.search !== '' || url.hash !== '') throw new ConfigError('IAM_URL must not have a query or a fragment');
  // Keystone's catalog lists the identity endpoint with /v3; both forms name the same root.
  const root = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v3$/, '')}`;

  let service: IamConfig['service'];
  if (serviceToken !== undefined) {
    if (passwordVars.length > 0) throw new ConfigError(`IAM_SERVICE_TOKEN and ${passwordVars.join(', ')} are both set: choose a fixed token or a service user`);
    service = { kind: 'token', token: serviceToken };
  } else if (passwordVars.length === IAM_SERVICE_PASSWORD_VARS.length) {
    service = {
      kind: 'password',
      user: nonEmpty(env, 'IAM_SERVICE_USER')!,
      // Passwords are taken as they are: spaces may be part of them.
      password: env.IAM_SERVICE_PASSWORD!,
      project: nonEmpty(env, 'IAM_SERVICE_PROJECT')!,
      domain: nonEmpty(env, 'IAM_SERVICE_DOMAIN') ?? 'Default',
    };
  } else {
    const missing = IAM_SERVICE_PASSWORD_VARS.filter((name) => !passwordVars.includes(name));
    throw new ConfigError(`IAM_URL needs the service's credentials: IAM_SERVICE_TOKEN, or IAM_SERVICE_USER, IAM_SERVICE_PASSWORD and IAM_SERVICE_PROJECT (missing: ${missing.join(', ')})`);
  }
  return {
    url: root,
    service,
    timeoutMs: integer(env, 'IAM_TIMEOUT_MS', 3000, 100, 60_000),
    cacheMaxAgeMs: integer(env, 'IAM_CACHE_MAX_AGE_SECONDS', 120, 1, 3600) * 1000,
    invalidCacheMaxAgeMs: integer(env, 'IAM_CACHE_INVALID_SECONDS', 10, 0, 3600) * 1000,
    cacheSize: integer(env, 'IAM_CACHE_SIZE', 10_000, 1, 1_000_000),
    rejectedCacheSize: integer(env, 'IAM_CACHE_REJECTED_SIZE', 4096, 1, 1_000_000),
    maxConcurrentValidations: integer(env, 'IAM_MAX_CONCURRENT_VALIDATIONS', 32, 1, 10_000),
  };
}
