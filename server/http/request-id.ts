// First middleware: every response carries X-Request-Id, and logs and error bodies use it.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { componentPattern } from '../contract/spec.ts';

/** The spec's RequestId pattern: a caller's id that matches it is kept. */
export const WELL_FORMED_REQUEST_ID = componentPattern('RequestId');

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
