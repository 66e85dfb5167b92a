// npm run mock:stateful: the real service as a mock for frontend developers. An in-memory store
// with the demo data (reset and seed endpoints), the demo tokens and access keys, CORS open to
// pages served from this machine, responses validated against the spec, and Prism's `Prefer`
// header on top. Nothing it does outlives the process.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { createApp } from '../app.ts';
import { ConfigError, type MockConfig, loadMockConfig } from '../config.ts';
import { AccessKeysVerifier, DEMO_ACCESS_KEYS_FILE } from '../auth/access-keys.ts';
import { DEMO_TOKENS_FILE, TokensFileVerifier } from '../auth/tokens-file.ts';
import { DEMO_PROJECT, DEMO_TOKENS } from '../demo/demo.ts';
import { onStopSignals, stopGracefully } from '../http/graceful-shutdown.ts';
import { DEFAULT_HTTP_LIMITS, createHttpServer } from '../http/http-server.ts';
import { DEMO_BACKUPS_FILE } from '../store/seed-file.ts';
import type { BackupDetail } from '../contract/types.ts';
import { MAX_DELAY_MS } from './prefer.ts';
import { SwappableStore } from './swappable-store.ts';

let config: MockConfig;
try {
  config = loadMockConfig(process.env, MAX_DELAY_MS);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`configuration error: ${error.message}`);
  process.exit(2);
}
const { port, host, delayMs } = config;

// The packaged demo data, read as it is: every test checks it against the spec (readSeedFile), and
// compiling that check here would cost more than half of this mock's start. Every answer is
// checked against the spec anyway.
const demoData = JSON.parse(readFileSync(DEMO_BACKUPS_FILE, 'utf8')) as { backups: BackupDetail[] };
const demoBackups = () => structuredClone(demoData.backups);
const store = await SwappableStore.holding(demoBackups());
const logger = pino({ level: config.logLevel, base: { service: 'cbr-backup-api-mock' } });
const app = createApp({
  store,
  verifier: TokensFileVerifier.fromFile(DEMO_TOKENS_FILE),
  accessKeys: AccessKeysVerifier.fromFile(DEMO_ACCESS_KEYS_FILE),
  logger,
  config: { validateResponses: true, deleteRoles: ['member', 'admin'], readRoles: ['reader', 'member', 'admin'], corsOrigins: 'local' },
  mock: { store, demoBackups, delayMs },
});
const server = createHttpServer(app, logger, DEFAULT_HTTP_LIMITS);
server.listen(port, host);
try {
  await once(server, 'listening');
} catch (error) {
  console.error(`cannot start: cannot listen on ${host}:${port}: ${(error as Error).message}`);
  process.exit(1);
}
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
console.log(
  [
    `Stateful mock of the CBR backup API on ${url} (in memory: nothing is kept after it stops).`,
    `Demo project ${DEMO_PROJECT}, demo token ${DEMO_TOKENS.member}; pages on localhost may call it (CORS).`,
    `POST ${url}/__mock/reset puts the demo data back; PUT ${url}/__mock/backups loads {"backups": [...]}.`,
    `Prefer: code=400, example=backupRunning forces an answer; Prefer: delay=500 (or MOCK_DELAY_MS) delays it.`,
  ].join('\n'),
);
onStopSignals(() => stopGracefully(server, () => store.close(), 5_000), logger);
