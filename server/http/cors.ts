// CORS for pages on other origins (CORS_ORIGINS; off by default), with the expressjs `cors`
// middleware: a listed origin gets the API's methods and headers in its preflight and may
// read X-Request-Id; any other origin gets no CORS header at all (its preflight then falls
// through to the API's 405, and the browser refuses the call). The methods come from the
// spec's operations, the request headers from its security schemes and the AK/SK signature.
import cors from 'cors';
import type { RequestHandler } from 'express';
import type { OpenAPIV3 } from 'openapi-types';
import { specOperations } from '../contract/operations.ts';

/**
 * `*`: every origin (never in production); `local`: any page served from this machine
 * (localhost, 127.0.0.1, [::1], any port; the stateful mock's setting); otherwise the exact
 * origins listed.
 */
export type CorsOrigins = '*' | 'local' | readonly string[];

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLocalOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOCAL_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

/** What a signed (AK/SK) request carries besides Authorization, as the vendor SDKs send it. */
const SIGNATURE_HEADERS = ['Authorization', 'X-Sdk-Date', 'X-Project-Id', 'X-Sdk-Content-Sha256'];

/** `extraHeaders`: request headers a page may send besides the API's (the stateful mock's `Prefer`). */
export function corsPolicy(spec: OpenAPIV3.Document, origins: CorsOrigins, extraHeaders: readonly string[] = []): RequestHandler {
  const schemes = Object.values(spec.components?.securitySchemes ?? {}) as OpenAPIV3.SecuritySchemeObject[];
  const tokenHeaders = schemes.flatMap((scheme) => (scheme.type === 'apiKey' && scheme.in === 'header' ? [scheme.name] : []));
  const methods = [...new Set(specOperations(spec).map((operation) => operation.method.toUpperCase()))];
  const listed = new Set(typeof origins === 'string' ? [] : origins);
  const allowed = (origin: string) => (origins === 'local' ? isLocalOrigin(origin) : listed.has(origin));
  return cors({
    origin: origins === '*' ? '*' : (origin, allow) => allow(null, origin !== undefined && allowed(origin)),
    methods,
    allowedHeaders: [...new Set([...tokenHeaders, ...SIGNATURE_HEADERS, 'Content-Type', 'X-Request-Id', ...extraHeaders])],
    exposedHeaders: ['X-Request-Id'],
    // Browsers keep a preflight's answer this long (Chromium caps it at 2 hours).
    maxAge: 600,
  });
}
