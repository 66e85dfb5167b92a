// The one error handler: every failure leaves in the contract's envelope. Unexpected
// errors are logged in full and reach the caller as 500 CSBS.9998, with no internals.
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ApiError, INTERNAL_ERROR_MESSAGE, errorBody, sendError } from './api-error.ts';
import { validationErrorToApiError } from './validation.ts';

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const apiError = error instanceof ApiError ? error : validationErrorToApiError(error, req.method, req.path);
    if (apiError === undefined) logger.error({ err: error, request_id: res.locals.requestId }, 'request failed');
    try {
      sendError(res, apiError ?? new ApiError(500, 'CSBS.9998', INTERNAL_ERROR_MESSAGE));
    } catch (sendFailure) {
      // Response validation refused the error itself (a status the operation does not
      // declare): the caller still gets the envelope, and the log says why.
      logger.error({ err: sendFailure, request_id: res.locals.requestId }, 'error response breaks the contract');
      sendUnchecked(res);
    }
  };
}

/** 500 CSBS.9998 written without res.json, which response validation hooks. */
function sendUnchecked(res: Response): void {
  const body = JSON.stringify(errorBody('CSBS.9998', INTERNAL_ERROR_MESSAGE, res.locals.requestId));
  res.status(500).set('Content-Type', 'application/json; charset=utf-8').end(body);
}
