// Paths are matched exactly as the spec writes them. The validator would take
// `/v3/p/backups/b/` for `/v3/p/backups/b`; a gateway rule written for the one must not be
// bypassed with the other, so a trailing slash is no API (404 APIGW.0101).
import type { RequestHandler } from 'express';
import { errors } from './errors.ts';

export function refuseTrailingSlashes(): RequestHandler {
  return (req, _res, next) => {
    const refused = req.path.length > 1 && req.path.endsWith('/');
    next(refused ? errors.noSuchApi(req.method, req.path) : undefined);
  };
}
