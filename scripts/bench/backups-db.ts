// Benchmark data: a SQLite store file holding N backups, written in bulk straight through
// better-sqlite3 (one transaction, one prepared insert), not through the API. The schema is
// the service's own: the store opens the file once first, which applies its migrations.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { BackupDetail } from '../../server/contract/types.ts';
import { BACKUP_COLUMNS, toRow } from '../../server/store/backup-row.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';

/** The one project every benchmark backup belongs to (the worst case for a listing). */
export const BENCH_PROJECT = '5e7c0b2a9d4f4e1b8c3a6d9e0f1a2b3c';

/**
 * Random version-4 UUIDs in ascending order: the first 32 bits step evenly through their
 * range (with a random offset within each step), the rest is random. Inserting in key order
 * keeps the bulk load fast, as every index is appended to; callers shuffle the ids they delete.
 */
export function sortedIds(count: number): string[] {
  const ids = new Array<string>(count);
  const step = 2 ** 32 / count;
  const bytes = randomBytes(count * 16);
  for (let i = 0; i < count; i++) {
    const prefix = Math.floor(i * step + bytes.readUInt32BE(i * 16) * (step / 2 ** 32));
    const hex = bytes.toString('hex', i * 16 + 4, i * 16 + 16);
    ids[i] =
      `${prefix.toString(16).padStart(8, '0')}-${hex.slice(0, 4)}-4${hex.slice(5, 8)}-` +
      `${'89ab'[bytes[i * 16 + 8]! & 3]}${hex.slice(9, 12)}-${hex.slice(12, 24)}`;
  }
  return ids;
}

/** A deletable backup shaped like the demo data: a server backup, available, not an image. */
export function benchBackup(id: string, index: number): BackupDetail {
  // One backup a minute going back from a fixed day, so created_at is distinct and realistic.
  const created = new Date(Date.UTC(2026, 0, 1) - index * 60_000).toISOString().replace('Z', '084695').slice(0, 26);
  return {
    id,
    name: `nightly-${index}`,
    description: 'benchmark backup',
    project_id: BENCH_PROJECT,
    vault_id: '4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    checkpoint_id: id,
    parent_id: null,
    resource_id: '7e8f9a0b-1c2d-4e3f-8a4b-000000000001',
    resource_name: 'ecs-web-01',
    resource_type: 'OS::Nova::Server',
    resource_size: 40,
    resource_az: 'az1.dc1',
    image_type: 'backup',
    status: 'available',
    created_at: created,
    updated_at: created,
    expired_at: null,
    protected_at: created,
    enterprise_project_id: '0',
    provider_id: '0daac4c5-6707-4851-97ba-169e36266b66',
    extend_info: {
      auto_trigger: true,
      bootable: true,
      incremental: index % 7 !== 0,
      snapshot_id: id,
      support_lld: false,
      supported_restore_mode: 'backup',
      os_images_data: [],
      contain_system_disk: true,
      encrypted: false,
      system_disk: true,
    },
  };
}

/** Writes `count` backups into a new store file; returns their ids (ascending). */
export async function createBackupsDb(file: string, count: number): Promise<string[]> {
  // The service's store creates the schema (its migrations), exactly as in production.
  await new SqliteBackupStore(file).close();
  const ids = sortedIds(count);
  const db = new Database(file);
  try {
    // Loading only, so no journal and no syncs: a crash here loses a benchmark file, nothing
    // else. The pages go straight into the file instead of through the WAL and back.
    db.pragma('journal_mode = DELETE');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const insert = db.prepare(`INSERT INTO backups (${BACKUP_COLUMNS.join(', ')}) VALUES (${BACKUP_COLUMNS.map((c) => `@${c}`).join(', ')})`);
    // The indexes (all but the primary key's) are built again after the rows are in: an index
    // built from the rows sorts them once, far faster than one kept up to date row by row.
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'backups' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
    db.transaction(() => {
      for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
      for (let i = 0; i < count; i++) insert.run(toRow(benchBackup(ids[i]!, count - i)));
      for (const index of indexes) db.exec(index.sql);
    })();
    // Back to the mode the service runs in (it would switch on open anyway).
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  return ids;
}

/** Fisher-Yates, in place: deletions hit the store at random places, as real ones do. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
