// `SDK-HMAC-SHA256`, the AK/SK signature of the spec's AkSkSignature scheme (its description in
// openapi.yaml is the definition): X-Sdk-Date, then the HMAC-SHA256, keyed by the secret key, of
// `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<SHA-256 hex of the canonical request>`. Signed headers: host
// and x-sdk-date.
import { createHash, createHmac } from 'node:crypto';

export interface AccessKey {
  accessKey: string;
  secretKey: string;
}

const ALGORITHM = 'SDK-HMAC-SHA256';

/** RFC 3986: everything but the unreserved characters percent-encoded. */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

function canonicalQuery(search: string): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(search)) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  return [...byKey.keys()]
    .sort()
    .flatMap((key) => [...byKey.get(key)!].sort().map((value) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`))
    .join('&');
}

/**
 * The X-Sdk-Date and Authorization headers for a request to `url` (as sent: its path and query
 * percent-encoded), signed for the host `host` (the service's, which may differ from the URL's
 * when a proxy forwards the request). `tamper` spoils the signature, for the check that a wrong
 * one is refused.
 */
export function signatureHeaders(key: AccessKey, method: string, url: URL, host: string, body: string | undefined, tamper = false, now = new Date()): Record<string, string> {
  const date = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const path = url.pathname.split('/').map(encodeRfc3986).join('/');
  const canonical = [
    method.toUpperCase(),
    path.endsWith('/') ? path : `${path}/`,
    canonicalQuery(url.search),
    `host:${host}\nx-sdk-date:${date}\n`,
    'host;x-sdk-date',
    sha256Hex(body ?? ''),
  ].join('\n');
  let signature = createHmac('sha256', key.secretKey).update(`${ALGORITHM}\n${date}\n${sha256Hex(canonical)}`).digest('hex');
  if (tamper) signature = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
  return {
    'X-Sdk-Date': date,
    Authorization: `${ALGORITHM} Access=${key.accessKey}, SignedHeaders=host;x-sdk-date, Signature=${signature}`,
  };
}
