// The embedded store: one SQLite file (better-sqlite3, WAL). Statements are prepared once;
// each delete runs in an IMMEDIATE transaction, so the check and the delete cannot be split
// by another connection, in this process or another. Two things keep writes cheap on the
// event loop: the WAL is checkpointed (with its fsync) by a second connection in a worker
// thread, and the deletes that arrive in one turn of the event loop share one commit.
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { BackupDetail, BackupStatus, ListBackupsQuery } from '../contract/types.ts';
import { decideDeletion } from '../domain/deletion.ts';
import { type BackupRow, fromRow } from './backup-row.ts';
import { filterSql, pageSql, sortOrder, sortValueOf, type SqlDialect } from './list-query.ts';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL, RECORD_MIGRATION_SQL, migrationSql } from './migrations.ts';
import { COLUMNS, STATEMENTS, auditTrailSql, auditValues, backupValues, countSql } from './sql.ts';
import type { AuditRecord, BackupStore, DeleteOutcome, DeletionActor, ListOutcome } from './store.ts';

const DIALECT: SqlDialect = { contains: (column) => `instr(${column}, ?) > 0` };

/** SQLite's own default, used again if the checkpoint worker is lost. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointWorkerData {
  /** The database file. */
  file: string;
  /** Where better-sqlite3 is, for the worker's require(). */
  driver: string;
  intervalMs: number;
  /** Past this size the serving connection finishes a checkpoint itself. */
  walLimitBytes: number;
}

export interface CheckpointOptions {
  /** How often the worker checkpoints (default 200 ms). */
  intervalMs?: number;
  /** The WAL size past which the serving connection finishes a checkpoint itself, and the size a WAL starting over is cut back to (default 32 MiB). */
  walLimitBytes?: number;
  /** Starts the worker thread (default: the one below); a different one is for tests. */
  startWorker?: (data: CheckpointWorkerData) => Worker;
}

/**
 * The checkpoint worker, plain CommonJS so that it runs the same under tsx and compiled.
 * PASSIVE copies what it can from the WAL into the database (and syncs it) without waiting
 * for anyone; then the worker reports the WAL's size. The WAL starts over from its beginning
 * only when a write finds all of it copied, which never happens while writes keep coming
 * faster than a checkpoint ends: past the limit, the serving connection copies the few
 * frames written since, between two transactions (#onWalReport). A busy database is tried
 * again next time; any other error ends the worker.
 */
const CHECKPOINT_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const walBytes = () => { try { return statSync(workerData.file + '-wal').size; } catch { return 0; } };
let stopped = false;
let passes = 0;
const checkpoint = () => {
  if (stopped) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); }
  catch (error) { if (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') throw error; }
  const bytes = walBytes();
  // Past the limit, passes follow at once: each has fewer new frames to copy than the one
  // before, so what is left for the serving connection is small.
  if (bytes > workerData.walLimitBytes && ++passes < 4) return void setImmediate(checkpoint);
  passes = 0;
  parentPort.postMessage(bytes);
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => { stopped = true; clearInterval(timer); db.close(); parentPort.close(); });
`;

function startCheckpointWorker(data: CheckpointWorkerData): Worker {
  // No tsx loader (execArgv) and a small heap: the worker only runs the code above.
  return new Worker(CHECKPOINT_WORKER_SOURCE, {
    eval: true,
    workerData: data,
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
}

interface AuditRow extends Omit<AuditRecord, 'backup'> {
  backup: string;
}

interface PendingDelete {
  projectId: string;
  backupId: string;
  actor: DeletionActor;
  resolve: (outcome: DeleteOutcome) => void;
  reject: (error: unknown) => void;
}

export class SqliteBackupStore implements BackupStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #statements;
  readonly #deleteTransaction;
  readonly #groupTransaction;
  readonly #listTransaction;
  /** Listing and audit statements vary with their filters and sort (a few thousand shapes at most); each is prepared once. */
  readonly #prepared = new Map<string, Database.Statement<unknown[]>>();
  /** Deletes waiting for the commit of this turn of the event loop. */
  #pending: PendingDelete[] = [];
  #checkpointWorker: Worker | undefined;
  #closing = false;

  constructor(file: string, options: { now?: () => Date; checkpoints?: CheckpointOptions } = {}) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.#db = new Database(file);
    this.#now = options.now ?? (() => new Date());
    // WAL lets readers run beside the writer; NORMAL syncs at checkpoints, which in WAL
    // mode keeps the database consistent on any crash (a power cut may lose the last commits).
    const journalMode = this.#db.pragma('journal_mode = WAL', { simple: true });
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.pragma('foreign_keys = ON');
    migrate(this.#db);
    if (journalMode === 'wal') this.#startCheckpoints(path.resolve(file), options.checkpoints ?? {});

    this.#statements = {
      find: this.#db.prepare<[string, string], BackupRow>(STATEMENTS.findBackup),
      delete: this.#db.prepare<[string, string]>(STATEMENTS.deleteBackup),
      audit: this.#db.prepare<unknown[]>(STATEMENTS.insertAudit),
      insert: this.#db.prepare<unknown[]>(STATEMENTS.insertBackup),
      wasDeleted: this.#db.prepare<[string]>(STATEMENTS.wasDeleted),
      setStatus: this.#db.prepare<[string, string]>(STATEMENTS.setStatus),
      anyBackup: this.#db.prepare(STATEMENTS.anyBackup),
      anyDeletion: this.#db.prepare(STATEMENTS.anyDeletion),
      lastDeletedState: this.#db.prepare<[string, string], { backup: string }>(STATEMENTS.lastDeletedState),
      ping: this.#db.prepare(STATEMENTS.ping),
    };
    this.#deleteTransaction = this.#db.transaction((projectId: string, backupId: string, actor: DeletionActor): DeleteOutcome => {
      const row = this.#statements.find.get(backupId, projectId);
      const decision = decideDeletion(row === undefined ? undefined : fromRow(row));
      if (decision.verdict !== 'delete') return decision;
      if (this.#statements.delete.run(backupId, projectId).changes !== 1) {
        // Cannot happen inside an IMMEDIATE transaction; if it ever did, nothing is deleted.
        throw new Error(`backup ${backupId} changed between check and delete`);
      }
      this.#statements.audit.run(...auditValues(decision.backup, actor, this.#now()));
      return { verdict: 'deleted', backup: decision.backup };
    });
    this.#groupTransaction = this.#db.transaction((group: PendingDelete[]) =>
      group.map((pending): { outcome: DeleteOutcome } | { error: unknown } => {
        // Nested: a savepoint each, so a delete that fails is undone alone.
        try {
          return { outcome: this.#deleteTransaction(pending.projectId, pending.backupId, pending.actor) };
        } catch (error) {
          return { error };
        }
      }),
    );
    this.#listTransaction = this.#db.transaction((projectId: string, query: ListBackupsQuery) => this.#list(projectId, query));
  }

  /**
   * Queued until the event loop has taken in what arrived in this turn; then all of them
   * are committed together (#commitPending). Each caller still gets its own outcome.
   */
  deleteBackup(projectId: string, backupId: string, actor: DeletionActor): Promise<DeleteOutcome> {
    return new Promise((resolve, reject) => {
      if (this.#pending.push({ projectId, backupId, actor, resolve, reject }) === 1) setImmediate(() => this.#commitPending());
    });
  }

  /**
   * One IMMEDIATE transaction for the waiting deletes, each in a savepoint with its audit
   * record: one that fails is rolled back alone and its caller gets the error. If the commit
   * itself fails, nothing of the group is stored and every caller gets the error.
   */
  #commitPending(): void {
    const group = this.#pending;
    this.#pending = [];
    if (group.length === 0) return;
    if (group.length === 1) {
      const only = group[0]!;
      try {
        only.resolve(this.#deleteTransaction.immediate(only.projectId, only.backupId, only.actor));
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    let results: ({ outcome: DeleteOutcome } | { error: unknown })[];
    try {
      results = this.#groupTransaction.immediate(group);
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    results.forEach((result, i) => ('outcome' in result ? group[i]!.resolve(result.outcome) : group[i]!.reject(result.error)));
  }

  /**
   * Checkpoints move off this connection (wal_autocheckpoint = 0) to a worker thread. If the
   * worker ends other than by close(), this connection checkpoints again as SQLite does by
   * default, so the WAL never grows without bound.
   */
  #startCheckpoints(file: string, options: CheckpointOptions): void {
    const start = options.startWorker ?? startCheckpointWorker;
    const walLimitBytes = options.walLimitBytes ?? 32 * 1024 * 1024;
    const worker = start({ file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), intervalMs: options.intervalMs ?? 200, walLimitBytes });
    this.#db.pragma('wal_autocheckpoint = 0');
    // A WAL that starts over is cut back to this size, so one burst does not leave it large.
    this.#db.pragma(`journal_size_limit = ${walLimitBytes}`);
    this.#checkpointWorker = worker;
    worker.on('message', (walBytes: number) => {
      // Messages run between transactions: nothing is written while this one copies the tail.
      if (walBytes > walLimitBytes && !this.#closing && this.#db.open) this.#db.pragma('wal_checkpoint(PASSIVE)');
    });
    // Its errors are answered by the fallback below; unhandled, they would end the process.
    worker.on('error', () => {});
    worker.once('exit', () => {
      this.#checkpointWorker = undefined;
      if (!this.#closing && this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    });
    // A store that is never closed must not keep the process alive.
    worker.unref();
  }

  /** Who checkpoints the WAL now: the worker thread, or this connection (after losing the worker, or without a WAL). */
  get checkpointedBy(): 'worker' | 'connection' {
    return this.#checkpointWorker === undefined ? 'connection' : 'worker';
  }

  async getBackup(projectId: string, backupId: string): Promise<BackupDetail | undefined> {
    const row = this.#statements.find.get(backupId, projectId);
    return row === undefined ? undefined : fromRow(row);
  }

  async listBackups(projectId: string, query: ListBackupsQuery): Promise<ListOutcome> {
    return this.#listTransaction.deferred(projectId, query);
  }

  #prepare<Row>(text: string): Database.Statement<unknown[], Row> {
    let statement = this.#prepared.get(text);
    if (statement === undefined) {
      statement = this.#db.prepare<unknown[]>(text);
      this.#prepared.set(text, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  }

  /** One read transaction, so the page and the count see the same snapshot. */
  #list(projectId: string, query: ListBackupsQuery): ListOutcome {
    let after: { sortValue: unknown; id: string } | undefined;
    if (query.marker !== undefined) {
      const marker = this.#markerBackup(projectId, query.marker);
      if (marker === undefined) return { ok: false, reason: 'unknown_marker' };
      after = { sortValue: sortValueOf(sortOrder(query.sort), marker), id: marker.id };
    }
    const page = pageSql(DIALECT, COLUMNS, projectId, query, after);
    const rows = this.#prepare<BackupRow>(page.text).all(...page.params);
    const filters = filterSql(DIALECT, projectId, query);
    // Filtered on the project alone, the count is the row migration 2's triggers keep.
    const count = filters.params.length === 1 ? { text: STATEMENTS.projectCount, params: [projectId] } : countSql(filters);
    const { count: total } = this.#prepare<{ count: number }>(count.text).get(...count.params)!;
    return { ok: true, backups: rows.map(fromRow), count: total };
  }

  /** A marker may name a backup deleted since the previous page: its last state is in the audit trail. */
  #markerBackup(projectId: string, id: string): BackupDetail | undefined {
    const row = this.#statements.find.get(id, projectId);
    if (row !== undefined) return fromRow(row);
    const deleted = this.#statements.lastDeletedState.get(id, projectId);
    return deleted === undefined ? undefined : (JSON.parse(deleted.backup) as BackupDetail);
  }

  async addBackups(backups: readonly BackupDetail[]): Promise<number> {
    const add = (b: BackupDetail) => (this.#statements.wasDeleted.get(b.id) === undefined ? this.#statements.insert.run(...backupValues(b)).changes : 0);
    return this.#db.transaction(() => backups.reduce((added, b) => added + add(b), 0)).immediate();
  }

  async setStatus(backupId: string, status: BackupStatus): Promise<boolean> {
    return this.#statements.setStatus.run(status, backupId).changes === 1;
  }

  async isPristine(): Promise<boolean> {
    return this.#statements.anyBackup.get() === undefined && this.#statements.anyDeletion.get() === undefined;
  }

  async auditTrail(filter: { projectId?: string; backupId?: string } = {}): Promise<AuditRecord[]> {
    const query = auditTrailSql(filter);
    const rows = this.#prepare<AuditRow>(query.text).all(...query.params);
    return rows.map((r) => ({ ...r, backup: JSON.parse(r.backup) as BackupDetail }));
  }

  async ping(): Promise<void> {
    this.#statements.ping.get();
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#commitPending();
    const worker = this.#checkpointWorker;
    if (worker !== undefined) {
      // The worker closes its connection first, so this one is the last and leaves no WAL behind.
      const exited = once(worker, 'exit');
      worker.ref();
      worker.postMessage('stop');
      // A worker stuck in a checkpoint is not waited for long: its connection ends with it.
      const stuck = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(stuck);
    }
    if (this.#db.open) this.#db.close();
  }
}

function migrate(db: Database.Database): void {
  db.exec(MIGRATIONS_TABLE_SQL);
  const isApplied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  for (const migration of MIGRATIONS) {
    // Checked inside the write lock, so two processes starting at once apply it once.
    db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) return;
      db.exec(migrationSql(migration, 'sqlite'));
      db.prepare(RECORD_MIGRATION_SQL).run(migration.version, new Date().toISOString());
    }).immediate();
  }
}
