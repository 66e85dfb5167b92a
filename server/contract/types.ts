// The spec's types as the server uses them. Everything here is derived from generated/,
// which openapi-typescript writes from openapi.yaml; nothing is declared by hand.
//
// The operation types are generic over an `operations` interface of openapi-typescript's
// shape, so that they hold for any spec (tests/types/adding-an-operation.test.ts compiles them
// against a spec with one operation more); the service's own are the aliases below them.
import type { components, operations } from '../../generated/openapi.ts';

type Schemas = components['schemas'];

export type BackupDetail = Schemas['BackupDetail'];
export type BackupStatus = Schemas['BackupStatus'];
export type ErrorCode = Schemas['ErrorCode'];
export type ErrorBody = Schemas['Error'];

/** One operation as openapi-typescript writes it. */
export interface OperationShape {
  parameters: { path?: unknown; query?: unknown };
  responses: object;
}

/** The status codes an operation declares. */
export type StatusOf<O extends OperationShape> = keyof O['responses'] & number;

/** The JSON body an operation declares for one status (never for a body-less one). */
export type BodyOf<O extends OperationShape, S extends StatusOf<O>> = O['responses'][S] extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;

/** Exactly the statuses an operation declares, each with its declared body. */
export type ResultOf<O extends OperationShape> = {
  [S in StatusOf<O>]: [BodyOf<O, S>] extends [never] ? { status: S } : { status: S; body: BodyOf<O, S> };
}[StatusOf<O>];

/** What a handler receives: the path and query parameters, validated and coerced against the spec. */
export interface InputOf<O extends OperationShape> {
  path: O['parameters'] extends { path: infer P } ? P : Record<string, never>;
  query: O['parameters'] extends { query?: infer Q } ? ([Q] extends [never] | [undefined] ? Record<string, never> : NonNullable<Q>) : Record<string, never>;
}

/** What every handler is given besides its input: who calls, the request's id, and the caller's own id for it. */
export interface RequestContext<Principal> {
  principal: Principal;
  requestId: string;
  correlationId?: string | undefined;
}

export type HandlerOf<O extends OperationShape, Principal> = (input: InputOf<O>, context: RequestContext<Principal>) => Promise<ResultOf<O>>;

/**
 * One handler per operationId of the spec, and nothing else: a spec operation without a
 * handler, or a handler for an operation the spec does not have, does not compile.
 */
export type HandlersOf<Ops extends { [Id in keyof Ops]: OperationShape }, Principal> = { [Id in keyof Ops]: HandlerOf<Ops[Id], Principal> };

export type OperationId = keyof operations;
export type ListBackupsQuery = InputOf<operations['listBackups']>['query'];

/** The status codes an operation of this spec declares. */
export type DeclaredStatus<Op extends OperationId> = StatusOf<operations[Op]>;

/** The JSON body an operation of this spec declares for one status. */
export type DeclaredBody<Op extends OperationId, Status extends DeclaredStatus<Op>> = BodyOf<operations[Op], Status>;

/**
 * What a handler may answer: exactly the statuses the operation declares, each with its
 * declared body. Returning an undeclared status, or an error code the spec does not list
 * for that status, does not compile.
 */
export type OperationResult<Op extends OperationId> = ResultOf<operations[Op]>;

/** The validated parameters of one operation of this spec. */
export type OperationInput<Op extends OperationId> = InputOf<operations[Op]>;
