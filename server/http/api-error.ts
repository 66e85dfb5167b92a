// Errors in the contract's envelope: {"error_code", "error_msg", "request_id"}.
import type { Response } from 'express';
import type { ErrorBody, ErrorCode } from '../contract/types.ts';

/** An error that should reach the caller as it is; anything else becomes 500 CSBS.9998. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error_code: code, error_msg: message, request_id: requestId };
}

export function sendError(res: Response, error: ApiError): void {
  res.set(error.headers).status(error.status).json(errorBody(error.code, error.message, res.locals.requestId));
}

export const INTERNAL_ERROR_MESSAGE = 'The service is unavailable; try again later';
