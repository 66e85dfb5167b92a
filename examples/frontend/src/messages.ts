// What the page tells the user when a call fails. The client rejects with one of three errors:
// ApiError (the API answered with one of the contract's error codes), NetworkError (no
// answer: the service is down, or the browser refused the answer because of CORS) and
// UnexpectedResponseError (an answer the contract does not allow).
import { ApiError, type ErrorCode, NetworkError, UnexpectedResponseError } from '@cbr-backup-api/client';

/** One line per error code of the contract: a new code makes this fail to compile until it has one. */
const ADVICE: Record<ErrorCode, string> = {
  'CSBS.2003': 'The backup is busy (being made, restored or deleted). Try again once it is available.',
  '6201': 'The backup is registered as an image. Delete the image first, then the backup.',
  'CSBS.3001': 'There is no such backup in this project; it may have been deleted already. Refresh the list.',
  'CSBS.9001': 'The API refused the request as malformed.',
  'APIGW.0301': 'The token is missing, unknown or expired. Enter a valid token.',
  'APIGW.0302': 'The token may not do this in this project: it belongs to another project or lacks the role.',
  'APIGW.0101': 'The API has no such operation at this address. Check the base URL.',
  'CSBS.9998': 'The service failed. Try again later.',
};

export interface Failure {
  /** What to do about it. */
  advice: string;
  /** The API's own message (error_msg), or the client's. */
  message: string;
  errorCode?: ErrorCode;
  status?: number;
  requestId?: string;
}

export function describeFailure(error: unknown, api: string): Failure {
  if (error instanceof ApiError) {
    return { advice: ADVICE[error.errorCode], message: error.errorMsg, errorCode: error.errorCode, status: error.status, requestId: error.requestId };
  }
  if (error instanceof NetworkError) {
    return {
      advice: `No answer from ${api}. Is the API running there, and does it let this page's origin (${location.origin}) call it (CORS)?`,
      message: error.message,
    };
  }
  if (error instanceof UnexpectedResponseError) {
    return {
      advice: 'The API answered something its contract does not allow.',
      message: error.message,
      status: error.status,
      ...(error.requestId === null ? {} : { requestId: error.requestId }),
    };
  }
  return { advice: 'The request could not be made.', message: error instanceof Error ? error.message : String(error) };
}
