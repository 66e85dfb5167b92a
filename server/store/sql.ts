// The statements both stores run, written once with `?` placeholders. SQLite takes them as
// they are; PostgreSQL's driver wants $1, $2, ..., which `numberPlaceholders` gives.
import type { BackupDetail } from '../contract/types.ts';
import { DELETABLE_STATUSES } from '../domain/deletion.ts';
import { BACKUP_COLUMNS, toRow } from './backup-row.ts';
import type { Sql } from './list-query.ts';
import type { DeletionActor } from './store.ts';

export const COLUMNS = BACKUP_COLUMNS.join(', ');

const AUDIT_COLUMNS = ['backup_id', 'project_id', 'user_id', 'user_name', 'request_id', 'correlation_id', 'deleted_at', 'last_status', 'backup'] as const;

const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

export const STATEMENTS = {
  /** Params: id, project_id. */
  findBackup: `SELECT ${COLUMNS} FROM backups WHERE id = ? AND project_id = ?`,
  /** Params: id, project_id. Guarded by status as well: the row deleted is the row that was checked. */
  deleteBackup: `DELETE FROM backups WHERE id = ? AND project_id = ? AND status IN (${DELETABLE_STATUSES.map((s) => `'${s}'`).join(', ')})`,
  /** Params: auditValues(...). */
  insertAudit: `INSERT INTO deletion_audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${placeholders(AUDIT_COLUMNS.length)})`,
  /** Params: backup_id. A backup once deleted is never added again (seed files are loaded at every start). */
  wasDeleted: 'SELECT 1 FROM deletion_audit WHERE backup_id = ? LIMIT 1',
  /** Params: backupValues(backup). An id already stored is left as it is. */
  insertBackup: `INSERT INTO backups (${COLUMNS}) VALUES (${placeholders(BACKUP_COLUMNS.length)}) ON CONFLICT (id) DO NOTHING`,
  anyBackup: 'SELECT 1 FROM backups LIMIT 1',
  anyDeletion: 'SELECT 1 FROM deletion_audit LIMIT 1',
  /** Params: backup_id, project_id. The last state of a deleted backup (a marker may name one). */
  lastDeletedState: 'SELECT backup FROM deletion_audit WHERE backup_id = ? AND project_id = ? ORDER BY id DESC LIMIT 1',
  ping: 'SELECT 1',
  /** Params: project_id. The project's backups as the triggers of migration 2 keep them (SQLite only). */
  projectCount: 'SELECT coalesce((SELECT count FROM backup_counts WHERE project_id = ?), 0) AS count',
} as const;

/** The values of STATEMENTS.insertBackup, in its column order. */
export function backupValues(backup: BackupDetail): unknown[] {
  const row = toRow(backup);
  return BACKUP_COLUMNS.map((column) => row[column]);
}

/** The values of STATEMENTS.insertAudit: who deleted which backup, when, and its last state. */
export function auditValues(backup: BackupDetail, actor: DeletionActor, deletedAt: Date): unknown[] {
  return [backup.id, backup.project_id, actor.userId, actor.userName, actor.requestId, actor.correlationId ?? null, deletedAt.toISOString(), backup.status, JSON.stringify(backup)];
}

/** Rows of the audit trail as stored (`backup` is JSON text), oldest first. */
export function auditTrailSql(filter: { projectId?: string; backupId?: string }): Sql {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.projectId !== undefined) {
    conditions.push('project_id = ?');
    params.push(filter.projectId);
  }
  if (filter.backupId !== undefined) {
    conditions.push('backup_id = ?');
    params.push(filter.backupId);
  }
  const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  return { text: `SELECT ${AUDIT_COLUMNS.join(', ')} FROM deletion_audit${where} ORDER BY id`, params };
}

/** How many backups match the filters of a listing (filterSql's WHERE text); `from` names the table, with a hint where a dialect gives one. */
export function countSql(filters: Sql, from = 'backups'): Sql {
  return { text: `SELECT count(*) AS count FROM ${from} WHERE ${filters.text}`, params: filters.params };
}

/** `?` placeholders as $1, $2, ... in order; question marks inside string literals stay. */
export function numberPlaceholders(text: string): string {
  let next = 0;
  return text.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++next}` : match));
}
