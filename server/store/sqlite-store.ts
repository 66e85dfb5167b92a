// The embedded store: one SQLite file (better-sqlite3, WAL). Statements are prepared once;
// each delete is one IMMEDIATE transaction, so the check and the delete cannot be split
// by another connection, in this process or another.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BackupDetail, BackupStatus, ListBackupsQuery } from '../contract/types.ts';
import { decideDeletion } from '../domain/deletion.ts';
import { type BackupRow, fromRow } from './backup-row.ts';
import { filterSql, pageSql, sortOrder, sortValueOf, type SqlDialect } from './list-query.ts';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL, RECORD_MIGRATION_SQL, migrationSql } from './migrations.ts';
import { COLUMNS, STATEMENTS, auditTrailSql, auditValues, backupValues, countSql } from './sql.ts';
import type { AuditRecord, BackupStore, DeleteOutcome, DeletionActor, ListOutcome } from './store.ts';

const DIALECT: SqlDialect = { contains: (column) => `instr(${column}, ?) > 0` };

interface AuditRow extends Omit<AuditRecord, 'backup'> {
  backup: string;
}

export class SqliteBackupStore implements BackupStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #statements;
  readonly #deleteTransaction;
  readonly #listTransaction;
  /** Listing and audit statements vary with their filters and sort (a few thousand shapes at most); each is prepared once. */
  readonly #prepared = new Map<string, Database.Statement<unknown[]>>();

  constructor(file: string, options: { now?: () => Date } = {}) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.#db = new Database(file);
    this.#now = options.now ?? (() => new Date());
    // WAL lets readers run beside the writer; NORMAL syncs at checkpoints, which in WAL
    // mode keeps the database consistent on any crash (a power cut may lose the last commits).
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.pragma('foreign_keys = ON');
    migrate(this.#db);

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
    this.#listTransaction = this.#db.transaction((projectId: string, query: ListBackupsQuery) => this.#list(projectId, query));
  }

  async deleteBackup(projectId: string, backupId: string, actor: DeletionActor): Promise<DeleteOutcome> {
    return this.#deleteTransaction.immediate(projectId, backupId, actor);
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
    const count = countSql(filterSql(DIALECT, projectId, query));
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
