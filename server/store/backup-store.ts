// What both stores do, written once: each operation is a sequence of queries (a generator
// that yields each query and is resumed with its result) and knows nothing of connections.
// A driver runs the sequences: SQLite's synchronously, inside better-sqlite3's transactions
// (which cannot span an await); PostgreSQL's with an await per query on a pooled connection.
// What is left to the drivers is what really differs: how each kind of transaction locks, the
// dialect's few SQL differences (below), placeholders, batching and connection handling.
import type { BackupDetail, ListBackupsQuery } from '../contract/types.ts';
import { decideDeletion } from '../domain/deletion.ts';
import { type BackupRow, fromRow } from './backup-row.ts';
import { type SqlDialect, filterSql, pageSql, sortOrder, sortValuesOf } from './list-query.ts';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL, type MigrationDialect, RECORD_MIGRATION_SQL, migrationSql } from './migrations.ts';
import { COLUMNS, STATEMENTS, auditTrailSql, auditValues, backupValues, countSql } from './sql.ts';
import type { AddOutcome, AuditRecord, BackupStore, DeleteOutcome, DeletionActor, ListOutcome } from './store.ts';

/**
 * One statement, with `?` placeholders. What the sequence is resumed with: `get`, the first
 * row or undefined; `all`, every row; `run`, how many rows it changed; `exec` (a script of
 * several statements, no parameters), nothing.
 */
export interface Query {
  readonly kind: 'get' | 'all' | 'run' | 'exec';
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A sequence of queries that ends with a T. */
export type Steps<T> = Generator<Query, T, unknown>;

/**
 * What a sequence needs of its transaction; each driver says how it gets it.
 * - read: no transaction, each query on its own.
 * - snapshot: reads that see one state of the database.
 * - write: writes whose checks hold until the commit.
 * - delete: a write that is one delete (SQLite commits those of one event-loop turn together).
 * - migrate: the schema migrations, one store at a time.
 * - probe: a write that changes nothing, to learn whether writes are taken. It does not wait
 *   for a write lock that another connection holds: a database where someone else is writing
 *   takes writes, and readiness must not hang behind a long writer.
 */
export type TransactionKind = 'read' | 'snapshot' | 'write' | 'delete' | 'migrate' | 'probe';

export interface StoreDialect extends SqlDialect {
  migrations: MigrationDialect;
  /** The lookup a delete decides on; it must keep the row from changing until the delete. */
  findForDelete: string;
  /** Where the database keeps each project's number of backups, replicas left out: the count of a listing with no filter. */
  projectCount?: string;
  /** A row when the schema's bookkeeping table (schema_migrations) exists, none when it does not. */
  hasSchema: string;
}

const NO_PARAMS: readonly unknown[] = [];

const get = (sql: string, params: readonly unknown[] = NO_PARAMS): Query => ({ kind: 'get', sql, params });
const all = (sql: string, params: readonly unknown[] = NO_PARAMS): Query => ({ kind: 'all', sql, params });
const run = (sql: string, params: readonly unknown[]): Query => ({ kind: 'run', sql, params });
const exec = (sql: string): Query => ({ kind: 'exec', sql, params: NO_PARAMS });

/** Runs a sequence to its end, each query answered at once by `execute`. */
export function runSteps<T>(steps: Steps<T>, execute: (query: Query) => unknown): T {
  let step = steps.next();
  while (step.done !== true) step = steps.next(execute(step.value));
  return step.value;
}

/** Runs a sequence to its end, each query answered when `execute` settles. */
export async function runStepsAsync<T>(steps: Steps<T>, execute: (query: Query) => Promise<unknown>): Promise<T> {
  let step = steps.next();
  while (step.done !== true) step = steps.next(await execute(step.value));
  return step.value;
}

/** Decides (domain/deletion.ts) and deletes, with the audit record; in a 'delete' transaction. */
function* deleteSteps(dialect: StoreDialect, projectId: string, backupId: string, actor: DeletionActor, now: () => Date): Steps<DeleteOutcome> {
  const row = (yield get(dialect.findForDelete, [backupId, projectId])) as BackupRow | undefined;
  const decision = decideDeletion(row === undefined ? undefined : fromRow(row));
  if (decision.verdict !== 'delete') return decision;
  // Guarded by status as well, so the row deleted is the row that was checked.
  if ((yield run(STATEMENTS.deleteBackup, [backupId, projectId])) !== 1) {
    // Cannot happen while the lookup holds the row; if it ever did, the rollback keeps everything.
    throw new Error(`backup ${backupId} changed between check and delete`);
  }
  yield run(STATEMENTS.insertAudit, auditValues(decision.backup, actor, now()));
  return { verdict: 'deleted', backup: decision.backup };
}

function* getSteps(projectId: string, backupId: string): Steps<BackupDetail | undefined> {
  const row = (yield get(STATEMENTS.findBackup, [backupId, projectId])) as BackupRow | undefined;
  return row === undefined ? undefined : fromRow(row);
}

/** The marker, the page and the count; in a 'snapshot' transaction, so all three agree. */
export function* listSteps(dialect: StoreDialect, projectId: string, query: ListBackupsQuery): Steps<ListOutcome> {
  let after: unknown[] | undefined;
  if (query.marker !== undefined) {
    const marker = yield* markerSteps(projectId, query.marker);
    if (marker === undefined) return { ok: false, reason: 'unknown_marker' };
    after = sortValuesOf(sortOrder(query.sort), marker);
  }
  const page = pageSql(dialect, COLUMNS, projectId, query, after);
  const rows = (yield all(page.text, page.params)) as BackupRow[];
  const filters = filterSql(dialect, projectId, query);
  const count =
    dialect.projectCount !== undefined && filters.projectOnly ? { text: dialect.projectCount, params: [projectId] } : countSql(filters, dialect.scanFrom?.(query));
  // A count(*) in PostgreSQL is a bigint, which node-postgres hands over as a string.
  const { count: total } = (yield get(count.text, count.params)) as { count: number | string };
  return { ok: true, backups: rows.map(fromRow), count: Number(total) };
}

/** A marker may name a backup deleted since the previous page: its last state is in the audit trail. */
function* markerSteps(projectId: string, id: string): Steps<BackupDetail | undefined> {
  const backup = yield* getSteps(projectId, id);
  if (backup !== undefined) return backup;
  const deleted = (yield get(STATEMENTS.lastDeletedState, [id, projectId])) as { backup: string } | undefined;
  return deleted === undefined ? undefined : (JSON.parse(deleted.backup) as BackupDetail);
}

/** A backup once deleted is never added again (seed files are loaded at every start); in a 'write' transaction. */
function* addSteps(backups: readonly BackupDetail[]): Steps<AddOutcome> {
  const outcome: AddOutcome = { added: 0, alreadyStored: 0, alreadyDeleted: 0 };
  for (const backup of backups) {
    if ((yield get(STATEMENTS.wasDeleted, [backup.id])) !== undefined) outcome.alreadyDeleted++;
    else if ((yield run(STATEMENTS.insertBackup, backupValues(backup))) === 1) outcome.added++;
    else outcome.alreadyStored++;
  }
  return outcome;
}

function* isPristineSteps(): Steps<boolean> {
  return (yield get(STATEMENTS.anyBackup)) === undefined && (yield get(STATEMENTS.anyDeletion)) === undefined;
}

function* auditTrailSteps(filter: { projectId?: string; backupId?: string }): Steps<AuditRecord[]> {
  const query = auditTrailSql(filter);
  const rows = (yield all(query.text, query.params)) as (Omit<AuditRecord, 'backup'> & { backup: string })[];
  return rows.map((r) => ({ ...r, backup: JSON.parse(r.backup) as BackupDetail }));
}

function* pingSteps(): Steps<void> {
  yield get(STATEMENTS.ping);
}

/**
 * Needs write access and changes no row: refused on a file or connection opened read-only,
 * and by a PostgreSQL database in read-only mode (default_transaction_read_only, a hot standby).
 * SQLite starts a write transaction on a read-only file without complaint (BEGIN IMMEDIATE
 * falls back to a read); the UPDATE is what it refuses.
 */
const WRITE_PROBE_SQL = 'UPDATE schema_migrations SET version = version WHERE 1 = 0';

/** In a 'probe' transaction. */
export function* writeProbeSteps(): Steps<void> {
  yield run(WRITE_PROBE_SQL, NO_PARAMS);
}

/** Whether the schema was ever created here (the migrations' table exists). */
export function* hasSchemaSteps(dialect: StoreDialect): Steps<boolean> {
  return (yield get(dialect.hasSchema)) !== undefined;
}

/**
 * Applies the migrations not applied yet and records them; in a 'migrate' transaction, so
 * stores starting together apply each once, and a failed one leaves nothing behind (both
 * databases' DDL is transactional).
 */
export function* migrateSteps(dialect: MigrationDialect): Steps<void> {
  yield exec(MIGRATIONS_TABLE_SQL);
  const rows = (yield all('SELECT version FROM schema_migrations')) as { version: number }[];
  const applied = new Set(rows.map((r) => r.version));
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    yield exec(migrationSql(migration, dialect));
    yield run(RECORD_MIGRATION_SQL, [migration.version, new Date().toISOString()]);
  }
}

/** The store's operations, each one sequence run in its kind of transaction by the driver below. */
export abstract class SqlBackupStore implements BackupStore {
  readonly #dialect: StoreDialect;
  readonly #now: () => Date;

  protected constructor(dialect: StoreDialect, now: (() => Date) | undefined) {
    this.#dialect = dialect;
    this.#now = now ?? (() => new Date());
  }

  /** Runs `steps` to their end in one transaction of `kind` (driver). A query that fails rolls it back. */
  protected abstract run<T>(kind: TransactionKind, steps: Steps<T>): Promise<T>;

  abstract close(): Promise<void>;

  deleteBackup(projectId: string, backupId: string, actor: DeletionActor): Promise<DeleteOutcome> {
    return this.run('delete', deleteSteps(this.#dialect, projectId, backupId, actor, this.#now));
  }

  getBackup(projectId: string, backupId: string): Promise<BackupDetail | undefined> {
    return this.run('read', getSteps(projectId, backupId));
  }

  listBackups(projectId: string, query: ListBackupsQuery): Promise<ListOutcome> {
    return this.run('snapshot', listSteps(this.#dialect, projectId, query));
  }

  async addBackups(backups: readonly BackupDetail[]): Promise<number> {
    return (await this.addBackupsCounted(backups)).added;
  }

  addBackupsCounted(backups: readonly BackupDetail[]): Promise<AddOutcome> {
    return this.run('write', addSteps(backups));
  }

  isPristine(): Promise<boolean> {
    return this.run('read', isPristineSteps());
  }

  auditTrail(filter: { projectId?: string; backupId?: string } = {}): Promise<AuditRecord[]> {
    return this.run('read', auditTrailSteps(filter));
  }

  ping(): Promise<void> {
    return this.run('read', pingSteps());
  }

  async checkWritable(): Promise<void> {
    try {
      await this.run('probe', writeProbeSteps());
    } catch (error) {
      throw this.writeError(error);
    }
  }

  /** The error of a write that failed, naming the database and, where the driver knows it, why. */
  protected abstract writeError(error: unknown): Error;

  /** Whether the schema was ever created in this database (a store opened read-only checks it). */
  protected hasSchema(): Promise<boolean> {
    return this.run('read', hasSchemaSteps(this.#dialect));
  }
}
