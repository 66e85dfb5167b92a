// Configuration from the environment, checked at start: a bad value stops the service
// with a message that names the variable.
import path from 'node:path';

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
  /** Undefined: the demo backups when the store is new (never in production). */
  seedFile: string | undefined;
  logLevel: string;
  production: boolean;
  validateResponses: boolean;
  deleteRoles: string[];
  readRoles: string[];
}

export const DEFAULT_SQLITE_FILE = 'data/backups.sqlite';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const production = env.NODE_ENV === 'production';
  const tokensFile = nonEmpty(env, 'TOKENS_FILE');
  if (production && tokensFile === undefined) {
    throw new ConfigError('TOKENS_FILE is required when NODE_ENV=production: the demo tokens are never used in production');
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: nonEmpty(env, 'HOST') ?? '127.0.0.1',
    database: database(nonEmpty(env, 'DATABASE_URL'), env),
    tokensFile,
    seedFile: nonEmpty(env, 'SEED_FILE'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    production,
    validateResponses: boolean(env, 'VALIDATE_RESPONSES', !production),
    deleteRoles: roles(env, 'DELETE_ROLES', ['member', 'admin']),
    readRoles: roles(env, 'READ_ROLES', ['reader', 'member', 'admin']),
  };
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
