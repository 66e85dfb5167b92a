// The service's entry point: configuration from the environment, the store, the app,
// a listening server, and a graceful shutdown.
import { once } from 'node:events';
import { pino } from 'pino';
import { createApp } from './app.ts';
import { AccessKeysVerifier, DEMO_ACCESS_KEYS_FILE } from './auth/access-keys.ts';
import { KeystoneVerifier } from './auth/keystone-verifier.ts';
import { DEMO_TOKENS_FILE, TokensFileVerifier } from './auth/tokens-file.ts';
import type { TokenVerifier } from './auth/verifier.ts';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from './demo/demo.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createHttpServer } from './http/http-server.ts';
import { onStopSignals, stopGracefully } from './http/graceful-shutdown.ts';
import { createMetrics } from './http/metrics.ts';
import { openStore, seedStore } from './store/open-store.ts';
import type { BackupStore } from './store/store.ts';

const DEMO_BACKUP = DEMO_BACKUPS.available[0];
const DEMO_TOKEN = DEMO_TOKENS.member;

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`configuration error: ${error.message}`);
  process.exit(2);
}

// Written asynchronously: lines logged while a write is under way go out together in the next
// one, instead of one blocking write per request. What is buffered is written at exit, also
// after an uncaught error (pino flushes on 'exit'); only a SIGKILL can lose the last lines.
const logger = pino({ level: config.logLevel, base: { service: 'cbr-backup-api' } }, pino.destination({ dest: 1, sync: false }));
const metrics = createMetrics();
async function openDependencies(cfg: Config): Promise<{ verifier: TokenVerifier; accessKeys: AccessKeysVerifier | undefined; store: BackupStore }> {
  // Keystone when IAM_URL is set (its iam_* metrics join the app's), else a tokens file.
  const verifier =
    cfg.iam !== undefined
      ? new KeystoneVerifier({ ...cfg.iam, registry: metrics.registry })
      : TokensFileVerifier.fromFile(cfg.tokensFile ?? DEMO_TOKENS_FILE);
  // Signed requests: the keys of ACCESS_KEYS_FILE; outside production, the demo keys without one.
  const accessKeysFile = cfg.accessKeysFile ?? (cfg.production ? undefined : DEMO_ACCESS_KEYS_FILE);
  const accessKeys = accessKeysFile === undefined ? undefined : AccessKeysVerifier.fromFile(accessKeysFile, { production: cfg.production });
  const store = await openStore(cfg.database, { logger, listTimeLimitMs: cfg.listTimeLimitMs });
  try {
    await seedStore(store, { seedFile: cfg.seedFile, production: cfg.production, logger });
  } catch (error) {
    await store.close();
    throw error;
  }
  return { verifier, accessKeys, store };
}

let deps;
try {
  deps = await openDependencies(config);
} catch (error) {
  console.error(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}
const { store, verifier, accessKeys } = deps;

const app = createApp({
  store,
  verifier,
  ...(accessKeys === undefined ? {} : { accessKeys }),
  logger,
  metrics,
  config: { validateResponses: config.validateResponses, deleteRoles: config.deleteRoles, readRoles: config.readRoles, corsOrigins: config.corsOrigins },
});
const server = createHttpServer(app, logger, config.http);
server.listen(config.port, config.host);
try {
  await once(server, 'listening');
} catch (error) {
  // Port taken, address not on this machine, ...: said plainly, like every other start failure.
  console.error(`cannot start: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  await store.close();
  process.exit(1);
}

const address = server.address();
const port = typeof address === 'object' && address !== null ? address.port : config.port;
const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
logger.info({ url, database: config.database.kind, production: config.production }, 'listening');
if (config.tokensFile === undefined && config.iam === undefined) {
  console.log(
    [
      '',
      `CBR backup API listening on ${url} with demo data (project ${DEMO_PROJECT}).`,
      `Demo token: ${DEMO_TOKEN}`,
      `API reference: ${url}/docs`,
      'Try:',
      `  curl -i -X DELETE -H 'X-Auth-Token: ${DEMO_TOKEN}' ${url}/v3/${DEMO_PROJECT}/backups/${DEMO_BACKUP}`,
      '',
    ].join('\n'),
  );
}

onStopSignals(() => stopGracefully(server, () => store.close(), config.shutdownTimeoutMs), logger);
