// Backups as rows and back. Both stores use the same columns (migrations.ts).
import type { BackupDetail } from '../contract/types.ts';

export const BACKUP_COLUMNS = [
  'id', 'project_id', 'name', 'description', 'vault_id', 'checkpoint_id', 'parent_id',
  'resource_id', 'resource_name', 'resource_type', 'resource_size', 'resource_az', 'image_type',
  'status', 'created_at', 'updated_at', 'expired_at', 'protected_at', 'enterprise_project_id',
  'provider_id', 'extend_info',
] as const;

export type BackupRow = Record<(typeof BACKUP_COLUMNS)[number], string | number | null>;

/** Optional fields that the spec does not allow to be null: omitted when the column is NULL. */
const OMIT_WHEN_NULL = new Set(['description', 'resource_az', 'enterprise_project_id', 'provider_id']);

export function toRow(backup: BackupDetail): BackupRow {
  const row = {} as BackupRow;
  for (const column of BACKUP_COLUMNS) {
    const value = backup[column];
    row[column] = column === 'extend_info' ? JSON.stringify(value) : ((value ?? null) as string | number | null);
  }
  return row;
}

export function fromRow(row: BackupRow): BackupDetail {
  const backup: Record<string, unknown> = {};
  for (const column of BACKUP_COLUMNS) {
    const value = row[column];
    if (value === null && OMIT_WHEN_NULL.has(column)) continue;
    backup[column] = column === 'extend_info' ? JSON.parse(value as string) : value;
  }
  // Integers come back as numbers from both drivers for INTEGER columns.
  return backup as BackupDetail;
}
