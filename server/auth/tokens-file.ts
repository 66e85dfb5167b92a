// The embedded token verifier: tokens listed in a JSON file (the demo tokens by default).
// File format: {"tokens": [{"token", "project_id", "user": {"id", "name"}, "roles": [...], "expires_at"}]}
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { componentPattern } from '../contract/spec.ts';
import { packageFile } from '../package-files.ts';
import type { Principal, TokenVerifier, Verification } from './verifier.ts';

export const DEMO_TOKENS_FILE = packageFile('server/demo/tokens.json');

/** The spec's project id pattern: a token's project must be one the API can address. */
const PROJECT_ID = componentPattern('ProjectIdentifier');

/** Tokens are kept and looked up by digest, so the raw values never sit in memory or logs. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class TokensFileVerifier implements TokenVerifier {
  readonly #byDigest: ReadonlyMap<string, Principal>;
  readonly #now: () => number;

  constructor(principalsByToken: ReadonlyMap<string, Principal>, now: () => number = Date.now) {
    this.#byDigest = new Map([...principalsByToken].map(([token, p]) => [tokenDigest(token), p]));
    this.#now = now;
  }

  /** Reads and checks a tokens file; a bad entry rejects the whole file, naming the entry. */
  static fromFile(file: string | URL, now?: () => number): TokensFileVerifier {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`tokens file ${String(file)}: ${(error as Error).message}`);
    }
    return new TokensFileVerifier(parseTokensFile(data, String(file)), now);
  }

  async verify(token: string): Promise<Verification> {
    const principal = this.#byDigest.get(tokenDigest(token));
    if (principal === undefined) return { ok: false, reason: 'unknown token' };
    if (Date.parse(principal.expiresAt) <= this.#now()) return { ok: false, reason: 'expired token' };
    return { ok: true, principal };
  }
}

function parseTokensFile(data: unknown, source: string): Map<string, Principal> {
  const entries = (data as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(entries)) throw new Error(`tokens file ${source}: expected {"tokens": [...]}`);
  const result = new Map<string, Principal>();
  entries.forEach((entry: unknown, index) => {
    const where = `tokens file ${source}: tokens[${index}]`;
    const e = (entry ?? {}) as Record<string, unknown>;
    const user = (e.user ?? {}) as Record<string, unknown>;
    const problem =
      typeof e.token !== 'string' || e.token.length === 0 ? 'token must be a non-empty string'
      : result.has(e.token) ? 'token is listed twice'
      : typeof e.project_id !== 'string' || !PROJECT_ID.test(e.project_id) ? 'project_id must be 32 lowercase hex characters'
      : typeof user.id !== 'string' || typeof user.name !== 'string' ? 'user must be {"id": string, "name": string}'
      : !Array.isArray(e.roles) || !e.roles.every((r) => typeof r === 'string') ? 'roles must be a list of strings'
      : typeof e.expires_at !== 'string' || Number.isNaN(Date.parse(e.expires_at)) ? 'expires_at must be an ISO 8601 time'
      : undefined;
    if (problem !== undefined) throw new Error(`${where}: ${problem}`);
    result.set(e.token as string, {
      user: { id: user.id as string, name: user.name as string },
      projectId: e.project_id as string,
      roles: e.roles as string[],
      expiresAt: e.expires_at as string,
    });
  });
  return result;
}
