// The token check: X-Auth-Token -> Principal, then project and role. It runs after request
// validation and before any handler, so the store is never read for a caller who may not
// act, and nothing past this point sees the raw token.
import type { RequestHandler } from 'express';
import type { TokenVerifier } from '../auth/verifier.ts';
import { ApiError } from './api-error.ts';

/** Visible ASCII only, as IAM and Keystone tokens are; anything else is refused unseen. */
const WELL_FORMED_TOKEN = /^[\x21-\x7e]{1,16384}$/;

const UNAUTHENTICATED = 'Incorrect IAM authentication information: the X-Auth-Token is missing, unknown or expired';

export function authenticate(verifier: TokenVerifier, allowedRoles: ReadonlySet<string>, action: string): RequestHandler {
  return async (req, res, next) => {
    const token = req.headers['x-auth-token'];
    if (typeof token !== 'string' || !WELL_FORMED_TOKEN.test(token)) throw new ApiError(401, 'APIGW.0301', UNAUTHENTICATED);
    const verification = await verifier.verify(token);
    if (!verification.ok) throw new ApiError(401, 'APIGW.0301', UNAUTHENTICATED);
    const { principal } = verification;
    if (principal.projectId !== req.params.project_id) {
      throw new ApiError(403, 'APIGW.0302', `The IAM user is not authorized: the token is scoped to another project than ${String(req.params.project_id)}`);
    }
    if (!principal.roles.some((role) => allowedRoles.has(role))) {
      throw new ApiError(403, 'APIGW.0302', `The IAM user is not authorized: ${action} needs one of the roles ${[...allowedRoles].join(', ')}`);
    }
    res.locals.principal = principal;
    next();
  };
}
