// What a call can fail with. Three kinds, kept apart so a caller never mistakes one for
// another: the API answered with a contract error (ApiError), the answer never arrived
// (NetworkError), or something answered that is not what the contract allows
// (UnexpectedResponseError: unknown status, non-JSON or malformed body).
import type { ErrorCode, OperationId } from './types.ts';

/** The base of every error the client throws. */
export abstract class BackupClientError extends Error {
  /** The operation that failed. */
  readonly operation: OperationId;
  /** How many attempts were made (more than 1 only with retries on). */
  attempts = 1;

  protected constructor(operation: OperationId, message: string, options?: ErrorOptions) {
    super(message, options);
    this.operation = operation;
  }
}

/** The API refused the call with one of the contract's error codes. */
export class ApiError extends BackupClientError {
  override readonly name = 'ApiError';
  readonly status: number;
  /** One of the spec's ErrorCode values; a `switch` over it can be exhaustive. */
  readonly errorCode: ErrorCode;
  readonly errorMsg: string;
  /** The request id of the answer (also in the service's logs). */
  readonly requestId: string;

  constructor(operation: OperationId, status: number, body: { error_code: ErrorCode; error_msg: string; request_id: string }) {
    super(operation, `${body.error_code}: ${body.error_msg} (HTTP ${status}, request id ${body.request_id})`);
    this.status = status;
    this.errorCode = body.error_code;
    this.errorMsg = body.error_msg;
    this.requestId = body.request_id;
  }
}

/** No answer: the connection failed, was dropped, or the attempt timed out. */
export class NetworkError extends BackupClientError {
  override readonly name = 'NetworkError';
  /**
   * False only when the request certainly never reached a server (connection refused, host
   * not found). When true, the server may have received and acted on it.
   */
  readonly requestMayHaveBeenSent: boolean;

  constructor(operation: OperationId, message: string, requestMayHaveBeenSent: boolean, cause: unknown) {
    super(operation, message, { cause });
    this.requestMayHaveBeenSent = requestMayHaveBeenSent;
  }
}

/** An answer the contract does not allow for this operation. */
export class UnexpectedResponseError extends BackupClientError {
  override readonly name = 'UnexpectedResponseError';
  readonly status: number;
  /** The X-Request-Id header, when the answer had one. */
  readonly requestId: string | null;
  /** The start of the body, for diagnosis. */
  readonly bodyExcerpt: string;

  constructor(operation: OperationId, status: number, reason: string, requestId: string | null, bodyExcerpt: string) {
    super(operation, `unexpected answer to ${operation} (HTTP ${status}): ${reason}`);
    this.status = status;
    this.requestId = requestId;
    this.bodyExcerpt = bodyExcerpt;
  }
}
