// How the `backups` tool shows backups to people: a table for a list, aligned fields for one.
import type { BackupDetail } from './types.ts';

const COLUMNS: ReadonlyArray<{ title: string; value: (backup: BackupDetail) => string }> = [
  { title: 'ID', value: (b) => b.id },
  { title: 'NAME', value: (b) => b.name },
  { title: 'STATUS', value: (b) => b.status },
  { title: 'RESOURCE TYPE', value: (b) => b.resource_type },
  { title: 'SIZE (GB)', value: (b) => String(b.resource_size) },
  { title: 'CREATED', value: (b) => b.created_at },
];

/** Control characters (a name could hold any) would break the layout or the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function formatTable(backups: readonly BackupDetail[]): string {
  if (backups.length === 0) return 'No backups.\n';
  const rows = [COLUMNS.map((column) => column.title), ...backups.map((backup) => COLUMNS.map((column) => printable(column.value(backup))))];
  const widths = COLUMNS.map((_, index) => Math.max(...rows.map((row) => (row[index] as string).length)));
  return rows.map((row) => row.map((cell, index) => cell.padEnd(widths[index] as number)).join('  ').trimEnd()).join('\n') + '\n';
}

export function formatBackup(backup: BackupDetail): string {
  const fields: Array<[string, unknown]> = Object.entries(backup).filter(([key]) => key !== 'extend_info');
  for (const [key, value] of Object.entries(backup.extend_info)) fields.push([`extend_info.${key}`, value]);
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields
    .map(([key, value]) => `${key.padEnd(width)}  ${printable(typeof value === 'string' ? value : JSON.stringify(value))}`)
    .join('\n') + '\n';
}
