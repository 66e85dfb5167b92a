// No operation of the API takes a request body, so any body is refused before it is read
// (400 CSBS.9001), which also keeps large uploads from costing memory.
import type { RequestHandler } from 'express';
import { errors } from './errors.ts';

export function rejectRequestBodies(): RequestHandler {
  return (req, _res, next) => {
    const length = req.headers['content-length'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    next(hasBody ? errors.requestBodyRefused() : undefined);
  };
}
