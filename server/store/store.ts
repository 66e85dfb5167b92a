// The store behind the handlers. Each implementation (SQLite embedded, PostgreSQL shared)
// keeps the same schema and runs the same domain rules; the handlers see only this.
import type { BackupDetail, BackupStatus, ListBackupsQuery } from '../contract/types.ts';
import type { DeletionDecision } from '../domain/deletion.ts';

/** Who deleted, written with the deletion in the same transaction. */
export interface DeletionActor {
  userId: string;
  userName: string;
  /** The service's id of the request: one request, one id. */
  requestId: string;
  /** The caller's own X-Request-Id, when it sent a well-formed one. */
  correlationId?: string | undefined;
}

export type DeleteOutcome =
  | Exclude<DeletionDecision, { verdict: 'delete' }>
  | { verdict: 'deleted'; backup: BackupDetail };

/** One deletion as the audit trail keeps it; `backup` is the backup's last state. */
export interface AuditRecord {
  backup_id: string;
  project_id: string;
  user_id: string;
  user_name: string;
  request_id: string;
  /** The caller's own X-Request-Id; null when it sent none. */
  correlation_id: string | null;
  deleted_at: string;
  last_status: BackupStatus;
  backup: BackupDetail;
}

/** What addBackups did with each backup it was given. */
export interface AddOutcome {
  added: number;
  /** Ids stored already, left as they are. */
  alreadyStored: number;
  /** Ids deleted before, which are never added again. */
  alreadyDeleted: number;
}

/**
 * A listing that did not end within the store's time limit for listings (its marker, page and
 * count together, waiting for a connection included); nothing of it is answered.
 */
export class ListingTimeLimitError extends Error {
  constructor(readonly limitMs: number) {
    super(`the listing took longer than ${limitMs} ms`);
    this.name = 'ListingTimeLimitError';
  }
}

/** How long a listing may take when the store is not told otherwise. */
export const DEFAULT_LIST_TIME_LIMIT_MS = 2000;

export type ListOutcome =
  | { ok: true; backups: BackupDetail[]; count: number }
  | { ok: false; reason: 'unknown_marker' };

export interface BackupStore {
  /** Decides (domain/deletion.ts) and deletes in one transaction, with the audit record. */
  deleteBackup(projectId: string, backupId: string, actor: DeletionActor): Promise<DeleteOutcome>;
  getBackup(projectId: string, backupId: string): Promise<BackupDetail | undefined>;
  /** Rejects with ListingTimeLimitError when the listing takes longer than the store's time limit for listings. */
  listBackups(projectId: string, query: ListBackupsQuery): Promise<ListOutcome>;
  /**
   * Adds backups whose ids are not stored yet and were never deleted (others are left as they
   * are, and a deleted backup stays deleted); returns how many were added.
   */
  addBackups(backups: readonly BackupDetail[]): Promise<number>;
  /** addBackups, telling what became of each backup: added, already stored, or deleted before. */
  addBackupsCounted(backups: readonly BackupDetail[]): Promise<AddOutcome>;
  /** True when nothing was ever stored: no backups and no deletions. */
  isPristine(): Promise<boolean>;
  auditTrail(filter?: { projectId?: string; backupId?: string }): Promise<AuditRecord[]>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  /**
   * Throws, naming the database, when the store takes no writes (a read-only file, directory
   * or connection; a PostgreSQL database in read-only mode or a hot standby). Changes nothing,
   * and does not wait behind another connection's write.
   */
  checkWritable(): Promise<void>;
  close(): Promise<void>;
}
