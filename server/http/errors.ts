// The catalogue of every error the service answers, from a handler, a middleware or Node's
// HTTP parser alike: one place builds the envelope {"error_code", "error_msg", "request_id"},
// with one rule for messages and one for how much of the caller's input they echo.
//
// Each error is typed by its status and code, and a code can only be paired with a status
// that openapi.yaml gives it: for an operation's answers the pairs are those of generated/;
// the few answers no operation declares are listed below, with the reason.
import type { DeclaredBody, DeclaredStatus, ErrorBody, ErrorCode, OperationId } from '../contract/types.ts';
import { componentSchema } from '../contract/spec.ts';

type AnyDeclaredStatus = { [Op in OperationId]: DeclaredStatus<Op> }[OperationId];
type CodeOfBody<Body> = Body extends { error_code: infer Code } ? Code : never;

/** The codes the spec's operations declare with status S (S distributes over a union). */
type OperationCode<S> = { [Op in OperationId]: S extends DeclaredStatus<Op> ? CodeOfBody<DeclaredBody<Op, S>> : never }[OperationId];

/**
 * The spec's one code that no operation declares: answered where no operation matches, with
 * 404 or 405 (the table in openapi.yaml's info.description).
 */
type NoApiCode = Exclude<ErrorCode, OperationCode<AnyDeclaredStatus>>;

/**
 * Answers outside every operation: no API at the path (404, 405); a request the HTTP layer
 * refuses, with the 400's code for a malformed request: too slow (408), an expectation the
 * service cannot meet (417), headers too large (431); not ready (503, the ops endpoints, with
 * the 500's code).
 */
interface OutsideOperations {
  404: NoApiCode;
  405: NoApiCode;
  408: MalformedCode;
  417: MalformedCode;
  431: MalformedCode;
  503: OperationCode<500>;
}

type MalformedCode = OperationCode<400> & 'CSBS.9001';

export type ErrorStatus = Exclude<AnyDeclaredStatus, 200 | 204> | keyof OutsideOperations;

/** The codes the spec allows with status S. */
export type CodeFor<S extends ErrorStatus> = OperationCode<S> | (S extends keyof OutsideOperations ? OutsideOperations[S] : never);

/** error_msg's length limit in the spec: no message is ever longer. */
const MESSAGE_LIMIT = (componentSchema('Error') as { properties: { error_msg: { maxLength: number } } }).properties.error_msg.maxLength;

/** How much of a caller's input (a path, a parameter) a message repeats. */
const ECHO_LIMIT = 200;

/** Caller input as messages repeat it: at most ECHO_LIMIT characters. */
export function echo(input: string): string {
  return input.length > ECHO_LIMIT ? `${input.slice(0, ECHO_LIMIT)}...` : input;
}

/** The envelope of one error; `body` and `result` give it for a request id. */
export class ApiError<S extends ErrorStatus = ErrorStatus, C extends CodeFor<S> = CodeFor<S>> extends Error {
  constructor(
    readonly status: S,
    readonly code: C,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT - 3)}...` : message);
    this.name = 'ApiError';
  }

  body(requestId: string): ErrorBody & { error_code: C } {
    return { error_code: this.code, error_msg: this.message, request_id: requestId };
  }

  /** The error as a handler returns it (an OperationResult of an operation that declares it). */
  result(requestId: string): { status: S; body: ErrorBody & { error_code: C } } {
    return { status: this.status, body: this.body(requestId) };
  }
}

const error = <S extends ErrorStatus, C extends CodeFor<S>>(status: S, code: C, message: string, headers?: Record<string, string>) =>
  new ApiError(status, code, message, headers);

/** A few image ids, so that the message stays short however many there are. */
function imageList(imageIds: readonly string[], shown = 5): string {
  const listed = imageIds.slice(0, shown).join(', ');
  return imageIds.length > shown ? `${listed} and ${imageIds.length - shown} more` : listed;
}

export const errors = {
  // Routing: the path or the method is no API of the spec.
  noSuchApi: (method: string, path: string) => error(404, 'APIGW.0101', `The API does not exist: no API at ${echo(method)} ${echo(path)}`),
  methodNotAllowed: (method: string, path: string, allowed: readonly string[]) =>
    error(405, 'APIGW.0101', `The API does not exist: ${echo(method)} is not an API of ${echo(path)}`, { Allow: allowed.join(', ').toUpperCase() }),

  // The request itself.
  invalidRequest: (detail: string) => error(400, 'CSBS.9001', `Invalid request: ${echo(detail)}`),
  // The rest of a refused body is not read: the connection closes after the answer.
  requestBodyRefused: () => error(400, 'CSBS.9001', 'Invalid request: this API takes no request body', { Connection: 'close' }),
  malformedHttpRequest: () => error(400, 'CSBS.9001', 'Invalid request: malformed HTTP request'),
  headersTooLarge: () => error(431, 'CSBS.9001', 'Invalid request: the request headers are too large'),
  requestTimeout: () => error(408, 'CSBS.9001', 'Invalid request: the request was not received in time'),
  noHost: () => error(400, 'CSBS.9001', 'Invalid request: an HTTP/1.1 request needs a Host header'),
  unmetExpectation: (expect: string) => error(417, 'CSBS.9001', `Invalid request: Expect: ${echo(expect)} is not supported`),
  percentEscapedPath: () => error(400, 'CSBS.9001', 'Invalid request: path parameters are taken as sent, and no parameter of the API contains a percent-escape'),
  notDecimalInteger: (name: string) => error(400, 'CSBS.9001', `Invalid request: query parameter ${echo(name)} must be an integer written in decimal digits`),
  unknownMarker: () => error(400, 'CSBS.9001', 'Invalid request: marker is not a backup of this project'),

  // The caller.
  unauthenticated: () =>
    error(401, 'APIGW.0301', 'Incorrect IAM authentication information: the X-Auth-Token is missing, unknown or expired, and the request is not signed (AK/SK)'),
  badSignature: (reason: string) => error(401, 'APIGW.0301', `Incorrect IAM authentication information: ${reason}`),
  otherProject: (projectId: string) =>
    error(403, 'APIGW.0302', `The IAM user is not authorized: the token is scoped to another project than ${echo(projectId)}`),
  missingRole: (operation: string, roles: readonly string[]) =>
    error(403, 'APIGW.0302', `The IAM user is not authorized: ${operation} needs one of the roles ${roles.join(', ')}`),

  // The backup (deleteBackup reports a missing backup as 400, showBackup as 404).
  backupToDeleteNotFound: (backupId: string) => error(400, 'CSBS.3001', `Backup ${echo(backupId)} does not exist`),
  backupToShowNotFound: (backupId: string) => error(404, 'CSBS.3001', `Backup ${echo(backupId)} does not exist`),
  backupBusy: (backupId: string, status: string) => error(400, 'CSBS.2003', `Backup ${echo(backupId)} is ${status}; try again when it is available`),
  registeredAsImage: (backupId: string, imageIds: readonly string[]) =>
    error(400, '6201', `Backup ${echo(backupId)} is registered as an image (${imageList(imageIds)}) and cannot be deleted`),

  // The service.
  internal: () => error(500, 'CSBS.9998', 'The service is unavailable; try again later'),
  // A listing that ran out of the store's time for listings (store.ts ListingTimeLimitError).
  listingTooSlow: (limitMs: number) =>
    error(500, 'CSBS.9998', `The listing took longer than ${limitMs} ms; narrow it with filters or page with marker`),
  notReady: (dependency: string) => error(503, 'CSBS.9998', `Not ready: the ${dependency} is unavailable`),
};
