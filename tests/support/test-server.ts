// The real app on a real loopback port, over a real SQLite file in a fresh temporary
// directory, with the demo tokens and (by default) the demo backups.
import { mkdtemp, rm } from 'node:fs/promises';
import { describe } from 'node:test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { type AppConfig, createApp } from '../../server/app.ts';
import { AccessKeysVerifier, DEMO_ACCESS_KEYS_FILE } from '../../server/auth/access-keys.ts';
import { DEMO_TOKENS_FILE, TokensFileVerifier } from '../../server/auth/tokens-file.ts';
import type { TokenVerifier } from '../../server/auth/verifier.ts';
import type { BackupDetail } from '../../server/contract/types.ts';
import { type HttpLimits, DEFAULT_HTTP_LIMITS, createHttpServer } from '../../server/http/http-server.ts';
import { DEMO_BACKUPS_FILE, readSeedFile } from '../../server/store/seed-file.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import type { BackupStore } from '../../server/store/store.ts';

export interface TestServer {
  url: string;
  store: BackupStore;
  dir: string;
  dbFile: string;
  server: Server;
  close(): Promise<void>;
}

export interface TestServerOptions {
  backups?: readonly BackupDetail[];
  verifier?: TokenVerifier;
  /** The access keys of signed requests (default: the demo keys). */
  accessKeys?: AccessKeysVerifier;
  config?: Partial<AppConfig>;
  logger?: Logger;
  /** HTTP server limits other than the service's defaults. */
  http?: Partial<HttpLimits>;
  /** Use this store instead of a fresh SQLite file. */
  store?: BackupStore;
}

export const TEST_CONFIG: AppConfig = {
  validateResponses: true,
  deleteRoles: ['member', 'admin'],
  readRoles: ['reader', 'member', 'admin'],
};

/**
 * The two configurations the service runs in: development (responses validated too, as
 * outside production) and production (requests only). The HTTP suites run in both, as the
 * store conformance suite runs on both stores, so what production runs is what is tested.
 */
export const APP_MODES = [
  { name: 'development', config: { validateResponses: true } },
  { name: 'production', config: { validateResponses: false } },
] as const satisfies readonly { name: string; config: Partial<AppConfig> }[];

export type AppMode = (typeof APP_MODES)[number];

/** Declares `suite` once per configuration, in a describe block named after it. */
export function inEachAppMode(suite: (mode: AppMode) => void): void {
  for (const mode of APP_MODES) describe(`${mode.name} configuration`, () => suite(mode));
}

export function demoBackups(): BackupDetail[] {
  return readSeedFile(DEMO_BACKUPS_FILE);
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cbr-test-'));
  const dbFile = path.join(dir, 'backups.sqlite');
  const store = options.store ?? new SqliteBackupStore(dbFile);
  await store.addBackups(options.backups ?? demoBackups());
  const logger = options.logger ?? pino({ level: 'silent' });
  const app = createApp({
    store,
    verifier: options.verifier ?? TokensFileVerifier.fromFile(DEMO_TOKENS_FILE),
    accessKeys: options.accessKeys ?? AccessKeysVerifier.fromFile(DEMO_ACCESS_KEYS_FILE),
    logger,
    config: { ...TEST_CONFIG, ...options.config },
  });
  const server = createHttpServer(app, logger, { ...DEFAULT_HTTP_LIMITS, ...options.http });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    dir,
    dbFile,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
