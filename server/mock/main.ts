// npm run mock:stateful: the real service as a mock for frontend developers. An in-memory store
// with the demo data (reset and seed endpoints), the demo tokens and access keys, CORS open to
// pages served from this machine, responses validated against the spec, and Prism's `Prefer`
// header on top. Nothing it does outlives the process.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { createApp } from '../app.ts';
import { AccessKeysVerifier, DEMO_ACCESS_KEYS_FILE } from '../auth/access-keys.ts';
import { DEMO_TOKENS_FILE, TokensFileVerifier } from '../auth/tokens-file.ts';
import { DEMO_PROJECT, DEMO_TOKENS } from '../demo/demo.ts';
import { onStopSignals, stopGracefully } from '../http/graceful-shutdown.ts';
import { DEFAULT_HTTP_LIMITS, createHttpServer } from '../http/http-server.ts';
import { DEMO_BACKUPS_FILE } from '../store/seed-file.ts';
import type { BackupDetail } from '../contract/types.ts';
import { MAX_DELAY_MS } from './prefer.ts';
import { SwappableStore } from './swappable-store.ts';

function fromEnv(name: string, fallback: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max) {
    console.error(`configuration error: ${name} must be an integer from 0 to ${max}, not "${raw}"`);
    process.exit(2);
  }
  return Number(raw);
}

const port = fromEnv('PORT', 4011, 65535);
const host = process.env.HOST?.trim() || '127.0.0.1';
const delayMs = fromEnv('MOCK_DELAY_MS', 0, MAX_DELAY_MS);

// The packaged demo data, read as it is: every test checks it against the spec (readSeedFile), and
// compiling that check here would cost more than half of this mock's start. Every answer is
// checked against the spec anyway.
const demoData = JSON.parse(readFileSync(DEMO_BACKUPS_FILE, 'utf8')) as { backups: BackupDetail[] };
const demoBackups = () => structuredClone(demoData.backups);
const store = await SwappableStore.holding(demoBackups());
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { service: 'cbr-backup-api-mock' } });
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
