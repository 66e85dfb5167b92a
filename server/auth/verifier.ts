// What the rest of the service knows about a caller: the verifier turns the raw
// X-Auth-Token into a Principal, and nothing past the auth middleware sees the token.
export interface Principal {
  user: { id: string; name: string };
  projectId: string;
  roles: readonly string[];
  /** ISO 8601. */
  expiresAt: string;
}

export type Verification = { ok: true; principal: Principal } | { ok: false; reason: string };

export interface TokenVerifier {
  /** Resolves a token, or says why it is not valid (unknown, expired, ...). Throws when it cannot tell. */
  verify(token: string): Promise<Verification>;
  /** Throws when the verifier cannot currently verify anything (for readiness). */
  ready?(): Promise<void>;
}

/**
 * The verifier refused to check a token now because as many checks as it allows are already
 * under way: it asked nothing and said nothing about the token, which may well be fine. The
 * caller gets 500 CSBS.9998 like any other failure to verify; it is load, not a fault, so it
 * deserves a warning rather than an error in the log.
 */
export class VerifierBusyError extends Error {
  override name = 'VerifierBusyError';
  constructor(readonly limit: number) {
    super(`token check refused: ${limit} IAM validations already under way`);
  }
}
