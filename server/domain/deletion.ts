// The delete rules of the contract, in their order. Both stores run this inside the
// transaction that deletes, so the decision and the deletion are one atomic step.
import type { BackupDetail, BackupStatus } from '../contract/types.ts';

/** Backing up, restoring or being deleted: such a backup may not be deleted (CSBS.2003). */
export const BUSY_STATUSES: ReadonlySet<BackupStatus> = new Set<BackupStatus>([
  'protecting',
  'waiting_protect',
  'restoring',
  'waiting_restore',
  'deleting',
  'waiting_delete',
]);

/** The statuses a deletion may start from; stores also guard the DELETE statement with them. */
export const DELETABLE_STATUSES: readonly BackupStatus[] = ['available', 'error'];

export type DeletionDecision =
  | { verdict: 'not_found' }
  | { verdict: 'busy'; status: BackupStatus }
  | { verdict: 'registered_as_image'; imageIds: string[] }
  | { verdict: 'delete'; backup: BackupDetail };

/**
 * Decides what happens to a delete request, given the backup with that id in the caller's
 * project (undefined when there is none: a backup of another project is never passed in).
 */
export function decideDeletion(backup: BackupDetail | undefined): DeletionDecision {
  if (backup === undefined) return { verdict: 'not_found' };
  if (BUSY_STATUSES.has(backup.status)) return { verdict: 'busy', status: backup.status };
  const images = backup.extend_info.os_images_data ?? [];
  if (images.length > 0) return { verdict: 'registered_as_image', imageIds: images.map((i) => i.image_id) };
  if (!DELETABLE_STATUSES.includes(backup.status)) {
    // Unreachable while the status enum is what it is today; a new status added to the
    // spec must be classified here before such backups can be deleted.
    return { verdict: 'busy', status: backup.status };
  }
  return { verdict: 'delete', backup };
}
