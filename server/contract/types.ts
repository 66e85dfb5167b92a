// The spec's types as the server uses them. Everything here is derived from generated/,
// which openapi-typescript writes from openapi.yaml; nothing is declared by hand.
import type { components, operations } from '../../generated/openapi.ts';

type Schemas = components['schemas'];

export type BackupDetail = Schemas['BackupDetail'];
export type BackupStatus = Schemas['BackupStatus'];
export type ErrorCode = Schemas['ErrorCode'];
export type ErrorBody = Schemas['Error'];

export type OperationId = keyof operations;
export type ListBackupsQuery = NonNullable<operations['listBackups']['parameters']['query']>;

/** The status codes an operation declares. */
export type DeclaredStatus<Op extends OperationId> = keyof operations[Op]['responses'] & number;

/** The JSON body an operation declares for one status (never for a body-less one). */
export type DeclaredBody<Op extends OperationId, Status extends DeclaredStatus<Op>> =
  operations[Op]['responses'][Status] extends { content: { 'application/json': infer Body } } ? Body : never;

/**
 * What a handler may answer: exactly the statuses the operation declares, each with its
 * declared body. Returning an undeclared status, or an error code the spec does not list
 * for that status, does not compile.
 */
export type OperationResult<Op extends OperationId> = {
  [Status in DeclaredStatus<Op>]: [DeclaredBody<Op, Status>] extends [never]
    ? { status: Status }
    : { status: Status; body: DeclaredBody<Op, Status> };
}[DeclaredStatus<Op>];
