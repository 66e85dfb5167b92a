// The `SDK-HMAC-SHA256` request signature of Huawei Cloud's API gateway, as the vendor's SDK core
// (@huaweicloud/huaweicloud-sdk-core, auth/AKSKSigner) computes it. The service rebuilds the
// canonical request from what it received, with exactly the headers the client says it signed,
// and compares signatures in constant time. Pure functions: no I/O, no secrets kept.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// The canonical request is the client's (one construction for signing and checking).
import { EMPTY_BODY_SHA256, canonicalRequest as canonicalText, stringToSign } from '../../client/canonical-request.ts';


export interface SignedRequestParts {
  method: string;
  /** The path as received, percent-escapes and all (no query). */
  rawPath: string;
  /** The query string as received, without `?` ('' for none). */
  rawQuery: string;
  /** Request headers, lower-case names (Node's IncomingMessage.headers). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface Authorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`; undefined when it is not one. */
export function parseAuthorization(header: string): Authorization | undefined {
  const match = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, accessKey, signedHeaders, signature] = match as unknown as [string, string, string, string];
  return { accessKey, signedHeaders: signedHeaders.toLowerCase().split(';'), signature: signature.toLowerCase() };
}

/** `YYYYMMDDTHHMMSSZ` as a time in ms; undefined when malformed. */
export function parseSdkDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(time);
  // 20261301T... (month 13) would roll over: not a date.
  return back.getUTCMonth() === month - 1 && back.getUTCDate() === day && back.getUTCHours() === hour ? time : undefined;
}

function headerValue(headers: SignedRequestParts['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The canonical request; undefined when a header the client says it signed is not in the request. */
export function canonicalRequest(request: SignedRequestParts, signedHeaders: readonly string[]): string | undefined {
  const headers: [string, string][] = [];
  for (const name of signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) return undefined;
    headers.push([name, value]);
  }
  const payloadHash = headerValue(request.headers, 'x-sdk-content-sha256') ?? EMPTY_BODY_SHA256;
  return canonicalText({ method: request.method, rawPath: request.rawPath, rawQuery: request.rawQuery, headers, payloadHash });
}

export function signature(secretKey: string, sdkDate: string, canonical: string): string {
  return createHmac('sha256', secretKey).update(stringToSign(sdkDate, createHash('sha256').update(canonical).digest('hex'))).digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
