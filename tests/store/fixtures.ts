// Backups for the store tests: valid BackupDetail values with fresh ids, and a reference
// model of the listing order to check the stores against.
import { randomUUID } from 'node:crypto';
import type { BackupDetail } from '../../server/contract/types.ts';
import { DEMO_PROJECT } from '../../server/demo/demo.ts';

export const VAULT_A = '4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
export const VAULT_B = '5b2d3c4e-6f70-4b8c-9dae-1f2a3b4c5d6e';

let counter = 0;

/** A deletable backup of DEMO_PROJECT with every field set; `overrides` win. */
export function makeBackup(overrides: Partial<BackupDetail> = {}): BackupDetail {
  const n = ++counter;
  const time = `2026-11-${String((n % 28) + 1).padStart(2, '0')}T08:00:00.${String(n).padStart(6, '0')}`;
  return {
    id: randomUUID(),
    name: `backup-${n}`,
    description: `fixture ${n}`,
    project_id: DEMO_PROJECT,
    vault_id: VAULT_A,
    checkpoint_id: randomUUID(),
    parent_id: null,
    resource_id: randomUUID(),
    resource_name: `ecs-${n}`,
    resource_type: 'OS::Nova::Server',
    resource_size: 40,
    resource_az: 'az1.dc1',
    image_type: 'backup',
    status: 'available',
    created_at: time,
    updated_at: time,
    expired_at: null,
    protected_at: time,
    enterprise_project_id: '0',
    provider_id: '0daac4c5-6707-4851-97ba-169e36266b66',
    extend_info: {
      auto_trigger: false,
      bootable: true,
      incremental: false,
      snapshot_id: randomUUID(),
      support_lld: false,
      supported_restore_mode: 'backup',
      os_images_data: [],
      contain_system_disk: true,
      encrypted: false,
      system_disk: true,
    },
    ...overrides,
  };
}

export type SortField = 'created_at' | 'updated_at' | 'expired_at' | 'protected_at' | 'name' | 'resource_size' | 'status' | 'id';
export const SORT_FIELDS: readonly SortField[] = ['created_at', 'updated_at', 'expired_at', 'protected_at', 'name', 'resource_size', 'status', 'id'];

/**
 * The order the contract gives: the field (a missing expiry or protection time counts as the lowest value),
 * then id, both in the requested direction. Text compares by code point, as byte-wise
 * UTF-8 does: the same order on every store, whatever the database's locale.
 */
export function modelOrder(backups: readonly BackupDetail[], field: SortField, direction: 'asc' | 'desc'): BackupDetail[] {
  const key = (b: BackupDetail): string | number => (field === 'expired_at' || field === 'protected_at' ? (b[field] ?? '') : b[field]);
  const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
  const sign = direction === 'asc' ? 1 : -1;
  return [...backups].sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.id, b.id)));
}

/**
 * Backups that make ordering and filters interesting: equal sort values (so the id decides),
 * names differing only in case or with accents, missing expiry dates, several statuses,
 * vaults, resource types and image types.
 */
export function varietyOfBackups(): BackupDetail[] {
  const rows: [string, string, number, BackupDetail['status'], string | null][] = [
    ['alpha', '2026-11-01T08:00:00.000001', 40, 'available', '2027-01-01T00:00:00.000000'],
    ['Beta', '2026-11-01T08:00:00.000001', 40, 'error', null],
    ['beta', '2026-11-02T08:00:00.000000', 10, 'available', '2027-02-01T00:00:00.000000'],
    ['gamma', '2026-11-03T08:00:00.000000', 80, 'protecting', null],
    ['Delta', '2026-11-03T08:00:00.000000', 10, 'available', '2027-01-01T00:00:00.000000'],
    ['delta-nightly', '2026-11-04T08:00:00.000000', 500, 'restoring', null],
    ['Émile', '2026-11-05T08:00:00.000000', 40, 'available', '2026-12-24T00:00:00.000000'],
    ['nightly-1', '2026-11-06T08:00:00.000000', 0, 'available', null],
    ['nightly-2', '2026-11-06T08:00:00.000000', 10000000, 'error', '2027-03-01T00:00:00.000000'],
    ['NIGHTLY-3', '2026-11-07T08:00:00.000000', 40, 'waiting_delete', null],
    ['zeta', '2026-11-08T08:00:00.000000', 40, 'available', '2027-01-01T00:00:00.000000'],
    ['alpha', '2026-11-09T08:00:00.000000', 40, 'available', null],
  ];
  const sharedResource = randomUUID();
  return rows.map(([name, createdAt, size, status, expiredAt], i) =>
    makeBackup({
      name,
      created_at: createdAt,
      // Updated in a different order from created.
      updated_at: `2026-11-${String(20 - (i % 5)).padStart(2, '0')}T09:00:00.000000`,
      resource_size: size,
      status,
      expired_at: expiredAt,
      // Some still being made (null), some made at the same time as others.
      protected_at: i % 3 === 1 ? null : createdAt,
      vault_id: i % 3 === 0 ? VAULT_B : VAULT_A,
      resource_type: i % 4 === 1 ? 'OS::Cinder::Volume' : 'OS::Nova::Server',
      image_type: i % 5 === 2 ? 'replication' : 'backup',
      resource_id: i % 2 === 0 ? sharedResource : randomUUID(),
    }),
  );
}
