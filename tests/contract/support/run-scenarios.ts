// Runs the scenario list against one target and says, for each scenario, everything that is
// wrong with the answer. The test files turn a non-empty list into a failure; the broken-server
// test reads the lists to prove that each kind of violation is caught and named.
import { checkConformance, operationById } from './conformance.ts';
import type { Deviation, Scenario } from './scenarios.ts';
import { type Reply, describeRequest, send } from './send.ts';

export type Target = 'mock' | 'server' | 'proxy';

export interface ScenarioOutcome {
  scenario: Scenario;
  reply: Reply;
  failures: string[];
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

export async function runScenario(scenario: Scenario, target: Target, baseUrl: string): Promise<ScenarioOutcome> {
  const reply = await send(baseUrl, scenario.request, preferHeader(scenario, target));
  const failures: string[] = [];
  const deviation = deviationOf(scenario, target);
  if (deviation !== undefined) {
    // Not honoured, by design: the answer must still be the documented one, so a change in
    // Prism's behaviour shows up here and the documentation gets updated.
    const contentType = reply.headers.get('content-type') ?? '';
    if (reply.status !== deviation.answers.status || !contentType.startsWith(deviation.answers.contentType)) {
      failures.push(`documented ${target} deviation changed: expected ${deviation.answers.status} ${deviation.answers.contentType}, got ${reply.status} ${contentType} (${deviation.cannot})`);
    }
    return { scenario, reply, failures };
  }

  if (target === 'proxy') failures.push(...prismFindings(reply));
  const { expect } = scenario;
  if (reply.status !== expect.status) failures.push(`expected status ${expect.status}, got ${reply.status}: ${reply.text.slice(0, 300)}`);
  if (expect.errorCode !== undefined && reply.body?.error_code !== expect.errorCode) {
    failures.push(`expected error_code ${expect.errorCode}, got ${String(reply.body?.error_code)}`);
  }
  const operation = scenario.operation === undefined ? undefined : operationById(scenario.operation);
  failures.push(...checkConformance(operation, reply, { requestIdEcho: target !== 'mock' }));

  const checksContent = !(target === 'mock' && 'statusOnly' in scenario.mock);
  if (checksContent && reply.status === expect.status) {
    if (expect.backupIds !== undefined) {
      const ids = Array.isArray(reply.body?.backups) ? reply.body.backups.map((b: { id?: unknown }) => b.id) : reply.body?.backups;
      if (JSON.stringify(ids) !== JSON.stringify(expect.backupIds)) failures.push(`expected backups ${JSON.stringify(expect.backupIds)}, got ${JSON.stringify(ids)}`);
    }
    if (expect.count !== undefined && reply.body?.count !== expect.count) failures.push(`expected count ${expect.count}, got ${String(reply.body?.count)}`);
    if (expect.backupId !== undefined && reply.body?.backup?.id !== expect.backupId) failures.push(`expected backup ${expect.backupId}, got ${String(reply.body?.backup?.id)}`);
  }
  if (scenario.expect.status === 405 && target === 'server' && reply.headers.get('allow') === null) failures.push('405 without an Allow header');
  return { scenario, reply, failures };
}

/** Runs every scenario in order, one at a time (later ones depend on earlier ones not deleting). */
export async function runScenarios(scenarios: readonly Scenario[], target: Target, baseUrl: string): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of scenarios) outcomes.push(await runScenario(scenario, target, baseUrl));
  return outcomes;
}

export function formatFailures(outcome: ScenarioOutcome): string {
  return `${outcome.scenario.name}\n  ${describeRequest(outcome.scenario.request)}\n  - ${outcome.failures.join('\n  - ')}`;
}
