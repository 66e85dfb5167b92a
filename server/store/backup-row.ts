// Backups as rows and back. Both stores use the same columns (migrations.ts).
import type { BackupDetail } from '../contract/types.ts';

export const BACKUP_COLUMNS = [
  'id', 'project_id', 'name', 'description', 'vault_id', 'checkpoint_id', 'parent_id',
  'resource_id', 'resource_name', 'resource_type', 'resource_size', 'resource_az', 'image_type',
  'status', 'created_at', 'updated_at', 'expired_at', 'protected_at', 'enterprise_project_id',
  'provider_id', 'extend_info', 'incremental', 'version', 'replication_records', 'children',
] as const;

export type BackupRow = Record<(typeof BACKUP_COLUMNS)[number], string | number | null>;

/** Optional fields kept as NULL when a backup has none: omitted again when read. */
const OMIT_WHEN_NULL = new Set(['description', 'resource_az', 'enterprise_project_id', 'provider_id', 'incremental', 'version', 'replication_records', 'children']);

/** Objects and lists, kept as JSON text. */
const JSON_COLUMNS = new Set(['extend_info', 'replication_records', 'children']);

/** Booleans, kept as 0 and 1 (better-sqlite3 binds no booleans; both databases filter on the integer). */
const BOOLEAN_COLUMNS = new Set(['incremental']);

function toColumn(column: string, value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (JSON_COLUMNS.has(column)) return JSON.stringify(value);
  if (BOOLEAN_COLUMNS.has(column)) return value === true ? 1 : 0;
  return value as string | number;
}

function fromColumn(column: string, value: string | number): unknown {
  if (JSON_COLUMNS.has(column)) return JSON.parse(value as string);
  if (BOOLEAN_COLUMNS.has(column)) return Number(value) === 1;
  return value;
}

export function toRow(backup: BackupDetail): BackupRow {
  const row = {} as BackupRow;
  for (const column of BACKUP_COLUMNS) row[column] = toColumn(column, backup[column]);
  return row;
}

export function fromRow(row: BackupRow): BackupDetail {
  const backup: Record<string, unknown> = {};
  for (const column of BACKUP_COLUMNS) {
    const value = row[column];
    if (value === null && OMIT_WHEN_NULL.has(column)) continue;
    backup[column] = value === null ? null : fromColumn(column, value);
  }
  // Integers come back as numbers from both drivers for INTEGER columns.
  return backup as BackupDetail;
}
