// The shared store for several instances: one PostgreSQL database through a node-postgres
// pool. Same schema, statements and rules as the SQLite store (sql.ts, list-query.ts,
// domain/deletion.ts). Every call is bounded in time, so a database that is down or stuck
// fails requests fast instead of holding them, and the pool heals itself when it is back.
import pg from 'pg';
import type { BackupDetail, BackupStatus, ListBackupsQuery } from '../contract/types.ts';
import type { PostgresPoolConfig } from '../config.ts';
import { decideDeletion } from '../domain/deletion.ts';
import { type BackupRow, fromRow } from './backup-row.ts';
import { filterSql, pageSql, sortOrder, sortValueOf, type Sql, type SqlDialect } from './list-query.ts';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL, RECORD_MIGRATION_SQL, migrationSql } from './migrations.ts';
import { COLUMNS, STATEMENTS, auditTrailSql, auditValues, backupValues, countSql, numberPlaceholders } from './sql.ts';
import type { AuditRecord, BackupStore, DeleteOutcome, DeletionActor, ListOutcome } from './store.ts';

const DIALECT: SqlDialect = { contains: (column) => `strpos(${column}, ?) > 0` };

const SQL = Object.fromEntries(Object.entries(STATEMENTS).map(([name, text]) => [name, numberPlaceholders(text)])) as Record<
  keyof typeof STATEMENTS,
  string
>;

const POOL_DEFAULTS: PostgresPoolConfig = { poolSize: 10, connectTimeoutMs: 5000, statementTimeoutMs: 5000 };

/** Migrations may rewrite big tables: they get far longer than a request's statement. */
const MIGRATION_TIMEOUT_MS = 10 * 60_000;

export interface PostgresStoreOptions extends Partial<PostgresPoolConfig> {
  now?: () => Date;
  /** Told about connections lost while idle in the pool (the database restarted or went away). */
  onConnectionError?: (error: Error) => void;
}

interface AuditRow extends Omit<AuditRecord, 'backup'> {
  backup: string;
}

type Work<T> = (client: pg.PoolClient) => Promise<T>;

export class PostgresBackupStore implements BackupStore {
  readonly #pool: pg.Pool;
  readonly #now: () => Date;
  readonly #onConnectionError: (error: Error) => void;
  readonly #connectTimeoutMs: number;

  /** Connects, and brings the schema up to date (one instance at a time). */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresBackupStore> {
    const store = new PostgresBackupStore(url, options);
    try {
      await store.#migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private constructor(url: string, options: PostgresStoreOptions) {
    const { poolSize, connectTimeoutMs, statementTimeoutMs } = { ...POOL_DEFAULTS, ...withoutUndefined(options) };
    this.#now = options.now ?? (() => new Date());
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#onConnectionError = options.onConnectionError ?? (() => {});
    this.#pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      // Also the longest wait for a free connection when all are busy.
      connectionTimeoutMillis: connectTimeoutMs,
      // The server ends a statement (lock waits included) after this...
      statement_timeout: statementTimeoutMs,
      // ...and the client stops waiting a little later, for a server that no longer answers at all.
      query_timeout: statementTimeoutMs + 1000,
      // A transaction left open (an instance stalled mid-delete) would hold its row locks.
      idle_in_transaction_session_timeout: 2 * statementTimeoutMs,
      keepAlive: true,
      application_name: 'cbr-backup-api',
    });
    // An idle connection that the server closes (restart, failover) is reported here; without
    // a listener the 'error' event would crash the process. The pool drops it and reconnects.
    this.#pool.on('error', (error) => this.#onConnectionError(error));
  }

  async deleteBackup(projectId: string, backupId: string, actor: DeletionActor): Promise<DeleteOutcome> {
    return this.#transaction('BEGIN', async (client) => {
      // FOR UPDATE: a concurrent delete (or status change) of this row waits for this
      // transaction. Under READ COMMITTED the waiter then re-reads the row: gone means
      // not_found, a new status is decided on afresh.
      const { rows } = await client.query<BackupRow>(`${SQL.findBackup} FOR UPDATE`, [backupId, projectId]);
      const decision = decideDeletion(rows[0] === undefined ? undefined : fromRow(rows[0]));
      if (decision.verdict !== 'delete') return decision;
      const deleted = await client.query(SQL.deleteBackup, [backupId, projectId]);
      if (deleted.rowCount !== 1) {
        // Cannot happen while the row is locked; if it ever did, the rollback keeps everything.
        throw new Error(`backup ${backupId} changed between check and delete`);
      }
      await client.query(SQL.insertAudit, auditValues(decision.backup, actor, this.#now()));
      return { verdict: 'deleted', backup: decision.backup };
    });
  }

  async getBackup(projectId: string, backupId: string): Promise<BackupDetail | undefined> {
    const { rows } = await this.#pool.query<BackupRow>(SQL.findBackup, [backupId, projectId]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  async listBackups(projectId: string, query: ListBackupsQuery): Promise<ListOutcome> {
    // One snapshot for the marker, the page and the count.
    return this.#transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client): Promise<ListOutcome> => {
      let after: { sortValue: unknown; id: string } | undefined;
      if (query.marker !== undefined) {
        const marker = await markerBackup(client, projectId, query.marker);
        if (marker === undefined) return { ok: false, reason: 'unknown_marker' };
        after = { sortValue: sortValueOf(sortOrder(query.sort), marker), id: marker.id };
      }
      const page = await run<BackupRow>(client, pageSql(DIALECT, COLUMNS, projectId, query, after));
      const count = await run<{ count: string }>(client, countSql(filterSql(DIALECT, projectId, query)));
      // count(*) is a bigint, which node-postgres hands over as a string.
      return { ok: true, backups: page.map(fromRow), count: Number(count[0]!.count) };
    });
  }

  async addBackups(backups: readonly BackupDetail[]): Promise<number> {
    return this.#transaction('BEGIN', async (client) => {
      let added = 0;
      for (const backup of backups) {
        if ((await client.query(SQL.wasDeleted, [backup.id])).rowCount !== 0) continue;
        added += (await client.query(SQL.insertBackup, backupValues(backup))).rowCount ?? 0;
      }
      return added;
    });
  }

  async setStatus(backupId: string, status: BackupStatus): Promise<boolean> {
    return (await this.#pool.query(SQL.setStatus, [status, backupId])).rowCount === 1;
  }

  async isPristine(): Promise<boolean> {
    const [backups, deletions] = await Promise.all([this.#pool.query(SQL.anyBackup), this.#pool.query(SQL.anyDeletion)]);
    return backups.rowCount === 0 && deletions.rowCount === 0;
  }

  async auditTrail(filter: { projectId?: string; backupId?: string } = {}): Promise<AuditRecord[]> {
    const query = auditTrailSql(filter);
    const { rows } = await this.#pool.query<AuditRow>(numberPlaceholders(query.text), query.params);
    return rows.map((r) => ({ ...r, backup: JSON.parse(r.backup) as BackupDetail }));
  }

  async ping(): Promise<void> {
    await this.#pool.query(SQL.ping);
  }

  async close(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }

  /**
   * Applies the migrations not applied yet. Instances starting together queue on an
   * advisory lock held for the transaction, so each migration runs once, and a failed one
   * leaves nothing behind (PostgreSQL's DDL is transactional).
   */
  async #migrate(): Promise<void> {
    await this.#transaction('BEGIN', async (client) => {
      // node-postgres honours a per-query query_timeout; its typings do not declare it.
      const long = (text: string, values: unknown[] = []) =>
        client.query({ text, values, query_timeout: MIGRATION_TIMEOUT_MS } as pg.QueryConfig);
      await long(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
      await long("SELECT pg_advisory_xact_lock(hashtext('cbr-backup-api schema migrations'))");
      await long(MIGRATIONS_TABLE_SQL);
      const { rows } = await long('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r: { version: number }) => r.version));
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await long(migrationSql(migration, 'postgres'));
        await long(numberPlaceholders(RECORD_MIGRATION_SQL), [migration.version, new Date().toISOString()]);
      }
    });
  }

  /** Runs `work` in one transaction on one pooled connection; any failure rolls it back. */
  async #transaction<T>(begin: string, work: Work<T>): Promise<T> {
    const client = await this.#pool.connect();
    // The pool listens for errors only on idle connections: one lost while checked out
    // would otherwise be an unhandled 'error' event. The failing query reports it here.
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await this.#rollback(client, error as Error);
      throw error;
    } finally {
      client.removeListener('error', ignore);
      client.release(broken);
    }
  }

  /**
   * Rolls back after a failure; returns an error when the connection must be dropped instead
   * of going back to the pool. Dropping is always safe: the server rolls back a transaction
   * whose connection closes.
   */
  async #rollback(client: pg.PoolClient, failure: Error): Promise<Error | undefined> {
    // The server did not answer in time: a ROLLBACK would only queue behind the stuck query.
    if (failure.message === 'Query read timeout') return failure;
    return client.query({ text: 'ROLLBACK', query_timeout: this.#connectTimeoutMs } as pg.QueryConfig).then(
      () => undefined,
      (rollbackError: Error) => rollbackError,
    );
  }
}

async function run<Row extends pg.QueryResultRow>(client: pg.PoolClient, sql: Sql): Promise<Row[]> {
  return (await client.query<Row>(numberPlaceholders(sql.text), sql.params)).rows;
}

/** A marker may name a backup deleted since the previous page: its last state is in the audit trail. */
async function markerBackup(client: pg.PoolClient, projectId: string, id: string): Promise<BackupDetail | undefined> {
  const { rows } = await client.query<BackupRow>(SQL.findBackup, [id, projectId]);
  if (rows[0] !== undefined) return fromRow(rows[0]);
  const deleted = await client.query<{ backup: string }>(SQL.lastDeletedState, [id, projectId]);
  return deleted.rows[0] === undefined ? undefined : (JSON.parse(deleted.rows[0].backup) as BackupDetail);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
