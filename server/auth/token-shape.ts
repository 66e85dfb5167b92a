// What a token issued by a Keystone v3 IAM can look like. The Keystone verifier refuses
// anything else without asking IAM, so a value no IAM ever issued costs no IAM call.
//
// The rule is the union of the formats that Keystone and Huawei Cloud IAM issue, so that no
// real token is refused by it:
// - Fernet (Keystone's default provider): URL-safe base64 with the '=' padding stripped,
//   "gAAAAAB...", about 180 to 250 characters (Keystone warns past 255, its max_token_size).
// - JWS (Keystone's other provider): three base64url parts joined by '.'.
// - PKI and PKIZ (Keystone before Ocata) and Huawei Cloud IAM ("MII...", several KB): base64
//   with '+', '/' (or '-' in its place) and '=' padding; PKIZ adds "PKIZ_" and base64url.
// - UUID (Keystone before Rocky): 32 hex characters, the shortest token any Keystone issued.
//
// The tokens-file verifier does not use this rule: its tokens are whatever the file lists.

/** Shorter than any token Keystone ever issued (UUID tokens: 32 hex characters). */
export const IAM_TOKEN_MIN_LENGTH = 32;

/** The longest X-Auth-Token the HTTP layer passes on (server/http/authenticate.ts). */
export const IAM_TOKEN_MAX_LENGTH = 16_384;

/** base64 ('+', '/'), base64url ('-', '_'), padding ('=') and JWS's separator ('.'). */
const IAM_TOKEN = new RegExp(`^[A-Za-z0-9+/=_.-]{${IAM_TOKEN_MIN_LENGTH},${IAM_TOKEN_MAX_LENGTH}}$`);

/**
 * Whether `token` can be a token issued by Keystone or Huawei Cloud IAM: 32 to 16,384
 * characters, all of them from base64, base64url, '=' or '.'. False means IAM would only
 * answer 404 for it, so it is refused unseen; true says nothing about its validity.
 */
export function isPlausibleIamToken(token: string): boolean {
  return IAM_TOKEN.test(token);
}
