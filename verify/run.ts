// One verification of an implementation at a URL: the fixture check, the scenario suite, the
// scenarios again through the Prism validation proxy, the generated-request properties and use
// after free, and the response coverage of it all. Every request goes to the target or to the
// verifier's own Prism proxy on loopback, nowhere else. The result is data; report.ts writes it.
import { OPERATIONS, type SpecOperation, type Violation, operationById } from './conformance.ts';
import { Coverage } from './coverage.ts';
import { type FixtureReport, checkFixtures, pickPool } from './fixture-check.ts';
import { FIXTURE_TOKENS, POOL, type TokenName } from './fixtures.ts';
import { findPrism, startPrismProxy } from './prism.ts';
import { REPLY_CHECKS, runProperties, runUseAfterFree } from './properties.ts';
import { type ScenarioOutcome, type Target, runScenarios } from './run-scenarios.ts';
import { type PoolPicks, buildScenarios } from './scenarios.ts';
import { type ContractRequest, type Reply, type SendOptions, curlLine, describeRequest } from './send.ts';
import type { AccessKey } from './signing.ts';

export const SUITES = ['fixtures', 'scenarios', 'proxy', 'properties'] as const;
/** Check names --only and --skip take: the suites, and each generated-request check. */
export const CHECK_NAMES = [...SUITES, ...REPLY_CHECKS, 'use-after-free'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export const DEFAULTS = { seed: 20261129, budget: 500, timeoutMs: 10_000, useAfterFree: 5, generatedDeletes: 4 } as const;

export interface VerifyOptions {
  baseUrl: string;
  /** Tokens instead of the fixture ones, by name. */
  tokens?: Partial<Record<TokenName, string>>;
  /** An access key of the pool's project with a role that may delete: the AK/SK scenarios run with it. */
  accessKey?: AccessKey;
  seed?: number;
  /** Generated requests. */
  budget?: number;
  /** Per request. */
  timeoutMs?: number;
  /** Check names and operation ids. */
  only?: readonly string[];
  skip?: readonly string[];
  /** The target is a Prism mock of openapi.yaml: scenarios only, with Prefer headers. */
  prismMock?: boolean;
  /** Prism's executable, when it is not the @stoplight/prism-cli package next to the verifier. */
  prism?: string;
  minCoverage?: number;
  ignoreCoverage?: readonly string[];
  useAfterFreeRounds?: number;
  log?: (line: string) => void;
}

export interface Finding extends Violation {
  request?: ContractRequest;
  reply?: Reply;
  /** The request as a curl command line. */
  replay?: string;
}

export interface CaseResult {
  suite: (typeof SUITES)[number] | 'coverage';
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
  findings: Finding[];
  /** What was sent and answered, or other detail, for the report. */
  output?: string;
  durationMs: number;
}

export interface VerifyResult {
  baseUrl: string;
  seed: number;
  /** Generated requests sent. */
  generated: number;
  prismMock: boolean;
  startedAt: Date;
  durationMs: number;
  requests: number;
  cases: CaseResult[];
  coverage: Coverage;
  minCoverage: number | undefined;
  /** Things the reader should know: passes not run, and why. */
  notes: string[];
  passed: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** The check and operation filters of --only and --skip. */
export function selection(only: readonly string[] = [], skip: readonly string[] = []): { check(name: CheckName): boolean; operation(id: string): boolean } {
  const operationIds = OPERATIONS.map((op) => op.id);
  for (const word of [...only, ...skip]) {
    if (!(CHECK_NAMES as readonly string[]).includes(word) && !operationIds.includes(word)) {
      throw new UsageError(`"${word}" is neither a check (${CHECK_NAMES.join(', ')}) nor an operation (${operationIds.join(', ')})`);
    }
  }
  const onlyChecks = only.filter((w) => (CHECK_NAMES as readonly string[]).includes(w));
  const onlyOps = only.filter((w) => operationIds.includes(w));
  const groupOf = (name: CheckName): CheckName | undefined => ((REPLY_CHECKS as readonly string[]).includes(name) || name === 'use-after-free' ? 'properties' : undefined);
  return {
    check(name) {
      const group = groupOf(name);
      const chosen = onlyChecks.length === 0 || onlyChecks.includes(name) || (group !== undefined && onlyChecks.includes(group));
      return chosen && !skip.includes(name) && !(group !== undefined && skip.includes(group));
    },
    operation(id) {
      return (onlyOps.length === 0 || onlyOps.includes(id)) && !skip.includes(id);
    },
  };
}

function findingsOf(violations: readonly Violation[], reply: Reply | undefined, request: ContractRequest | undefined, replayFrom?: { sentTo: string; replayTo: string }): Finding[] {
  return violations.map((v) => ({
    ...v,
    ...(request === undefined ? {} : { request }),
    ...(reply === undefined ? {} : { reply, replay: curlLine(reply.sent, replayFrom) }),
  }));
}

function answerLine(reply: Reply): string {
  if (reply.status === 0) return `no answer: ${reply.error ?? ''}`;
  return `${reply.status}${reply.text === '' ? '' : ` ${reply.text.slice(0, 300)}`}`;
}

function scenarioCase(suite: 'scenarios' | 'proxy', outcome: ScenarioOutcome, replayFrom?: { sentTo: string; replayTo: string }): CaseResult {
  const { scenario, reply } = outcome;
  if (outcome.skipped !== undefined) return { suite, name: scenario.name, status: 'skipped', reason: outcome.skipped, findings: [], durationMs: 0 };
  return {
    suite,
    name: scenario.name,
    status: outcome.violations.length > 0 ? 'failed' : 'passed',
    findings: findingsOf(outcome.violations, reply, scenario.request, replayFrom),
    output: `${describeRequest(scenario.request)}\n-> ${reply === undefined ? '' : answerLine(reply)}`,
    durationMs: outcome.durationMs,
  };
}

/** Findings of different kinds first (one per message, in order), then the repeats. */
function distinctFirst<T extends { message: string }>(findings: readonly T[]): T[] {
  const kind = (message: string) => message.replace(/"[^"]*"|\d+/g, '#');
  const seen = new Set<string>();
  const first: T[] = [];
  const repeats: T[] = [];
  for (const finding of findings) {
    const key = kind(finding.message);
    (seen.has(key) ? repeats : first).push(finding);
    seen.add(key);
  }
  return [...first, ...repeats];
}

/** Splits pool picks among the passes that delete, in order, as far as they go. */
function allocate(ids: string[], count: number): string[] {
  return ids.splice(0, count);
}

export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const startedAt = new Date();
  const log = options.log ?? (() => {});
  let baseUrl: string;
  try {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    if (url.search !== '' || url.hash !== '') throw new Error('has a query or a fragment');
    baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch (error) {
    throw new UsageError(`--base-url ${options.baseUrl}: not an http(s) URL (${(error as Error).message})`);
  }
  const seed = options.seed ?? DEFAULTS.seed;
  const budget = options.budget ?? DEFAULTS.budget;
  const tokens: Record<TokenName, string> = { ...FIXTURE_TOKENS, ...options.tokens };
  const select = selection(options.only, options.skip);
  const operations = OPERATIONS.filter((op) => select.operation(op.id));
  const operationIds = new Set(operations.map((op) => op.id));
  const counter = { sent: 0 };
  const sendOptions: SendOptions = { timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs, counter, ...(options.accessKey === undefined ? {} : { accessKey: options.accessKey }) };
  const coverage = new Coverage(operations, options.ignoreCoverage ?? []);
  const cases: CaseResult[] = [];
  const notes: string[] = [];
  const mock = options.prismMock === true;
  const signing = options.accessKey !== undefined;
  const record = (operation: SpecOperation | undefined, reply: Reply) => coverage.record(operation, reply, { requestIdEcho: !mock });

  const runsScenarios = select.check('scenarios');
  const runsProxy = select.check('proxy') && !mock;
  const runsProperties = !mock && REPLY_CHECKS.some((c) => select.check(c));
  const runsUseAfterFree = !mock && select.check('use-after-free') && operationIds.has('deleteBackup') && operationIds.has('showBackup');
  const deletes = operationIds.has('deleteBackup');
  const perPass = { available: deletes ? 1 + (signing ? 1 : 0) : 0, error: deletes ? 1 : 0 };
  const passes = (runsScenarios ? 1 : 0) + (runsProxy ? 1 : 0);
  const uafRounds = runsUseAfterFree ? (options.useAfterFreeRounds ?? DEFAULTS.useAfterFree) : 0;
  const generatedDeletes = runsProperties && deletes ? DEFAULTS.generatedDeletes : 0;
  const need = { available: passes * perPass.available + uafRounds + generatedDeletes, error: passes * perPass.error };

  // Fixtures and the pool.
  let fixtures: FixtureReport;
  if (mock) {
    notes.push('The target is a Prism mock: it holds no fixtures, so none are checked; pool ids are taken from the start of the range; the proxy pass and the generated-request properties need a real implementation and are not run.');
    const ids = Array.from({ length: need.available + need.error }, (_, i) => POOL.id(i + 1));
    fixtures = { cases: [], unavailable: new Map(), unusableTokens: new Set(), pool: { available: ids.slice(0, need.available), error: ids.slice(need.available), scanned: 0, gone: 0 } };
  } else if (select.check('fixtures')) {
    const started = performance.now();
    // Only the fixtures: then the whole pool is shown, to say how much of it is left.
    const countAll = !runsScenarios && !runsProxy && !runsProperties && !runsUseAfterFree;
    fixtures = await checkFixtures(baseUrl, tokens, need, sendOptions, countAll);
    const unreachable = fixtures.cases.find((c) => c.reply?.status === 0);
    if (unreachable !== undefined && fixtures.cases.every((c) => c.reply === undefined || c.reply.status === 0)) {
      throw new UsageError(`cannot reach the target at ${baseUrl}: ${unreachable.reply?.error ?? 'no answer'}`);
    }
    const each = (performance.now() - started) / Math.max(1, fixtures.cases.length);
    for (const c of fixtures.cases) {
      cases.push({
        suite: 'fixtures',
        name: c.name,
        status: c.skipped !== undefined ? 'skipped' : c.problems.length > 0 ? 'failed' : 'passed',
        ...(c.skipped === undefined ? {} : { reason: c.skipped }),
        findings: c.problems.map((message) => ({
          check: 'fixtures',
          message,
          ...(c.request === undefined ? {} : { request: c.request }),
          ...(c.reply === undefined ? {} : { reply: c.reply, replay: curlLine(c.reply.sent) }),
        })),
        ...(c.reply === undefined || c.request === undefined ? {} : { output: `${describeRequest(c.request)}\n-> ${c.reply.status}` }),
        durationMs: each,
      });
    }
    const pool = fixtures.pool;
    const failedFixtures = fixtures.cases.filter((c) => c.problems.length > 0).length;
    const poolState = pool.left === undefined
      ? `${pool.available.length} available and ${pool.error.length} in-error backups picked (${pool.scanned} shown, ${pool.gone} already deleted)`
      : `${pool.left.available} available and ${pool.left.error} in-error backups of ${POOL.size} left (${pool.gone} deleted)`;
    log(`fixtures: ${fixtures.cases.length - failedFixtures} of ${fixtures.cases.length} as published; pool: ${poolState}`);
    for (const c of fixtures.cases) for (const problem of c.problems) log(`  ${problem}`);
  } else {
    const pool = await pickPool(baseUrl, tokens, need, new Set(), sendOptions);
    fixtures = { cases: [], unavailable: new Map(), unusableTokens: new Set(), pool };
    if (pool.problem !== undefined) log(`pool: ${pool.problem}`);
  }
  const unavailable = new Map(fixtures.unavailable);
  if (!signing) unavailable.set('access-key', 'no access key given (--access-key)');
  const availableIds = [...fixtures.pool.available];
  const errorIds = [...fixtures.pool.error];
  const poolProblem = fixtures.pool.problem ?? 'no pool backup left for it';
  const picksFor = (): { picks: PoolPicks; unavailable: Map<string, string> } => {
    const [byMember, signed] = [allocate(availableIds, 1)[0], signing ? allocate(availableIds, 1)[0] : undefined];
    const byAdmin = allocate(errorIds, 1)[0];
    const passUnavailable = new Map(unavailable);
    for (const [role, id] of Object.entries({ byMember, byAdmin, signed })) if (id === undefined) passUnavailable.set(`pool:${role}`, poolProblem);
    return { picks: { ...(byMember === undefined ? {} : { byMember }), ...(byAdmin === undefined ? {} : { byAdmin }), ...(signed === undefined ? {} : { signed }) }, unavailable: passUnavailable };
  };
  // Requests for no operation (an unknown path, a wrong method) belong to no --only operation.
  const allOperations = operations.length === OPERATIONS.length;
  const scenarioList = (picks: PoolPicks) => buildScenarios({ tokens, pool: picks, signing, mock }).filter((s) => (s.operation === undefined ? allOperations : operationIds.has(s.operation)));

  // The scenario suite.
  const target: Target = mock ? 'mock' : 'server';
  if (runsScenarios) {
    const { picks, unavailable: passUnavailable } = picksFor();
    const outcomes = await runScenarios(scenarioList(picks), target, baseUrl, { ...sendOptions, unavailable: passUnavailable }, (outcome) => {
      if (outcome.reply !== undefined) record(outcome.scenario.operation === undefined ? undefined : operationById(outcome.scenario.operation), outcome.reply);
    });
    cases.push(...outcomes.map((o) => scenarioCase('scenarios', o)));
    log(`scenarios: ${summaryOf(cases, 'scenarios')}`);
  }

  // The scenarios again, through Prism's validation proxy.
  if (runsProxy) {
    const prism = findPrism(options.prism);
    if (prism === undefined) {
      const why = options.prism !== undefined ? `no Prism at ${options.prism}` : 'Prism (@stoplight/prism-cli) is not installed next to the verifier or in this directory';
      notes.push(`The proxy pass did not run: ${why}. Install it (npm install @stoplight/prism-cli@5.14.2) or pass --prism PATH; --skip proxy leaves the pass out without this note.`);
      cases.push({ suite: 'proxy', name: 'scenarios through the Prism validation proxy', status: 'skipped', reason: why, findings: [], durationMs: 0 });
      log(`proxy: not run (${why})`);
    } else {
      const proxy = await startPrismProxy(prism, baseUrl);
      try {
        const { picks, unavailable: passUnavailable } = picksFor();
        const outcomes = await runScenarios(scenarioList(picks), 'proxy', proxy.url, { ...sendOptions, signedHost: new URL(baseUrl).host, unavailable: passUnavailable });
        cases.push(...outcomes.map((o) => scenarioCase('proxy', o, { sentTo: proxy.url, replayTo: baseUrl })));
      } finally {
        await proxy.stop();
      }
      log(`proxy: ${summaryOf(cases, 'proxy')}`);
    }
  }

  // Generated requests, and use after free.
  let generated = 0;
  if (runsProperties) {
    const started = performance.now();
    const result = await runProperties({
      baseUrl,
      seed,
      budget,
      operations: operations.map((op) => op.id),
      tokens,
      unusableTokens: fixtures.unusableTokens,
      poolIds: allocate(availableIds, generatedDeletes),
      send: sendOptions,
      onReply: record,
    });
    generated = result.sent;
    const took = (performance.now() - started) / REPLY_CHECKS.length;
    const stats = `${result.sent} generated requests (seed ${seed}): ${result.kinds.negative} violate the spec, ${result.kinds.missingToken} carry no token, ${result.kinds.ok2xx} got 2xx${result.tokensLeftOut.length > 0 ? `; tokens left out (not working on the target): ${result.tokensLeftOut.join(', ')}` : ''}`;
    for (const check of REPLY_CHECKS) {
      if (!select.check(check)) continue;
      const findings = result.findings[check];
      cases.push({
        suite: 'properties',
        name: `${check} (${result.applicable[check]} of ${result.sent} generated requests)`,
        status: result.applicable[check] === 0 ? 'skipped' : findings.length > 0 ? 'failed' : 'passed',
        ...(result.applicable[check] === 0 ? { reason: 'no generated request was one this check applies to' } : {}),
        findings: distinctFirst(findings).map((f) => ({ ...f, replay: curlLine(f.reply.sent) })),
        output: stats,
        durationMs: took,
      });
    }
    log(`properties: ${stats}; ${summaryOf(cases, 'properties')}`);
  }
  if (runsUseAfterFree) {
    const started = performance.now();
    const ids = allocate(availableIds, uafRounds);
    const name = `use-after-free (${ids.length} pool backups deleted, then deleted, shown and listed again)`;
    if (ids.length === 0) {
      cases.push({ suite: 'properties', name, status: 'skipped', reason: poolProblem, findings: [], durationMs: 0 });
    } else {
      const { findings } = await runUseAfterFree({ baseUrl, seed, poolIds: ids, tokens, send: sendOptions, onReply: record });
      cases.push({ suite: 'properties', name, status: findings.length > 0 ? 'failed' : 'passed', findings: findings.map((f) => ({ ...f, replay: curlLine(f.reply.sent) })), durationMs: performance.now() - started });
    }
  }

  // The coverage gate.
  if (options.minCoverage !== undefined) {
    const percent = coverage.percent;
    const unseen = coverage.counted.filter((row) => row.seen === 0);
    cases.push({
      suite: 'coverage',
      name: `response coverage at least ${options.minCoverage}%`,
      status: percent + 1e-9 >= options.minCoverage ? 'passed' : 'failed',
      findings: percent + 1e-9 >= options.minCoverage ? [] : unseen.map((row) => ({
        check: 'coverage',
        message: `${row.operation} ${row.status} ${row.errorCode}: declared, never answered${row.nonconformant > 0 ? ` conformantly (${row.nonconformant} answers broke the contract)` : ''}`,
        at: row.at,
      })),
      output: `${percent.toFixed(1)}% of ${coverage.counted.length} declared answers observed`,
      durationMs: 0,
    });
  }

  const passed = cases.every((c) => c.status !== 'failed');
  return {
    baseUrl,
    seed,
    generated,
    prismMock: mock,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    requests: counter.sent,
    cases,
    coverage,
    minCoverage: options.minCoverage,
    notes,
    passed,
  };
}

export function summaryOf(cases: readonly CaseResult[], suite: CaseResult['suite']): string {
  const of = cases.filter((c) => c.suite === suite);
  const count = (status: CaseResult['status']) => of.filter((c) => c.status === status).length;
  return `${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`;
}

