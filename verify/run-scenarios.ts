// Runs the scenario list against one target and says, for each scenario, everything that is
// wrong with the answer, each finding with the place in openapi.yaml of the rule it breaks.
import { type Violation, checkConformance, operationById } from './conformance.ts';
import type { Deviation, Scenario } from './scenarios.ts';
import { type Reply, type SendOptions, send } from './send.ts';

export type Target = 'mock' | 'server' | 'proxy';

export interface ScenarioOutcome {
  scenario: Scenario;
  /** Undefined when the scenario was skipped. */
  reply?: Reply;
  violations: Violation[];
  /** Why the scenario was not run (a fixture it needs is missing on the target). */
  skipped?: string;
  durationMs: number;
}

export interface ScenarioRunOptions extends SendOptions {
  /** Needs (Scenario.needs) the target cannot meet, with the reason; such scenarios are skipped. */
  unavailable?: ReadonlyMap<string, string>;
}

function deviationOf(scenario: Scenario, target: Target): Deviation | undefined {
  if (target === 'mock' && 'cannot' in scenario.mock) return scenario.mock;
  if (target === 'proxy') return scenario.proxy;
  return undefined;
}

function preferHeader(scenario: Scenario, target: Target): Record<string, string> {
  if (target !== 'mock' || !('prefer' in scenario.mock) || scenario.mock.prefer === undefined) return {};
  return { Prefer: scenario.mock.prefer };
}

/** Whether the answer is one Prism wrote itself, instead of forwarding the server's. */
export function isPrismProblem(reply: Reply): boolean {
  return (reply.headers.get('content-type') ?? '').startsWith('application/problem+json') && /stoplight\.io\/prism\/errors/.test(String(reply.body?.type));
}

/** Prism's own findings: the sl-violations header, or a problem+json it wrote instead of the server. */
export function prismFindings(reply: Reply): string[] {
  const findings: string[] = [];
  const header = reply.headers.get('sl-violations');
  if (header !== null) {
    let violations: { location?: string[]; severity?: string; message?: string }[];
    try {
      violations = JSON.parse(header);
    } catch {
      violations = [{ message: header }];
    }
    for (const v of violations) findings.push(`Prism ${v.severity ?? 'violation'} at ${(v.location ?? []).join('.')}: ${v.message ?? ''}`);
  }
  if ((reply.headers.get('content-type') ?? '').startsWith('application/problem+json') && header === null) {
    const problem = reply.body ?? {};
    findings.push(`Prism answered for the server: ${String(problem.title)}: ${String(problem.detail)}`);
  }
  return findings;
}

/** Where the answer the scenario expects is declared (the operation's response for that status). */
function expectedAt(scenario: Scenario): string | undefined {
  if (scenario.operation === undefined) return '/info/description';
  const operation = operationById(scenario.operation);
  return operation.responses[String(scenario.expect.status)]?.pointer ?? `${operation.pointer}/responses`;
}

export async function runScenario(scenario: Scenario, target: Target, baseUrl: string, options: ScenarioRunOptions = {}): Promise<ScenarioOutcome> {
  const started = performance.now();
  const missing = scenario.needs.map((need) => options.unavailable?.get(need)).find((reason) => reason !== undefined);
  if (missing !== undefined) return { scenario, violations: [], skipped: missing, durationMs: 0 };

  const reply = await send(baseUrl, scenario.request, { ...options, extraHeaders: { ...options.extraHeaders, ...preferHeader(scenario, target) } });
  const violations: Violation[] = [];
  const done = () => ({ scenario, reply, violations, durationMs: performance.now() - started });
  const deviation = deviationOf(scenario, target);
  if (deviation !== undefined) {
    // Not honoured, by design: the answer must still be the documented one, so a change in
    // Prism's behaviour shows up here and the documentation gets updated.
    const contentType = reply.headers.get('content-type') ?? '';
    if (reply.status !== deviation.answers.status || !contentType.startsWith(deviation.answers.contentType)) {
      violations.push({ check: 'deviation', message: `documented ${target} deviation changed: expected ${deviation.answers.status} ${deviation.answers.contentType}, got ${reply.status} ${contentType} (${deviation.cannot})` });
    }
    return done();
  }

  if (target === 'proxy') {
    for (const finding of prismFindings(reply)) violations.push({ check: 'prism', message: finding });
    // Prism's own problem+json (with --errors, a violation it found): the target's answer is not
    // in it, so there is nothing more to check here (the direct pass checks that answer).
    if (isPrismProblem(reply)) return done();
  }
  const { expect } = scenario;
  const at = expectedAt(scenario);
  if (reply.status !== expect.status) {
    const got = reply.status === 0 ? reply.error : reply.text === '' ? `${reply.status} (no body)` : `${reply.status}: ${reply.text.slice(0, 300)}`;
    violations.push({ check: 'expected-answer', message: `expected status ${expect.status}, got ${got}`, ...(at === undefined ? {} : { at }) });
  }
  if (expect.errorCode !== undefined && reply.status !== 0 && reply.body?.error_code !== expect.errorCode) {
    violations.push({ check: 'expected-answer', message: `expected error_code ${expect.errorCode}, got ${reply.body?.error_code === undefined ? 'none' : JSON.stringify(reply.body.error_code)}`, ...(at === undefined ? {} : { at }) });
  }
  const operation = scenario.operation === undefined ? undefined : operationById(scenario.operation);
  if (reply.status !== 0) violations.push(...checkConformance(operation, reply, { requestIdEcho: target !== 'mock' }));

  const checksContent = !(target === 'mock' && 'statusOnly' in scenario.mock);
  const contentAt = operation?.pointer ?? '/info/description';
  if (checksContent && reply.status === expect.status) {
    if (expect.backupIds !== undefined) {
      const ids = Array.isArray(reply.body?.backups) ? reply.body.backups.map((b: { id?: unknown }) => b.id) : reply.body?.backups;
      if (JSON.stringify(ids) !== JSON.stringify(expect.backupIds)) violations.push({ check: 'expected-content', message: `expected backups ${JSON.stringify(expect.backupIds)}, got ${JSON.stringify(ids)}`, at: contentAt });
    }
    if (expect.count !== undefined && reply.body?.count !== expect.count) violations.push({ check: 'expected-content', message: `expected count ${expect.count}, got ${String(reply.body?.count)}`, at: contentAt });
    if (expect.backupId !== undefined && reply.body?.backup?.id !== expect.backupId) violations.push({ check: 'expected-content', message: `expected backup ${expect.backupId}, got ${String(reply.body?.backup?.id)}`, at: contentAt });
  }
  if (scenario.expect.status === 405 && target === 'server' && reply.status === 405 && reply.headers.get('allow') === null) {
    violations.push({ check: 'headers', message: '405 without an Allow header' });
  }
  return done();
}

/** Runs every scenario in order, one at a time (later ones depend on earlier ones not deleting). */
export async function runScenarios(
  scenarios: readonly Scenario[],
  target: Target,
  baseUrl: string,
  options: ScenarioRunOptions = {},
  onOutcome: (outcome: ScenarioOutcome) => void = () => {},
): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of scenarios) {
    const outcome = await runScenario(scenario, target, baseUrl, options);
    outcomes.push(outcome);
    onOutcome(outcome);
  }
  return outcomes;
}
