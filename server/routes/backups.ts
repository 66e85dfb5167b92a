// The API's operations. Each handler returns an OperationResult of its operation, so the
// compiler holds it to the statuses and error codes that openapi.yaml declares.
import { Router } from 'express';
import type { ListBackupsQuery, OperationResult } from '../contract/types.ts';
import type { TokenVerifier } from '../auth/verifier.ts';
import { authenticate } from '../http/authenticate.ts';
import { sendResult } from '../http/send-result.ts';
import type { Metrics } from '../http/metrics.ts';
import type { BackupStore, DeleteOutcome, DeletionActor } from '../store/store.ts';

export interface BackupRoutesDeps {
  store: BackupStore;
  verifier: TokenVerifier;
  metrics: Metrics;
  deleteRoles: ReadonlySet<string>;
  readRoles: ReadonlySet<string>;
}

export function backupRoutes(deps: BackupRoutesDeps): Router {
  const router = Router({ caseSensitive: true, strict: true });
  const mayRead = authenticate(deps.verifier, deps.readRoles, 'reading backups');
  const mayDelete = authenticate(deps.verifier, deps.deleteRoles, 'deleting a backup');

  router.delete('/v3/:project_id/backups/:backup_id', mayDelete, async (req, res) => {
    const { project_id: projectId, backup_id: backupId } = req.params as { project_id: string; backup_id: string };
    const principal = res.locals.principal!;
    const actor: DeletionActor = { userId: principal.user.id, userName: principal.user.name, requestId: res.locals.requestId };
    const outcome = await deps.store.deleteBackup(projectId, backupId, actor);
    const result = deleteResult(outcome, backupId, res.locals.requestId);
    deps.metrics.countDeletion(result.status === 204 ? 'deleted' : result.body.error_code);
    sendResult(res, result);
  });

  router.get('/v3/:project_id/backups/:backup_id', mayRead, async (req, res) => {
    const { project_id: projectId, backup_id: backupId } = req.params as { project_id: string; backup_id: string };
    const backup = await deps.store.getBackup(projectId, backupId);
    const result: OperationResult<'showBackup'> =
      backup === undefined
        ? { status: 404, body: { error_code: 'CSBS.3001', error_msg: notFound(backupId), request_id: res.locals.requestId } }
        : { status: 200, body: { backup } };
    sendResult(res, result);
  });

  router.get('/v3/:project_id/backups', mayRead, async (req, res) => {
    const projectId = req.params.project_id as string;
    // The validator has checked and coerced the query against the spec.
    const outcome = await deps.store.listBackups(projectId, req.query as ListBackupsQuery);
    const result: OperationResult<'listBackups'> = outcome.ok
      ? { status: 200, body: { backups: outcome.backups, count: outcome.count } }
      : { status: 400, body: { error_code: 'CSBS.9001', error_msg: 'Invalid request: marker is not a backup of this project', request_id: res.locals.requestId } };
    sendResult(res, result);
  });

  return router;
}

function deleteResult(outcome: DeleteOutcome, backupId: string, requestId: string): OperationResult<'deleteBackup'> {
  switch (outcome.verdict) {
    case 'deleted':
      return { status: 204 };
    case 'not_found':
      return { status: 400, body: { error_code: 'CSBS.3001', error_msg: notFound(backupId), request_id: requestId } };
    case 'busy':
      return {
        status: 400,
        body: { error_code: 'CSBS.2003', error_msg: `Backup ${backupId} is ${outcome.status}; try again when it is available`, request_id: requestId },
      };
    case 'registered_as_image':
      return {
        status: 400,
        body: {
          error_code: '6201',
          error_msg: `Backup ${backupId} is registered as an image (${imageList(outcome.imageIds)}) and cannot be deleted`,
          request_id: requestId,
        },
      };
  }
}

/** A few image ids, so that error_msg stays within the spec's length however many there are. */
function imageList(imageIds: readonly string[], shown = 5): string {
  const listed = imageIds.slice(0, shown).join(', ');
  return imageIds.length > shown ? `${listed} and ${imageIds.length - shown} more` : listed;
}

function notFound(backupId: string): string {
  return `Backup ${backupId} does not exist`;
}
