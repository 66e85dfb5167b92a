// The spec's types as the client exposes them. Everything is derived from generated/, which
// openapi-typescript writes from openapi.yaml; nothing here is declared by hand, so a change
// to the contract changes (or breaks) the client at compile time.
import type { components, operations, paths } from '../generated/openapi.ts';

type Schemas = components['schemas'];

export type { paths, operations };
export type BackupDetail = Schemas['BackupDetail'];
export type BackupList = Schemas['BackupList'];
export type BackupStatus = Schemas['BackupStatus'];
export type ErrorCode = Schemas['ErrorCode'];
export type ErrorBody = Schemas['Error'];

export type OperationId = keyof operations;

/** The filters and paging of listBackups, exactly as the spec declares its query. */
export type ListBackupsFilters = NonNullable<operations['listBackups']['parameters']['query']>;

/** The filters of iterateBackups: paging (`marker`, `offset`) is the iterator's job. */
export type IterateBackupsFilters = Omit<ListBackupsFilters, 'marker' | 'offset'>;

/** The path parameters of the operations on one backup. */
export type ProjectId = operations['deleteBackup']['parameters']['path']['project_id'];
export type BackupId = operations['deleteBackup']['parameters']['path']['backup_id'];

type Responses<Op extends OperationId> = operations[Op]['responses'];

/** The statuses an operation declares, split into success and error ones. */
export type DeclaredStatus<Op extends OperationId> = keyof Responses<Op> & number;
export type ErrorStatus<Op extends OperationId> = Exclude<DeclaredStatus<Op>, 200 | 201 | 202 | 204>;

/** The error codes the spec allows for one operation and status. */
export type DeclaredErrorCode<Op extends OperationId, Status extends ErrorStatus<Op>> =
  Responses<Op>[Status] extends { content: { 'application/json': infer Body extends { error_code: ErrorCode } } }
    ? Body['error_code']
    : never;
