// The backup engine, as tests play it: the service never changes a backup's status, the
// engine does, through its own connection to the same database. Tests move backups to
// another status with it, while the service reads and deletes them.
import Database from 'better-sqlite3';
import pg from 'pg';
import type { BackupStatus } from '../../server/contract/types.ts';

export interface BackupEngine {
  /** Moves a backup to another status; false when there is no such backup. */
  setStatus(backupId: string, status: BackupStatus): Promise<boolean>;
  close(): Promise<void>;
}

/** A connection of its own to a SQLite store's file (whose schema the store has created). */
export function sqliteBackupEngine(file: string): BackupEngine {
  const db = new Database(file);
  // As the store does: a write waits for the other connections' write lock.
  db.pragma('busy_timeout = 5000');
  const update = db.prepare<[string, string]>('UPDATE backups SET status = ? WHERE id = ?');
  return {
    async setStatus(backupId, status) {
      return update.run(status, backupId).changes === 1;
    },
    async close() {
      db.close();
    },
  };
}

/** A pool of its own on a PostgreSQL store's database: its updates may run at once, as the engine's do. */
export function postgresBackupEngine(url: string): BackupEngine {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
  return {
    async setStatus(backupId, status) {
      return (await pool.query('UPDATE backups SET status = $1 WHERE id = $2', [status, backupId])).rowCount === 1;
    },
    async close() {
      await pool.end();
    },
  };
}
