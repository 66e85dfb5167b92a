// Compile-time contract of the handler map: `npm run typecheck` fails if any line marked as
// an expected error compiles, i.e. if the map could miss an operation of openapi.yaml, keep a
// handler for one the spec does not have, or take parameters the operation does not declare.
// (Checked by tsc, not run.)
import type { Handlers } from '../../server/operations/handlers.ts';
import type { OperationInput } from '../../server/contract/types.ts';

declare const handlers: Handlers;
const { deleteBackup, showBackup, listBackups } = handlers;

export const complete: Handlers = { deleteBackup, showBackup, listBackups };

// @ts-expect-error showBackup is an operation of the spec: the map must have its handler
export const missingOne: Handlers = { deleteBackup, listBackups };

// @ts-expect-error restoreBackup is no operation of the spec: no handler for it
export const oneTooMany: Handlers = { deleteBackup, showBackup, listBackups, restoreBackup: deleteBackup };

// @ts-expect-error a handler answers with its own operation's results: listBackups cannot stand in for showBackup
export const wrongHandler: Handlers = { deleteBackup, showBackup: listBackups, listBackups };

export function typedParameters(input: OperationInput<'listBackups'>, show: OperationInput<'showBackup'>): void {
  const limit: number | undefined = input.query.limit;
  const backupId: string = show.path.backup_id;
  // @ts-expect-error showBackup takes no query parameters
  const none: OperationInput<'showBackup'>['query'] = { limit: 10 };
  // @ts-expect-error listBackups has no backup_id in its path
  const noBackupId: unknown = input.path.backup_id;
  void [limit, backupId, none, noBackupId];
}
