// First middleware: every request gets its own id, which every response carries as X-Request-Id
// and logs, error bodies and the audit trail use. A caller's X-Request-Id is never taken for it
// (two requests could then share one): a well-formed one is kept beside it, as the request's
// correlation id in the log line and the audit trail.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { componentPattern } from '../contract/spec.ts';

/** The spec's RequestId pattern: a caller's id that matches it is kept as the correlation id. */
export const WELL_FORMED_REQUEST_ID = componentPattern('RequestId');

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    if (typeof incoming === 'string' && WELL_FORMED_REQUEST_ID.test(incoming)) res.locals.correlationId = incoming;
    const id = randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
