// The API's operations, keyed by operationId. Each handler gets its operation's validated
// parameters and returns an OperationResult of its operation, so the compiler holds it to
// the statuses and error codes that openapi.yaml declares. Handlers never see Express.
import { errors } from '../http/errors.ts';
import type { Metrics } from '../http/metrics.ts';
import { pageLimit, pageOffset } from '../store/list-query.ts';
import type { BackupStore, DeleteOutcome } from '../store/store.ts';
import type { OperationResult } from '../contract/types.ts';
import type { Handlers } from './handlers.ts';

export interface BackupHandlersDeps {
  store: BackupStore;
  metrics: Metrics;
}

export function backupHandlers({ store, metrics }: BackupHandlersDeps): Handlers {
  return {
    async deleteBackup({ path }, { principal, requestId, correlationId }) {
      const actor = { userId: principal.user.id, userName: principal.user.name, requestId, correlationId };
      const outcome = await store.deleteBackup(path.project_id, path.backup_id, actor);
      const result = deleteResult(outcome, path.backup_id, requestId);
      metrics.countDeletion(result.status === 204 ? 'deleted' : result.body.error_code);
      return result;
    },

    async showBackup({ path }, { requestId }) {
      const backup = await store.getBackup(path.project_id, path.backup_id);
      return backup === undefined ? errors.backupToShowNotFound(path.backup_id).result(requestId) : { status: 200, body: { backup } };
    },

    async listBackups({ path, query }, { requestId }) {
      const outcome = await store.listBackups(path.project_id, query);
      if (!outcome.ok) return errors.unknownMarker().result(requestId);
      return { status: 200, body: { backups: outcome.backups, count: outcome.count, offset: pageOffset(query), limit: pageLimit(query) } };
    },
  };
}

function deleteResult(outcome: DeleteOutcome, backupId: string, requestId: string): OperationResult<'deleteBackup'> {
  switch (outcome.verdict) {
    case 'deleted':
      return { status: 204 };
    case 'not_found':
      return errors.backupToDeleteNotFound(backupId).result(requestId);
    case 'busy':
      return errors.backupBusy(backupId, outcome.status).result(requestId);
    case 'registered_as_image':
      return errors.registeredAsImage(backupId, outcome.imageIds).result(requestId);
  }
}
