// The one error handler: every failure leaves in the contract's envelope. Unexpected
// errors are logged in full and reach the caller as 500 CSBS.9998, with no internals.
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { VerifierBusyError } from '../auth/verifier.ts';
import { ListingTimeLimitError } from '../store/store.ts';
import { ApiError, errors } from './errors.ts';
import { fromValidatorError } from './validation.ts';

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const apiError =
      error instanceof ApiError ? error : error instanceof ListingTimeLimitError ? errors.listingTooSlow(error.limitMs) : fromValidatorError(error, req.method, req.path);
    // Too many token checks under way is load, not a fault: a warning, without a stack.
    if (error instanceof VerifierBusyError) logger.warn({ request_id: res.locals.requestId, limit: error.limit }, 'token check refused: too many IAM validations under way');
    // So is a listing too costly for the store's time limit.
    else if (error instanceof ListingTimeLimitError) logger.warn({ request_id: res.locals.requestId, limit_ms: error.limitMs }, 'listing refused: longer than the time limit');
    else if (apiError === undefined) logger.error({ err: error, request_id: res.locals.requestId, correlation_id: res.locals.correlationId }, 'request failed');
    const answer = apiError ?? errors.internal();
    try {
      res.set(answer.headers).status(answer.status).json(answer.body(res.locals.requestId));
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
  const internal = errors.internal();
  res.status(internal.status).set('Content-Type', 'application/json; charset=utf-8').end(JSON.stringify(internal.body(res.locals.requestId)));
}
