// AK/SK credentials: access keys listed in a JSON file (ACCESS_KEYS_FILE; the demo keys outside
// production), and the check of a request signed with one (sdk-signature.ts).
// File format: {"access_keys": [{"access_key", "secret_key", "project_id", "user": {"id", "name"},
//   "roles": [...], "expires_at"?}]}
import { readFileSync, statSync } from 'node:fs';
import { componentPattern } from '../contract/spec.ts';
import { packageFile } from '../package-files.ts';
import {
  type SignedRequestParts,
  canonicalRequest,
  parseAuthorization,
  parseSdkDate,
  signature,
  signaturesMatch,
} from './sdk-signature.ts';
import type { Principal, Verification } from './verifier.ts';

export const DEMO_ACCESS_KEYS_FILE = packageFile('server/demo/access-keys.json');

/** How far X-Sdk-Date may be from the service's clock, either way (the gateway's replay window). */
export const SIGNATURE_MAX_SKEW_MS = 15 * 60_000;

const PROJECT_ID = componentPattern('ProjectIdentifier');

interface AccessKey {
  secretKey: string;
  principal: Principal;
}

export class AccessKeysVerifier {
  readonly #keys: ReadonlyMap<string, AccessKey>;
  readonly #now: () => number;

  constructor(keys: ReadonlyMap<string, AccessKey>, now: () => number = Date.now) {
    this.#keys = keys;
    this.#now = now;
  }

  /**
   * Reads and checks an access-keys file; a bad entry rejects the whole file, naming the entry
   * (never a secret). In production, a file that others than its owner's group may read is refused.
   */
  static fromFile(file: string | URL, options: { production?: boolean; now?: () => number } = {}): AccessKeysVerifier {
    let data: unknown;
    try {
      if (options.production === true && (statSync(file).mode & 0o004) !== 0) {
        throw new Error('is readable by every user of the machine; make it readable by the service only (chmod 600 or 640)');
      }
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`access keys file ${String(file)}: ${(error as Error).message}`);
    }
    return new AccessKeysVerifier(parseAccessKeysFile(data, String(file)), options.now);
  }

  /** Checks a request signed with `SDK-HMAC-SHA256`; the reason says which check failed, never the expected signature. */
  verify(authorization: string, request: SignedRequestParts): Verification {
    const parsed = parseAuthorization(authorization);
    if (parsed === undefined) return { ok: false, reason: 'the Authorization header is not SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...' };
    if (request.headers['x-security-token'] !== undefined) return { ok: false, reason: 'temporary access keys (X-Security-Token) are not supported; sign with a permanent access key' };
    for (const required of ['host', 'x-sdk-date']) {
      if (!parsed.signedHeaders.includes(required)) return { ok: false, reason: `the ${required} header is not signed` };
    }
    const sdkDate = request.headers['x-sdk-date'];
    const signedAt = typeof sdkDate === 'string' ? parseSdkDate(sdkDate) : undefined;
    if (signedAt === undefined) return { ok: false, reason: 'X-Sdk-Date is missing or not YYYYMMDDTHHMMSSZ' };
    if (Math.abs(this.#now() - signedAt) > SIGNATURE_MAX_SKEW_MS) return { ok: false, reason: 'X-Sdk-Date is more than 15 minutes from the service\'s clock' };
    const key = this.#keys.get(parsed.accessKey);
    if (key === undefined) return { ok: false, reason: 'unknown access key' };
    if (Date.parse(key.principal.expiresAt) <= this.#now()) return { ok: false, reason: 'expired access key' };
    const canonical = canonicalRequest(request, parsed.signedHeaders);
    if (canonical === undefined) return { ok: false, reason: 'a header named in SignedHeaders is not in the request' };
    if (!signaturesMatch(signature(key.secretKey, sdkDate as string, canonical), parsed.signature)) {
      return { ok: false, reason: 'the signature does not match the request' };
    }
    return { ok: true, principal: key.principal };
  }
}

/** Keys without an expiry are valid until they are removed from the file. */
const NO_EXPIRY = '9999-12-31T23:59:59Z';

function parseAccessKeysFile(data: unknown, source: string): Map<string, AccessKey> {
  const entries = (data as { access_keys?: unknown } | null)?.access_keys;
  if (!Array.isArray(entries)) throw new Error(`access keys file ${source}: expected {"access_keys": [...]}`);
  const result = new Map<string, AccessKey>();
  entries.forEach((entry: unknown, index) => {
    const where = `access keys file ${source}: access_keys[${index}]`;
    const e = (entry ?? {}) as Record<string, unknown>;
    const user = (e.user ?? {}) as Record<string, unknown>;
    const problem =
      typeof e.access_key !== 'string' || !/^[A-Za-z0-9]{8,128}$/.test(e.access_key) ? 'access_key must be 8 to 128 letters and digits'
      : result.has(e.access_key) ? `access_key ${e.access_key} is listed twice`
      : typeof e.secret_key !== 'string' || e.secret_key.length < 16 ? 'secret_key must be a string of at least 16 characters'
      : typeof e.project_id !== 'string' || !PROJECT_ID.test(e.project_id) ? 'project_id must be 32 lowercase hex characters'
      : typeof user.id !== 'string' || typeof user.name !== 'string' ? 'user must be {"id": string, "name": string}'
      : !Array.isArray(e.roles) || !e.roles.every((r) => typeof r === 'string') ? 'roles must be a list of strings'
      : e.expires_at !== undefined && (typeof e.expires_at !== 'string' || Number.isNaN(Date.parse(e.expires_at))) ? 'expires_at must be an ISO 8601 time'
      : undefined;
    if (problem !== undefined) throw new Error(`${where}: ${problem}`);
    result.set(e.access_key as string, {
      secretKey: e.secret_key as string,
      principal: {
        user: { id: user.id as string, name: user.name as string },
        projectId: e.project_id as string,
        roles: e.roles as string[],
        expiresAt: (e.expires_at as string | undefined) ?? NO_EXPIRY,
      },
    });
  });
  return result;
}
