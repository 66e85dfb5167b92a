// The canonical request of Huawei Cloud's `SDK-HMAC-SHA256` signature (AKSKSigner in
// @huaweicloud/huaweicloud-sdk-core), built from a request as it goes on the wire. Pure text:
// the client signs it with WebCrypto (signing.ts), the service checks it with node:crypto
// (server/auth/sdk-signature.ts); both build it here, so the two can never disagree.
//
//   canonical       six parts joined by `\n`:
//                   1. the method
//                   2. the raw path's segments, each RFC 3986-encoded (again), joined by `/`, and a `/`
//                   3. the query decoded, then keys sorted, a key's values sorted, each RFC 3986-encoded,
//                      as k=v&k=v
//                   4. each signed header as `name:value\n` (lower-case names, in the signed order)
//                   5. the signed names joined by `;`
//                   6. the SHA-256 hex of the body (X-Sdk-Content-Sha256 when sent)
//   string to sign  `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<SHA-256 hex of the canonical request>`

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** SHA-256 of the empty body, the payload hash of a request without one. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986: everything but the unreserved characters percent-encoded (UTF-8). */
export const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `YYYYMMDDTHHMMSSZ`. */
export function sdkDate(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export interface CanonicalParts {
  method: string;
  /** The path as sent, percent-escapes and all. */
  rawPath: string;
  /** The query as sent, without `?` ('' for none). */
  rawQuery: string;
  /** The signed headers, lower-case names, in the order they are signed. */
  headers: ReadonlyArray<readonly [string, string]>;
  payloadHash: string;
}

export function canonicalRequest({ method, rawPath, rawQuery, headers, payloadHash }: CanonicalParts): string {
  const path = rawPath.split('/').map(encode).join('/');
  const byKey = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(rawQuery)) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  // The signer sorts with JavaScript's default order (UTF-16 code units) on the decoded names.
  const query = [...byKey.keys()]
    .sort()
    .flatMap((key) => byKey.get(key)!.sort().map((value) => `${encode(key)}=${encode(value)}`))
    .join('&');
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedNames = headers.map(([name]) => name).join(';');
  return [method.toUpperCase(), path.endsWith('/') ? path : `${path}/`, query, canonicalHeaders, signedNames, payloadHash].join('\n');
}

/** What the signature is the HMAC-SHA256 of, given the canonical request's SHA-256 hex. */
export function stringToSign(date: string, canonicalHash: string): string {
  return `${SIGNING_ALGORITHM}\n${date}\n${canonicalHash}`;
}
