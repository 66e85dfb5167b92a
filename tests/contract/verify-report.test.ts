// The verifier's parts that need no target: the lines of openapi.yaml its findings point at,
// the declared answers of the coverage table, the command line, and the escaping of what it
// writes for GitHub Actions and JUnit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Coverage, declaredAnswers, matchesPattern } from '../../verify/coverage.ts';
import { parseCommandLine } from '../../verify/cli.ts';
import { SPEC_FILE } from '../../verify/files.ts';
import { OPERATIONS } from '../../verify/conformance.ts';
import { annotations, junitXml } from '../../verify/report.ts';
import { UsageError, type VerifyResult, selection } from '../../verify/run.ts';
import { specLine } from '../../verify/spec.ts';

const SPEC_LINES = readFileSync(SPEC_FILE, 'utf8').split('\n');
const lineAt = (pointer: string) => SPEC_LINES[(specLine(pointer) ?? 0) - 1]?.trim();

describe('verifier: spec lines', () => {
  it('finds the line of a response, a schema keyword and a list item, and the nearest place for a pointer past the document', () => {
    assert.equal(lineAt('/paths/~1v3~1{project_id}~1backups~1{backup_id}/delete/responses/204'), "'204':");
    assert.equal(lineAt('/components/schemas/Error/additionalProperties'), 'additionalProperties: false');
    assert.equal(lineAt('/components/schemas/ShowNotFoundError/allOf/1/properties/error_code/enum'), 'enum:');
    assert.equal(lineAt('/components/schemas/Error/required/0'), '- error_code');
    assert.equal(lineAt('/components/responses/Unauthorized/no/such/place'), 'Unauthorized:');
  });
});

describe('verifier: declared answers', () => {
  it('lists every (operation, status, error_code) of openapi.yaml, error codes narrowed through allOf', () => {
    const rows = declaredAnswers().map((r) => `${r.operation} ${r.status} ${r.errorCode}`);
    assert.deepEqual(rows, [
      'listBackups 200 -', 'listBackups 400 CSBS.9001', 'listBackups 401 APIGW.0301', 'listBackups 403 APIGW.0302', 'listBackups 500 CSBS.9998',
      'showBackup 200 -', 'showBackup 400 CSBS.9001', 'showBackup 401 APIGW.0301', 'showBackup 403 APIGW.0302', 'showBackup 404 CSBS.3001', 'showBackup 500 CSBS.9998',
      'deleteBackup 204 -', 'deleteBackup 400 6201', 'deleteBackup 400 CSBS.2003', 'deleteBackup 400 CSBS.3001', 'deleteBackup 400 CSBS.9001',
      'deleteBackup 401 APIGW.0301', 'deleteBackup 403 APIGW.0302', 'deleteBackup 500 CSBS.9998',
    ]);
  });

  it('ignores rows by operation:status:error_code patterns with * for any part', () => {
    const row = { operation: 'deleteBackup', status: '500', errorCode: 'CSBS.9998' };
    assert.ok(matchesPattern(row, '*:500:CSBS.9998'));
    assert.ok(matchesPattern(row, 'deleteBackup:*:*'));
    assert.ok(!matchesPattern(row, 'showBackup:500:CSBS.9998'));
    const coverage = new Coverage(OPERATIONS, ['*:500:*']);
    assert.equal(coverage.counted.length, 16);
    assert.equal(coverage.percent, 0);
  });
});

describe('verifier: command line', () => {
  it('takes tokens by name, an access key with the fixture secret, lists of checks and coverage patterns', () => {
    const parsed = parseCommandLine(['--base-url', 'http://127.0.0.1:8080', '--token', 'member=abc', '--only', 'scenarios,deleteBackup', '--skip', 'proxy', '--access-key', 'VERIFYPOOLMEMBERAK01', '--ignore-coverage', '*:500:CSBS.9998', '--budget', '20', '--min-coverage', '100'], {});
    assert.notEqual(parsed, 'help');
    if (parsed === 'help') return;
    assert.deepEqual(parsed.options.tokens, { member: 'abc' });
    assert.deepEqual(parsed.options.only, ['scenarios', 'deleteBackup']);
    assert.equal(parsed.options.accessKey?.secretKey, 'verify-pool-member-secret-key-0001');
    assert.equal(parsed.options.budget, 20);
    assert.equal(parsed.annotations, false);
    assert.equal((parseCommandLine(['--base-url', 'http://x'], { GITHUB_ACTIONS: 'true' }) as { annotations: boolean }).annotations, true);
  });

  it('refuses what it cannot use, naming it', () => {
    const refused = (argv: string[], message: RegExp) => assert.throws(() => parseCommandLine(argv, {}), (e: unknown) => e instanceof UsageError && message.test(e.message));
    refused(['--budget', '5'], /--base-url is required/);
    refused(['--base-url', 'http://x', '--token', 'boss=1'], /unknown token name "boss"/);
    refused(['--base-url', 'http://x', '--access-key', 'OTHERKEY0001'], /its secret is needed \(CBR_VERIFY_SECRET_KEY or --secret-key\)/);
    refused(['--base-url', 'http://x', '--min-coverage', '101'], /--min-coverage must be a percentage/);
    refused(['--base-url', 'http://x', '--ignore-coverage', 'deleteBackup:500'], /expected operation:status:error_code/);
    assert.throws(() => selection(['speed']), /"speed" is neither a check/);
  });

  it('selects checks and operations: --only narrows, --skip removes, a group stands for its checks', () => {
    const only = selection(['properties', 'deleteBackup'], ['schema']);
    assert.deepEqual(['scenarios', 'status', 'schema', 'use-after-free'].map((c) => only.check(c as never)), [false, true, false, true]);
    assert.deepEqual(['listBackups', 'deleteBackup'].map((op) => only.operation(op)), [false, true]);
  });
});

describe('verifier: reports', () => {
  const reply = { status: 204, headers: new Headers(), body: undefined, text: 'bad \u0000 ]]> <x>', sent: { method: 'DELETE', url: 'http://127.0.0.1:1/v3/p/backups/b?x=%3A', headers: {} } };
  const result = {
    baseUrl: 'http://127.0.0.1:1',
    seed: 1,
    generated: 0,
    prismMock: false,
    startedAt: new Date(),
    durationMs: 1,
    requests: 1,
    cases: [{ suite: 'scenarios', name: 'a, b: c', status: 'failed', durationMs: 1, findings: [{ check: 'headers', message: '100% wrong\nsecond line', at: '/components/headers/XRequestId', reply, replay: "curl 'http://127.0.0.1:1/v3/p/backups/b?x=%3A'" }] }],
    coverage: new Coverage(OPERATIONS, []),
    minCoverage: undefined,
    notes: [],
    passed: false,
  } as unknown as VerifyResult;

  it('escapes GitHub workflow commands: %, newlines, and : and , in properties', () => {
    const [line] = annotations(result);
    assert.equal(line, `::error file=openapi.yaml,line=${specLine('/components/headers/XRequestId')},title=cbr-verify scenarios [headers]::a, b: c: 100%25 wrong%0Asecond line%0Acurl 'http://127.0.0.1:1/v3/p/backups/b?x=%253A'`);
  });

  it('writes well-formed JUnit XML whatever the answer holds', () => {
    const xml = junitXml(result);
    assert.match(xml, /<testsuites tests="1" failures="1" errors="0" skipped="0">/);
    assert.match(xml, /<failure message="100% wrong&#xA;second line" type="headers"><!\[CDATA\[\[headers\] 100% wrong\nsecond line\nrule: openapi\.yaml:\d+ \(#\/components\/headers\/XRequestId\)\n/);
    assert.ok(!xml.includes('\u0000'));
    assert.match(xml, /bad {2}\]\]\]\]><!\[CDATA\[> <x>/);
  });
});
