// Requests signed with an access key (AK/SK), `SDK-HMAC-SHA256`, as Huawei Cloud's SDKs sign
// them (AKSKSigner in @huaweicloud/huaweicloud-sdk-core, auth/AKSKSigner.js) and as the service
// checks them (server/auth/sdk-signature.ts), from the request as it goes on the wire:
//
//   X-Sdk-Date      the UTC time, YYYYMMDDTHHMMSSZ
//   canonical       six parts joined by `\n`:
//                   1. the method
//                   2. the raw path's segments, each RFC 3986-encoded (again), joined by `/`, and a `/`
//                   3. the query decoded, then keys sorted, a key's values sorted, each RFC 3986-encoded,
//                      as k=v&k=v
//                   4. each signed header as `name:value\n` (lower-case names, sorted)
//                   5. the signed names joined by `;`
//                   6. the SHA-256 hex of the body (the empty body: the client sends none)
//   string to sign  `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<SHA-256 hex of the canonical request>`
//   Authorization   `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>`, the
//                   signature being the HMAC-SHA256 of the string to sign keyed by the secret key
//
// Signed: host and x-sdk-date, and content-type and x-project-id when the request has them. The
// host is the URL's, which is what fetch sends (a browser page may not set Host). WebCrypto only
// (globalThis.crypto.subtle), so this runs in browsers as in Node.

export interface AccessKeyCredentials {
  accessKey: string;
  secretKey: string;
}

/** Signs a request in place (sets X-Sdk-Date and Authorization); `now` is the signing time. */
export type RequestSigner = (request: Request, now?: Date) => Promise<void>;

const ALGORITHM = 'SDK-HMAC-SHA256';
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Signed when the request has them, besides host and x-sdk-date. */
const OPTIONAL_SIGNED_HEADERS = ['content-type', 'x-project-id'];

const utf8 = new TextEncoder();
const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
const sha256Hex = async (text: string) => hex(await globalThis.crypto.subtle.digest('SHA-256', utf8.encode(text)));

/** RFC 3986: everything but the unreserved characters percent-encoded (UTF-8). */
export const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `YYYYMMDDTHHMMSSZ`. */
export function sdkDate(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function canonicalRequest(method: string, url: URL, headers: ReadonlyArray<readonly [string, string]>): string {
  const path = url.pathname.split('/').map(encode).join('/');
  const byKey = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(url.search)) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  const query = [...byKey.keys()]
    .sort()
    .flatMap((key) => byKey.get(key)!.sort().map((value) => `${encode(key)}=${encode(value)}`))
    .join('&');
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedNames = headers.map(([name]) => name).join(';');
  return [method.toUpperCase(), path.endsWith('/') ? path : `${path}/`, query, canonicalHeaders, signedNames, EMPTY_BODY_SHA256].join('\n');
}

export function requestSigner(credentials: AccessKeyCredentials): RequestSigner {
  const { accessKey, secretKey } = credentials;
  let key: ReturnType<typeof globalThis.crypto.subtle.importKey> | undefined;
  return async (request, now = new Date()) => {
    if (request.body !== null) throw new TypeError('signing a request with a body is not supported');
    key ??= globalThis.crypto.subtle.importKey('raw', utf8.encode(secretKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const url = new URL(request.url);
    const date = sdkDate(now);
    request.headers.set('X-Sdk-Date', date);
    const headers: [string, string][] = [['host', url.host], ['x-sdk-date', date]];
    for (const name of OPTIONAL_SIGNED_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers.push([name, value]);
    }
    headers.sort(([a], [b]) => (a < b ? -1 : 1));
    const stringToSign = `${ALGORITHM}\n${date}\n${await sha256Hex(canonicalRequest(request.method, url, headers))}`;
    const signature = hex(await globalThis.crypto.subtle.sign('HMAC', await key, utf8.encode(stringToSign)));
    const signedNames = headers.map(([name]) => name).join(';');
    request.headers.set('Authorization', `${ALGORITHM} Access=${accessKey}, SignedHeaders=${signedNames}, Signature=${signature}`);
  };
}
