// The ops and docs endpoints are a handful of exact paths. Mounted as plain routers, every API
// request would walk their routes, testing each path pattern in turn; behind this gate an API
// request costs one Set lookup, and only these exact paths (no trailing slash, no other case,
// as for the API) reach them.
import type { RequestHandler } from 'express';

export function onlyAt(paths: readonly string[], handler: RequestHandler): RequestHandler {
  const served = new Set(paths);
  return (req, res, next) => (served.has(req.path) ? handler(req, res, next) : next());
}
