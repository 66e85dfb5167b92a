// The schema, as ordered migrations shared by both stores. Each runs once, in a
// transaction, and is recorded in schema_migrations. `{{id_column}}` is the one piece of
// DDL the two databases spell differently; text columns differ in collation (below). A
// migration that only one database needs gives its SQL per dialect ('' where there is none).
export interface Migration {
  version: number;
  description: string;
  sql: string | Record<MigrationDialect, string>;
}

/** Migration 3's new columns, the same on both databases. */
const NEW_BACKUP_FIELDS = `
  ALTER TABLE backups ADD COLUMN incremental INTEGER;
  ALTER TABLE backups ADD COLUMN version INTEGER;
  ALTER TABLE backups ADD COLUMN replication_records TEXT;
  ALTER TABLE backups ADD COLUMN children TEXT;
`;

/**
 * Migration 4's indexes: one per sort key of a listing, as list-query.ts sorts it (a nullable
 * column as COALESCE(column, '')), within the project and with the id tie-break, so that every
 * single-key order is read from an index, pages after a marker start with a seek, and offsets
 * (capped by the spec) are skipped in the index. created_at's is migration 1's.
 */
const SORT_INDEXES = `
  CREATE INDEX backups_project_updated ON backups (project_id, updated_at, id);
  CREATE INDEX backups_project_name ON backups (project_id, name, id);
  CREATE INDEX backups_project_status_id ON backups (project_id, status, id);
  CREATE INDEX backups_project_protected ON backups (project_id, (COALESCE(protected_at, '')), id);
  CREATE INDEX backups_project_expired ON backups (project_id, (COALESCE(expired_at, '')), id);
  CREATE INDEX backups_project_size ON backups (project_id, resource_size, id);
  CREATE INDEX backups_project_id ON backups (project_id, id);
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'backups and the deletion audit trail',
    sql: `
      CREATE TABLE backups (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        vault_id TEXT NOT NULL,
        checkpoint_id TEXT NOT NULL,
        parent_id TEXT,
        resource_id TEXT NOT NULL,
        resource_name TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_size INTEGER NOT NULL,
        resource_az TEXT,
        image_type TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        expired_at TEXT,
        protected_at TEXT,
        enterprise_project_id TEXT,
        provider_id TEXT,
        extend_info TEXT NOT NULL
      );
      -- The default listing order, and the one keyset paging walks.
      CREATE INDEX backups_project_created ON backups (project_id, created_at, id);
      CREATE INDEX backups_project_status ON backups (project_id, status, created_at, id);
      CREATE TABLE deletion_audit (
        id {{id_column}},
        backup_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        request_id TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        last_status TEXT NOT NULL,
        backup TEXT NOT NULL
      );
      CREATE INDEX deletion_audit_backup ON deletion_audit (backup_id);
      CREATE INDEX deletion_audit_project ON deletion_audit (project_id, deleted_at);
    `,
  },
  {
    version: 2,
    description: 'backups per project, kept by triggers (SQLite)',
    sql: {
      // A listing's count without filters reads this row instead of counting the project's
      // backups (86 ms at 1,000,000). SQLite has one writer at a time, so the row costs no
      // waiting. PostgreSQL keeps counting: there, every delete of a project updating one row
      // would serialise the instances deleting concurrently.
      sqlite: `
        CREATE TABLE backup_counts (project_id TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO backup_counts (project_id, count) SELECT project_id, count(*) FROM backups GROUP BY project_id;
        CREATE TRIGGER backup_counts_insert AFTER INSERT ON backups BEGIN
          INSERT OR IGNORE INTO backup_counts (project_id, count) VALUES (NEW.project_id, 0);
          UPDATE backup_counts SET count = count + 1 WHERE project_id = NEW.project_id;
        END;
        CREATE TRIGGER backup_counts_delete AFTER DELETE ON backups BEGIN
          UPDATE backup_counts SET count = count - 1 WHERE project_id = OLD.project_id;
        END;
        CREATE TRIGGER backup_counts_move AFTER UPDATE OF project_id ON backups WHEN NEW.project_id IS NOT OLD.project_id BEGIN
          UPDATE backup_counts SET count = count - 1 WHERE project_id = OLD.project_id;
          INSERT OR IGNORE INTO backup_counts (project_id, count) VALUES (NEW.project_id, 0);
          UPDATE backup_counts SET count = count + 1 WHERE project_id = NEW.project_id;
        END;
      `,
      postgres: '',
    },
  },
  {
    version: 3,
    description: "the fields of CBR's backup object; per-project counts leave replicas out, as listings do (SQLite)",
    sql: {
      sqlite: `
        ${NEW_BACKUP_FIELDS}
        DROP TRIGGER backup_counts_insert;
        DROP TRIGGER backup_counts_delete;
        DROP TRIGGER backup_counts_move;
        DELETE FROM backup_counts;
        INSERT INTO backup_counts (project_id, count)
          SELECT project_id, count(*) FROM backups WHERE image_type <> 'replication' GROUP BY project_id;
        CREATE TRIGGER backup_counts_insert AFTER INSERT ON backups WHEN NEW.image_type <> 'replication' BEGIN
          INSERT OR IGNORE INTO backup_counts (project_id, count) VALUES (NEW.project_id, 0);
          UPDATE backup_counts SET count = count + 1 WHERE project_id = NEW.project_id;
        END;
        CREATE TRIGGER backup_counts_delete AFTER DELETE ON backups WHEN OLD.image_type <> 'replication' BEGIN
          UPDATE backup_counts SET count = count - 1 WHERE project_id = OLD.project_id;
        END;
        CREATE TRIGGER backup_counts_move AFTER UPDATE OF project_id, image_type ON backups BEGIN
          UPDATE backup_counts SET count = count - 1 WHERE project_id = OLD.project_id AND OLD.image_type <> 'replication';
          INSERT OR IGNORE INTO backup_counts (project_id, count) VALUES (NEW.project_id, 0);
          UPDATE backup_counts SET count = count + 1 WHERE project_id = NEW.project_id AND NEW.image_type <> 'replication';
        END;
      `,
      postgres: NEW_BACKUP_FIELDS,
    },
  },
  {
    version: 4,
    description: 'an index for each sort key of a listing, with the id tie-break',
    sql: SORT_INDEXES,
  },
  {
    version: 5,
    description: "the caller's own request id (X-Request-Id as sent), beside the service's request_id",
    sql: 'ALTER TABLE deletion_audit ADD COLUMN correlation_id TEXT;',
  },
];

export type MigrationDialect = 'sqlite' | 'postgres';

const ID_COLUMN: Record<MigrationDialect, string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
};

/** The migration's SQL for one database; '' when that database needs nothing. */
export function migrationSql(migration: Migration, dialect: MigrationDialect): string {
  const text = typeof migration.sql === 'string' ? migration.sql : migration.sql[dialect];
  const sql = text.replaceAll('{{id_column}}', ID_COLUMN[dialect]);
  // SQLite compares text byte by byte; PostgreSQL by the database's locale, where "Beta"
  // may sort after "alpha". Declaring every text column COLLATE "C" gives both stores the
  // same order (sorting and keyset paging) and lets the indexes serve it.
  return dialect === 'postgres' ? sql.replace(/\bTEXT\b/g, 'TEXT COLLATE "C"') : sql;
}

/** Where a database records the migrations applied to it (both stores). */
export const MIGRATIONS_TABLE_SQL = 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)';
/** Params: version, applied_at. */
export const RECORD_MIGRATION_SQL = 'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)';
