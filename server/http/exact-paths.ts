// Paths are matched exactly as the spec writes them, and as the caller sent them. The validator
// would take `/v3/p/backups/b/` for `/v3/p/backups/b`, and decode `%30` in a path parameter
// to `0`; a gateway rule written for the one must not be bypassed with the other. So a
// trailing slash is no API (404 APIGW.0101), and a percent-escape, which no literal segment and
// no parameter pattern of the spec admits, is a malformed parameter (400 CSBS.9001).
import type { RequestHandler } from 'express';
import { errors } from './errors.ts';

export function exactPaths(): RequestHandler {
  return (req, _res, next) => {
    if (req.path.length > 1 && req.path.endsWith('/')) next(errors.noSuchApi(req.method, req.path));
    else if (req.path.includes('%')) next(errors.percentEscapedPath());
    else next();
  };
}
