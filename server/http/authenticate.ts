// The token check: X-Auth-Token -> Principal, then project and role. It runs after request
// validation and before any handler, so the store is never read for a caller who may not
// act, and nothing past this point sees the raw token.
import type { RequestHandler } from 'express';
import type { TokenVerifier } from '../auth/verifier.ts';
import { errors } from './errors.ts';

/** Visible ASCII only, as IAM and Keystone tokens are; anything else is refused unseen. */
const WELL_FORMED_TOKEN = /^[\x21-\x7e]{1,16384}$/;

/** `operation` names what the caller wants to do, in the 403 that refuses it. */
export function authenticate(verifier: TokenVerifier, allowedRoles: ReadonlySet<string>, operation: string): RequestHandler {
  const roles = [...allowedRoles];
  return async (req, res, next) => {
    const token = req.headers['x-auth-token'];
    if (typeof token !== 'string' || !WELL_FORMED_TOKEN.test(token)) throw errors.unauthenticated();
    const verification = await verifier.verify(token);
    if (!verification.ok) throw errors.unauthenticated();
    const { principal } = verification;
    if (principal.projectId !== req.params.project_id) throw errors.otherProject(String(req.params.project_id));
    if (!principal.roles.some((role) => allowedRoles.has(role))) throw errors.missingRole(`"${operation}"`, roles);
    res.locals.principal = principal;
    next();
  };
}
