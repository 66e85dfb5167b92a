// Requests signed with an access key (AK/SK), `SDK-HMAC-SHA256`, as Huawei Cloud's SDKs sign
// them (AKSKSigner in @huaweicloud/huaweicloud-sdk-core, auth/AKSKSigner.js) and as the service
// checks them (server/auth/sdk-signature.ts), from the request as it goes on the wire:
//
//   X-Sdk-Date      the UTC time, YYYYMMDDTHHMMSSZ
//   canonical       canonical-request.ts
//   Authorization   `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>`, the
//                   signature being the HMAC-SHA256 of the string to sign keyed by the secret key
//
// Signed: host and x-sdk-date, and content-type and x-project-id when the request has them. The
// host is the URL's, which is what fetch sends (a browser page may not set Host). WebCrypto only
// (globalThis.crypto.subtle), so this runs in browsers as in Node.

import { EMPTY_BODY_SHA256, SIGNING_ALGORITHM, canonicalRequest, sdkDate, stringToSign } from './canonical-request.ts';

export { encode, sdkDate } from './canonical-request.ts';

export interface AccessKeyCredentials {
  accessKey: string;
  secretKey: string;
}

/** Signs a request in place (sets X-Sdk-Date and Authorization); `now` is the signing time. */
export type RequestSigner = (request: Request, now?: Date) => Promise<void>;

/** Signed when the request has them, besides host and x-sdk-date. */
const OPTIONAL_SIGNED_HEADERS = ['content-type', 'x-project-id'];

const utf8 = new TextEncoder();
const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
const sha256Hex = async (text: string) => hex(await globalThis.crypto.subtle.digest('SHA-256', utf8.encode(text)));

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
    const canonical = canonicalRequest({ method: request.method, rawPath: url.pathname, rawQuery: url.search.slice(1), headers, payloadHash: EMPTY_BODY_SHA256 });
    const signed = stringToSign(date, await sha256Hex(canonical));
    const signature = hex(await globalThis.crypto.subtle.sign('HMAC', await key, utf8.encode(signed)));
    const signedNames = headers.map(([name]) => name).join(';');
    request.headers.set('Authorization', `${SIGNING_ALGORITHM} Access=${accessKey}, SignedHeaders=${signedNames}, Signature=${signature}`);
  };
}
