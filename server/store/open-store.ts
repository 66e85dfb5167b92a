// Opens the store the configuration names, and fills a new one as configured.
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config.ts';
import { PostgresBackupStore } from './postgres-store.ts';
import { DEMO_BACKUPS_FILE, readSeedFile } from './seed-file.ts';
import { SqliteBackupStore } from './sqlite-store.ts';
import type { BackupStore } from './store.ts';

/**
 * The store, migrated and checked to take writes; with `readOnly` (for readers such as
 * npm run audit-trail), an existing store opened for reading only, which fails when the file
 * or the schema is missing instead of creating them. `listTimeLimitMs`: how long a listing may
 * take (default DEFAULT_LIST_TIME_LIMIT_MS).
 */
export async function openStore(database: DatabaseConfig, options: { logger?: Logger; readOnly?: boolean; listTimeLimitMs?: number } = {}): Promise<BackupStore> {
  const readOnly = options.readOnly === true;
  const { listTimeLimitMs } = options;
  switch (database.kind) {
    case 'sqlite':
      return new SqliteBackupStore(database.file, { readOnly, listings: { timeLimitMs: listTimeLimitMs } });
    case 'postgres': {
      const { url, ...pool } = database;
      return PostgresBackupStore.open(url, {
        ...pool,
        readOnly,
        listTimeLimitMs,
        // Only the message and code: pg-pool hangs the whole client object on the error.
        onConnectionError: (error) =>
          options.logger?.warn({ error: error.message, code: (error as { code?: string }).code }, 'database connection lost; the pool reconnects on demand'),
      });
    }
  }
}

/**
 * Loads SEED_FILE when given (ids already stored are left as they are, and deleted ones stay
 * deleted), else the demo backups into a store that never held anything (never in production).
 */
export async function seedStore(store: BackupStore, options: { seedFile: string | undefined; production: boolean; logger: Logger }): Promise<void> {
  if (options.seedFile !== undefined) {
    const { added, alreadyStored, alreadyDeleted } = await store.addBackupsCounted(readSeedFile(options.seedFile));
    options.logger.info({ seed_file: options.seedFile, added, already_stored: alreadyStored, already_deleted: alreadyDeleted }, 'seed file loaded');
    return;
  }
  if (options.production || !(await store.isPristine())) return;
  const added = await store.addBackups(readSeedFile(DEMO_BACKUPS_FILE));
  options.logger.info({ added }, 'demo backups loaded into a new store');
}
