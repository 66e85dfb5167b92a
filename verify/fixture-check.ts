// Before any check: does the target hold the published fixtures? Each token is tried on a list,
// each fixed backup is shown and compared with fixtures/verification/backups.json, and pool
// backups still there are picked for this run's deletes. What is missing or different is said
// plainly, and the scenarios that depend on it are skipped instead of failing for no visible reason.
import { FIXTURE_OTHER_PROJECT, FIXTURE_PROJECT, POOL, POOL_PROJECT, TOKEN_NAMES, TOKEN_ROLES, type TokenName, fixedFixtureBackups } from './fixtures.ts';
import { type ContractRequest, type Reply, type SendOptions, send } from './send.ts';

export interface FixtureCase {
  name: string;
  /** What is wrong; empty when the fixture is there as published. */
  problems: string[];
  skipped?: string;
  request?: ContractRequest;
  reply?: Reply;
}

export interface PoolReport {
  available: string[];
  error: string[];
  /** Pool backups shown, and how many of them were gone. */
  scanned: number;
  gone: number;
  /** Why fewer than needed were found. */
  problem?: string;
  /** With `countAll`: how many of the pool are still there. */
  left?: { available: number; error: number };
}

export interface FixtureReport {
  cases: FixtureCase[];
  /** Scenario needs (`token:NAME`, `backup:ID`, `list:PROJECT`) the target cannot meet, with the reason. */
  unavailable: Map<string, string>;
  unusableTokens: Set<TokenName>;
  pool: PoolReport;
}

const RELOAD = 'load fixtures/verification/backups.json and tokens.json into the target (README: "Verify your implementation")';

function answer(reply: Reply): string {
  if (reply.status === 0) return reply.error ?? 'no answer';
  const code = typeof reply.body?.error_code === 'string' ? ` ${reply.body.error_code}` : '';
  return `${reply.status}${code}`;
}

/** JSON with keys sorted, to compare objects whatever the order of their fields. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

/** The fields (top level, or one level down) where the shown backup differs from the fixture. */
function differences(expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const [e, a] = [expected[key], actual[key]];
    if (canonical(e) === canonical(a)) continue;
    if (e !== null && a !== null && typeof e === 'object' && typeof a === 'object' && !Array.isArray(e) && !Array.isArray(a)) {
      for (const inner of differences(e as Record<string, unknown>, a as Record<string, unknown>)) found.push(`${key}.${inner}`);
    } else {
      found.push(`${key}: expected ${e === undefined ? '(absent)' : JSON.stringify(e)}, got ${a === undefined ? '(absent)' : JSON.stringify(a)}`);
    }
  }
  return found;
}

/** A list request each token must get 200 for (all of them may read their project). */
function tokenProbe(name: TokenName, token: string): ContractRequest {
  return { method: 'GET', path: `/v3/${TOKEN_ROLES[name].project}/backups`, query: { limit: '1' }, token };
}

export async function checkFixtures(
  baseUrl: string,
  tokens: Readonly<Record<TokenName, string>>,
  need: { available: number; error: number },
  options: SendOptions = {},
  countAll = false,
): Promise<FixtureReport> {
  const cases: FixtureCase[] = [];
  const unavailable = new Map<string, string>();
  const unusableTokens = new Set<TokenName>();

  for (const name of TOKEN_NAMES) {
    const request = tokenProbe(name, tokens[name]);
    const reply = await send(baseUrl, request, options);
    const role = TOKEN_ROLES[name];
    const problems: string[] = [];
    if (role.expired === true) {
      if (reply.status !== 401) problems.push(`token ${name} ("${tokens[name]}") must be known and expired: a list of project ${role.project} answered ${answer(reply)}, not 401`);
    } else if (reply.status !== 200) {
      const why = reply.status === 401 ? 'is not accepted' : reply.status === 403 ? `is not scoped to project ${role.project} with a role that may read` : 'could not be confirmed';
      problems.push(`token ${name} ("${tokens[name]}") ${why}: a list of project ${role.project} answered ${answer(reply)}; ${RELOAD}`);
      unusableTokens.add(name);
      unavailable.set(`token:${name}`, `token ${name} does not work on the target (${answer(reply)})`);
    }
    cases.push({ name: `token ${name}: ${role.expired === true ? 'expired' : `${role.roles.join(', ')} of project ${role.project}`}`, problems, request, reply });
  }

  const missingByProject = new Map<string, string[]>();
  for (const backup of fixedFixtureBackups()) {
    const tokenName: TokenName = backup.project_id === FIXTURE_OTHER_PROJECT ? 'other-project' : 'reader';
    const title = `backup ${backup.id} (${backup.name}, ${backup.status}, project ${backup.project_id})`;
    const note = (reason: string) => {
      unavailable.set(`backup:${backup.id}`, reason);
      missingByProject.set(backup.project_id, [...(missingByProject.get(backup.project_id) ?? []), backup.id]);
    };
    const tokenProblem = unavailable.get(`token:${tokenName}`);
    if (tokenProblem !== undefined) {
      cases.push({ name: title, problems: [], skipped: tokenProblem });
      note(tokenProblem);
      continue;
    }
    const request: ContractRequest = { method: 'GET', path: `/v3/${backup.project_id}/backups/${backup.id}`, token: tokens[tokenName] };
    const reply = await send(baseUrl, request, options);
    const problems: string[] = [];
    if (reply.status === 404) {
      problems.push(`fixture backup ${backup.id} (${backup.name}) is missing: show answered 404; ${RELOAD}`);
    } else if (reply.status !== 200 || typeof reply.body?.backup !== 'object' || reply.body.backup === null) {
      problems.push(`fixture backup ${backup.id} (${backup.name}) could not be shown: ${answer(reply)}`);
    } else {
      const diff = differences(backup, reply.body.backup as Record<string, unknown>);
      if (diff.length > 0) problems.push(`fixture backup ${backup.id} (${backup.name}) is different on the target: ${diff.slice(0, 6).join('; ')}${diff.length > 6 ? `; and ${diff.length - 6} more` : ''}`);
    }
    if (problems.length > 0) note(problems[0]!);
    cases.push({ name: title, problems, request, reply });
  }
  for (const project of [FIXTURE_PROJECT, FIXTURE_OTHER_PROJECT]) {
    const missing = missingByProject.get(project);
    if (missing !== undefined) unavailable.set(`list:${project}`, `the lists of project ${project} depend on its fixture backups, and ${missing.length} of them are missing or different`);
  }

  const pool = await pickPool(baseUrl, tokens, need, unusableTokens, options, countAll);
  const problems = pool.problem === undefined ? [] : [pool.problem];
  const state = pool.left === undefined ? `${need.available} available and ${need.error} in error needed` : `${pool.left.available + pool.left.error} of ${POOL.size} left`;
  cases.push({ name: `disposable pool: ${state}, backups ${POOL.id(1)} to ${POOL.id(POOL.size)} of project ${POOL_PROJECT}`, problems });
  return { cases, unavailable, unusableTokens, pool };
}

/**
 * Picks pool backups still there, in id order: shows them in batches and keeps the first
 * `need.available` available and `need.error` in error; a 404 is a backup an earlier run deleted.
 * `countAll` shows the whole pool, to say how much of it is left.
 */
export async function pickPool(
  baseUrl: string,
  tokens: Readonly<Record<TokenName, string>>,
  need: { available: number; error: number },
  unusableTokens: ReadonlySet<TokenName>,
  options: SendOptions = {},
  countAll = false,
  batch = 20,
): Promise<PoolReport> {
  const report: PoolReport = { available: [], error: [], scanned: 0, gone: 0, ...(countAll ? { left: { available: 0, error: 0 } } : {}) };
  if (unusableTokens.has('pool-member')) {
    report.problem = `the pool cannot be used: token pool-member does not work on the target; ${RELOAD}`;
    return report;
  }
  const enough = () => !countAll && report.available.length >= need.available && report.error.length >= need.error;
  for (let first = 1; first <= POOL.size && !enough(); first += batch) {
    const numbers = Array.from({ length: Math.min(batch, POOL.size - first + 1) }, (_, i) => first + i);
    const replies = await Promise.all(numbers.map((n) => send(baseUrl, { method: 'GET', path: `/v3/${POOL_PROJECT}/backups/${POOL.id(n)}`, token: tokens['pool-member'] }, options)));
    for (const [i, reply] of replies.entries()) {
      const id = POOL.id(numbers[i]!);
      report.scanned += 1;
      if (reply.status === 404) {
        report.gone += 1;
      } else if (reply.status === 200) {
        const status: unknown = reply.body?.backup?.status;
        if (report.left !== undefined && (status === 'available' || status === 'error')) report.left[status] += 1;
        if (status === 'available' && report.available.length < need.available) report.available.push(id);
        if (status === 'error' && report.error.length < need.error) report.error.push(id);
      } else {
        report.problem = `the pool cannot be used: show of pool backup ${id} answered ${answer(reply)}`;
        return report;
      }
    }
  }
  if (report.available.length < need.available || report.error.length < need.error) {
    report.problem =
      `the disposable pool is exhausted: ${report.available.length} of ${need.available} available and ${report.error.length} of ${need.error} in-error backups left ` +
      `(${report.gone} of ${POOL.size} already deleted by earlier runs); the scenarios that delete are skipped. Refill it: load fixtures/verification/backups.json ` +
      'into an empty store (deleted ids stay deleted when a seed is loaded again into the same store)';
  }
  return report;
}
