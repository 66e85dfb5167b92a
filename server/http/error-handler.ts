// The one error handler: every failure leaves in the contract's envelope. Unexpected
// errors are logged in full and reach the caller as 500 CSBS.9998, with no internals.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError, INTERNAL_ERROR_MESSAGE, sendError } from './api-error.ts';
import { validationErrorToApiError } from './validation.ts';

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const apiError =
      error instanceof ApiError ? error : validationErrorToApiError(error, req.method, req.path);
    if (apiError !== undefined) {
      sendError(res, apiError);
      return;
    }
    logger.error({ err: error, request_id: res.locals.requestId }, 'request failed');
    sendError(res, new ApiError(500, 'CSBS.9998', INTERNAL_ERROR_MESSAGE));
  };
}
