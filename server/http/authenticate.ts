// Who is calling: an X-Auth-Token, or a request signed with an access key (AK/SK,
// `Authorization: SDK-HMAC-SHA256 ...`, the vendor SDKs' default) -> Principal; then project and
// role. It runs after request validation and before any handler, so the store is never read for
// a caller who may not act, and nothing past this point sees a token or a signature.
import type { Request, RequestHandler } from 'express';
import type { AccessKeysVerifier } from '../auth/access-keys.ts';
import type { TokenVerifier, Verification } from '../auth/verifier.ts';
import { errors } from './errors.ts';

/** Visible ASCII only, as IAM and Keystone tokens are; anything else is refused unseen. */
const WELL_FORMED_TOKEN = /^[\x21-\x7e]{1,16384}$/;

export interface Authenticators {
  tokens: TokenVerifier;
  /** Undefined: signed requests are refused (no ACCESS_KEYS_FILE in production). */
  accessKeys: AccessKeysVerifier | undefined;
}

/** `operation` names what the caller wants to do, in the 403 that refuses it. */
export function authenticate(authenticators: Authenticators, allowedRoles: ReadonlySet<string>, operation: string): RequestHandler {
  const roles = [...allowedRoles];
  return async (req, res, next) => {
    const verification = await identify(authenticators, req);
    if (!verification.ok) throw verification.reason === undefined ? errors.unauthenticated() : errors.badSignature(verification.reason);
    const { principal } = verification;
    const projectId = String(req.params.project_id);
    const headerProject = req.headers['x-project-id'];
    if (principal.projectId !== projectId || (headerProject !== undefined && headerProject !== projectId)) throw errors.otherProject(projectId);
    if (!principal.roles.some((role) => allowedRoles.has(role))) throw errors.missingRole(`"${operation}"`, roles);
    res.locals.principal = principal;
    next();
  };
}

/** A failed token check gives no reason (it would tell a guesser what it got right); a failed signature says which check failed. */
async function identify(authenticators: Authenticators, req: Request): Promise<Verification | { ok: false; reason: undefined }> {
  const token = req.headers['x-auth-token'];
  if (token !== undefined) {
    if (typeof token !== 'string' || !WELL_FORMED_TOKEN.test(token)) return { ok: false, reason: undefined };
    const verification = await authenticators.tokens.verify(token);
    return verification.ok ? verification : { ok: false, reason: undefined };
  }
  const authorization = req.headers.authorization;
  if (authorization === undefined || !/^SDK-HMAC-SHA256\s/i.test(authorization)) return { ok: false, reason: undefined };
  if (authenticators.accessKeys === undefined) return { ok: false, reason: 'this service takes no signed (AK/SK) requests: use an X-Auth-Token' };
  const queryAt = req.originalUrl.indexOf('?');
  return authenticators.accessKeys.verify(authorization, {
    method: req.method,
    rawPath: queryAt === -1 ? req.originalUrl : req.originalUrl.slice(0, queryAt),
    rawQuery: queryAt === -1 ? '' : req.originalUrl.slice(queryAt + 1),
    headers: req.headers,
  });
}
