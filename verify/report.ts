// The outputs of a verification: a JUnit XML file (one test case per fixture, scenario and
// check), a Markdown summary for a CI job's summary page, GitHub Actions annotations that point
// at the line of openapi.yaml whose rule was broken, and the plain text printed at the end.
import junitReportBuilder, { type Builder } from 'junit-report-builder';
import type { Coverage } from './coverage.ts';
import type { CaseResult, Finding, VerifyResult } from './run.ts';
import { specFileForAnnotations, specLine } from './spec.ts';

// The package's module.exports is the builder; its types describe it as an ES module's default export.
const builder = junitReportBuilder as unknown as Builder;

const SUITE_TITLES: Record<CaseResult['suite'], string> = {
  fixtures: 'fixtures: the published provider states on the target',
  scenarios: 'scenarios: the contract scenarios',
  proxy: 'proxy: the scenarios through the Prism validation proxy',
  properties: 'properties: generated requests and use after free',
  coverage: 'coverage: the response coverage gate',
};

/** `openapi.yaml:123 (#/components/...)` for a finding's rule, where it can be found. */
export function ruleLocation(at: string | undefined): string | undefined {
  if (at === undefined) return undefined;
  const line = specLine(at);
  return `${specFileForAnnotations()}${line === undefined ? '' : `:${line}`} (#${at})`;
}

function answerText(finding: Finding): string | undefined {
  const reply = finding.reply;
  if (reply === undefined) return undefined;
  if (reply.status === 0) return `no answer: ${reply.error ?? ''}`;
  const headers = ['content-type', 'x-request-id', 'allow', 'sl-violations'].flatMap((name) => {
    const value = reply.headers.get(name);
    return value === null ? [] : [`${name}: ${value}`];
  });
  const body = reply.text.length > 2000 ? `${reply.text.slice(0, 2000)}... (${reply.text.length} characters)` : reply.text;
  return [`HTTP ${reply.status}`, ...headers, ...(body === '' ? ['(no body)'] : ['', body])].join('\n');
}

/** A finding in full: the rule, where it is written, the request (as curl) and the answer. */
export function describeFinding(finding: Finding): string {
  const where = ruleLocation(finding.at);
  return [
    `[${finding.check}] ${finding.message}`,
    ...(where === undefined ? [] : [`rule: ${where}`]),
    ...(finding.replay === undefined ? [] : [`request: ${finding.replay}`]),
    ...(answerText(finding) === undefined ? [] : [`answer:\n${answerText(finding)}`]),
  ].join('\n');
}

const MAX_FINDINGS_PER_CASE = 5;

export function junitXml(result: VerifyResult): string {
  const report = builder.newBuilder();
  for (const suiteName of Object.keys(SUITE_TITLES) as CaseResult['suite'][]) {
    const cases = result.cases.filter((c) => c.suite === suiteName);
    if (cases.length === 0) continue;
    const suite = report.testSuite().name(`cbr-verify ${SUITE_TITLES[suiteName]}`).property('base_url', result.baseUrl).property('seed', String(result.seed));
    for (const c of cases) {
      const testCase = suite.testCase().className(`cbr-verify.${suiteName}`).name(c.name).time(c.durationMs / 1000);
      if (c.status === 'skipped') {
        testCase.skipped().standardOutput(`skipped: ${c.reason ?? ''}`);
        continue;
      }
      if (c.output !== undefined) testCase.standardOutput(c.output);
      if (c.status === 'failed') {
        const shown = c.findings.slice(0, MAX_FINDINGS_PER_CASE);
        const more = c.findings.length - shown.length;
        const first = c.findings[0];
        testCase
          .failure(first === undefined ? 'failed' : first.message, first?.check ?? 'failure')
          .stacktrace([...shown.map(describeFinding), ...(more > 0 ? [`... and ${more} more`] : [])].join('\n\n'));
      }
    }
  }
  return report.build();
}

// Workflow commands: data escapes %, CR and LF; properties also : and ,.
const escapeData = (text: string) => text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (text: string) => escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');

/**
 * `::error file=openapi.yaml,line=N,title=...::message`, one per pass, check, rule and message
 * (the first case that broke it, and how many others did), at most `limit`.
 */
export function annotations(result: VerifyResult, limit = 50): string[] {
  const groups = new Map<string, { suite: string; name: string; finding: Finding; others: number }>();
  for (const c of result.cases) {
    for (const finding of c.findings) {
      const key = `${c.suite} ${finding.check} ${finding.at ?? ''} ${finding.message}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { suite: c.suite, name: c.name, finding, others: 0 });
      else group.others += 1;
    }
  }
  const lines = [...groups.values()].map(({ suite, name, finding, others }) => {
    const line = finding.at === undefined ? undefined : specLine(finding.at);
    const place = line === undefined ? '' : `file=${escapeProperty(specFileForAnnotations())},line=${line},`;
    const also = others === 0 ? '' : ` (and ${others} more)`;
    const message = `${name}: ${finding.message}${also}${finding.replay === undefined ? '' : `\n${finding.replay}`}`;
    return `::error ${place}title=${escapeProperty(`cbr-verify ${suite} [${finding.check}]`)}::${escapeData(message)}`;
  });
  if (lines.length > limit) return [...lines.slice(0, limit), `::warning::cbr-verify: ${lines.length - limit} more violations; see the JUnit report`];
  return lines;
}

function count(result: VerifyResult, suite: CaseResult['suite'], status: CaseResult['status']): number {
  return result.cases.filter((c) => c.suite === suite && c.status === status).length;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function coverageTable(coverage: Coverage): string[] {
  const rows = coverage.rows.map((row) => {
    const verdict = row.ignored ? 'ignored' : row.seen > 0 ? 'covered' : row.nonconformant > 0 ? '**not conformant**' : '**never observed**';
    const answers = `${row.seen}${row.nonconformant > 0 ? ` (+${row.nonconformant} not conformant)` : ''}`;
    return `| ${row.operation} | ${row.status} | ${row.errorCode} | ${answers} | ${verdict} |`;
  });
  return ['| operation | status | error_code | answers | verdict |', '|---|---|---|---|---|', ...rows];
}

/** The summary; `limit`: how many failed cases to list (0: none). */
export function markdownSummary(result: VerifyResult, limit = 15): string {
  const verdict = result.passed ? 'passed' : 'FAILED';
  const lines = [
    `## cbr-verify ${verdict}: ${result.baseUrl}`,
    '',
    `${result.requests} requests in ${(result.durationMs / 1000).toFixed(1)} s${result.generated > 0 ? `, ${result.generated} of them generated (seed ${result.seed})` : ''}${result.prismMock ? ', target: a Prism mock' : ''}`,
    '',
    '| check | passed | failed | skipped |',
    '|---|---|---|---|',
  ];
  for (const suite of Object.keys(SUITE_TITLES) as CaseResult['suite'][]) {
    if (result.cases.some((c) => c.suite === suite)) lines.push(`| ${suite} | ${count(result, suite, 'passed')} | ${count(result, suite, 'failed')} | ${count(result, suite, 'skipped')} |`);
  }
  for (const note of result.notes) lines.push('', `> ${note}`);

  const failed = result.cases.filter((c) => c.status === 'failed');
  if (failed.length > 0 && limit > 0) {
    lines.push('', `### Violations${failed.length > limit ? ` (the first ${limit} of ${failed.length} failed cases)` : ''}`, '');
    for (const c of failed.slice(0, limit)) {
      const first = c.findings[0];
      const where = ruleLocation(first?.at);
      lines.push(`- **${cell(c.suite)} › ${cell(c.name)}**: ${cell(first?.message.slice(0, 300) ?? 'failed')}${where === undefined ? '' : ` (${where})`}${c.findings.length > 1 ? ` and ${c.findings.length - 1} more` : ''}`);
      if (first?.replay !== undefined) lines.push(`  \`${first.replay.replaceAll('`', "'")}\``);
    }
  }
  const skipped = result.cases.filter((c) => c.status === 'skipped');
  if (skipped.length > 0) {
    const reasons = new Map<string, number>();
    for (const c of skipped) reasons.set(c.reason ?? '', (reasons.get(c.reason ?? '') ?? 0) + 1);
    lines.push('', '### Skipped', '');
    for (const [reason, n] of reasons) lines.push(`- ${n} × ${cell(reason)}`);
  }

  const { coverage } = result;
  const counted = coverage.counted;
  const covered = counted.filter((row) => row.seen > 0).length;
  const gate = result.minCoverage === undefined ? '' : `, gate ${result.minCoverage}%: ${coverage.percent + 1e-9 >= result.minCoverage ? 'met' : '**not met**'}`;
  const ignored = coverage.rows.length - counted.length;
  lines.push('', `### Response coverage: ${covered} of ${counted.length} declared answers observed (${coverage.percent.toFixed(1)}%)${ignored > 0 ? `, ${ignored} ignored` : ''}${gate}`, '', ...coverageTable(coverage));
  const undeclared = coverage.undeclared;
  if (undeclared.length > 0) {
    lines.push('', '### Answers the spec does not declare', '', '| operation | status | error_code | answers | e.g. |', '|---|---|---|---|---|');
    for (const u of undeclared) lines.push(`| ${u.operation} | ${u.status} | ${u.errorCode} | ${u.count} | \`${cell(`${u.example.sent.method} ${u.example.sent.url}`)}\` |`);
  }
  if (coverage.noOperation.size > 0) {
    lines.push('', `Answers for no operation (unknown path, undeclared method): ${[...coverage.noOperation].map(([key, n]) => `${key} × ${n}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What the command prints at the end: the summary without Markdown tables' noise. */
export function textSummary(result: VerifyResult): string {
  const lines: string[] = [];
  const failed = result.cases.filter((c) => c.status === 'failed');
  for (const c of failed) {
    lines.push(`FAIL ${c.suite} › ${c.name}`);
    for (const finding of c.findings.slice(0, 3)) lines.push(`  ${describeFinding(finding).replaceAll('\n', '\n    ')}`);
    if (c.findings.length > 3) lines.push(`  ... and ${c.findings.length - 3} more`);
  }
  lines.push('', markdownSummary(result, 0));
  return lines.join('\n');
}
