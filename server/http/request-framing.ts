// What HTTP itself requires of a request, checked before anything else reads it (Node's own
// checks are turned off in http-server.ts so that these answers are in the envelope): an
// HTTP/1.1 request names its Host, and asks for no expectation other than 100-continue (which
// the service never grants: no operation takes a body, rejectRequestBodies refuses it).
import type { RequestHandler } from 'express';
import { errors } from './errors.ts';

export function checkRequestFraming(): RequestHandler {
  return (req, _res, next) => {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
      next(errors.noHost());
      return;
    }
    const expect = req.headers.expect;
    if (expect !== undefined && expect.toLowerCase() !== '100-continue') {
      next(errors.unmetExpectation(expect));
      return;
    }
    next();
  };
}
