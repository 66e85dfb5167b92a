// The project's contract verification is `cbr-verify`, run as a user runs it (the compiled bin)
// against this repository's service as a process, the way another implementation is verified:
// loaded with the published fixtures (SEED_FILE, TOKENS_FILE, ACCESS_KEYS_FILE), on SQLite in
// the production configuration and on PostgreSQL in the development one, with 100% response
// coverage but for the 500 no request can provoke; and against the Prism mock with the Prefer
// headers it needs, where even the 500 is covered. Then the faults it must catch: a minimal
// implementation that answers 204 to every DELETE, and a target whose fixtures are incomplete.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile, chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_ACCESS_KEYS_FILE, FIXTURE_BACKUPS_FILE, FIXTURE_TOKENS_FILE, SPEC_FILE } from '../../verify/files.ts';
import { FIXTURE_ACCESS_KEY, FIXTURE_BACKUPS, fixedFixtureBackups } from '../../verify/fixtures.ts';
import { PostgresCluster, postgresUnavailable } from '../support/postgres.ts';
import { type RunningProcess, freePort, startMock, startServerProcess } from '../support/processes.ts';
import { type TestServer, startTestServer } from '../support/test-server.ts';
import { readSeedFile } from '../../server/store/seed-file.ts';
import { TokensFileVerifier } from '../../server/auth/tokens-file.ts';
import type { BackupDetail } from '../../server/contract/types.ts';
import { type CbrVerifyRun, explain, junitTotals, runCbrVerify } from './support/cbr-verify.ts';

/** What this repository's CI passes: 100% of the declared answers, but the 500 no request can provoke. */
const GATE = ['--min-coverage', '100', '--ignore-coverage', '*:500:CSBS.9998'];
const BUDGET = ['--budget', '200'];

function assertPassed(run: CbrVerifyRun): void {
  assert.equal(run.code, 0, explain(run));
  assert.ok(run.junit !== undefined && run.summary !== undefined, 'no report files');
  const totals = junitTotals(run.junit);
  assert.equal(totals.failures, 0, explain(run));
  assert.equal(totals.skipped, 0, `skipped cases:\n${run.summary}`);
  assert.match(run.summary, /### Response coverage: 16 of 16 declared answers observed \(100\.0%\), 3 ignored, gate 100%: met/);
}

/** A temporary copy of the fixture access keys readable by this user only, as production requires. */
async function privateAccessKeys(dir: string): Promise<string> {
  const file = path.join(dir, 'access-keys.json');
  await copyFile(FIXTURE_ACCESS_KEYS_FILE, file);
  await chmod(file, 0o600);
  return file;
}

describe('cbr-verify against this service on SQLite (production configuration)', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let server: RunningProcess | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-verify-sqlite-'));
    env = {
      NODE_ENV: 'production',
      DATABASE_URL: path.join(dir, 'backups.sqlite'),
      SEED_FILE: FIXTURE_BACKUPS_FILE,
      TOKENS_FILE: FIXTURE_TOKENS_FILE,
      ACCESS_KEYS_FILE: await privateAccessKeys(dir),
    };
    server = await startServerProcess(env);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes every check, with AK/SK, and covers every declared answer but the 500', async () => {
    const run = await runCbrVerify(['--base-url', server!.url, ...BUDGET, ...GATE, '--access-key', FIXTURE_ACCESS_KEY.accessKey]);
    assertPassed(run);
    assert.match(run.stdout, /proxy: \d+ passed, 0 failed, 0 skipped/);
    assert.match(run.stdout, /pool: 13 available and 2 in-error backups picked \(\d+ shown, 0 already deleted\)/);
  });

  it('passes again on the same target: the second run deletes pool backups the first left', async () => {
    const run = await runCbrVerify(['--base-url', server!.url, '--budget', '50', '--seed', '7', ...GATE, '--access-key', FIXTURE_ACCESS_KEY.accessKey]);
    assertPassed(run);
    const gone = Number(/\(\d+ shown, (\d+) already deleted\)/.exec(run.stdout)?.[1]);
    assert.ok(gone >= 8, `the second run found only ${gone} pool backups deleted:\n${run.stdout}`);
  });

  it('after a restart that loads SEED_FILE again, the deleted pool backups stay deleted and the fixtures still check out', async () => {
    await server!.stop();
    server = await startServerProcess(env);
    const run = await runCbrVerify(['--base-url', server.url, '--only', 'fixtures']);
    assert.equal(run.code, 0, explain(run));
    const left = /fixtures: 20 of 20 as published; pool: (\d+) available and (\d+) in-error backups of 600 left \((\d+) deleted\)/.exec(run.stdout);
    assert.ok(left !== null, explain(run));
    assert.ok(Number(left[3]) >= 16, `only ${left[3]} pool backups deleted after two runs`);
    assert.equal(Number(left[1]) + Number(left[2]) + Number(left[3]), 600);
  });
});

describe('cbr-verify against this service on PostgreSQL (development configuration)', { skip: postgresUnavailable() }, () => {
  let cluster: PostgresCluster | undefined;
  let server: RunningProcess | undefined;

  before(async () => {
    cluster = await PostgresCluster.start();
    server = await startServerProcess({
      DATABASE_URL: await cluster.createDatabase(),
      SEED_FILE: FIXTURE_BACKUPS_FILE,
      TOKENS_FILE: FIXTURE_TOKENS_FILE,
      ACCESS_KEYS_FILE: FIXTURE_ACCESS_KEYS_FILE,
    });
  });
  after(async () => {
    await server?.stop();
    await cluster?.destroy();
  });

  it('passes every check, with AK/SK, and covers every declared answer but the 500', async () => {
    assertPassed(await runCbrVerify(['--base-url', server!.url, ...BUDGET, ...GATE, '--access-key', FIXTURE_ACCESS_KEY.accessKey]));
  });
});

describe('cbr-verify against the Prism mock (npm run mock)', () => {
  let mock: RunningProcess | undefined;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock?.stop());

  it('passes the scenarios it can honour, with Prefer, and covers every declared answer, the 500 too', async () => {
    const run = await runCbrVerify(['--base-url', mock!.url, '--prism-mock', '--access-key', FIXTURE_ACCESS_KEY.accessKey, '--min-coverage', '100']);
    assert.equal(run.code, 0, explain(run));
    assert.equal(junitTotals(run.junit!).failures, 0);
    assert.match(run.summary!, /### Response coverage: 19 of 19 declared answers observed \(100\.0%\), gate 100%: met/);
    assert.match(run.summary!, /The target is a Prism mock/);
  });
});

describe('cbr-verify against a minimal implementation: 204 to every DELETE, an empty 404 to anything else', () => {
  let server: Server | undefined;
  let url = '';
  let run: CbrVerifyRun;

  before(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.method === 'DELETE' ? 204 : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    run = await runCbrVerify(['--base-url', url, '--budget', '100', ...GATE, '--annotations']);
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('fails, exit status 1', () => {
    assert.equal(run.code, 1, explain(run));
    assert.ok(junitTotals(run.junit!).failures > 20, explain(run));
  });

  it('names what is wrong: the fixtures it does not hold, a 204 where the spec says 401, no X-Request-Id, a 404 where none is declared, an empty 404 body', () => {
    assert.match(run.stdout, /token member \("demo-member-token"\) could not be confirmed: a list of project 0605767d1e6f4c4a9c8ff3a0a6f27a21 answered 404/);
    assert.match(run.stdout, /FAIL scenarios › deleteBackup: missing token\n {2}\[expected-answer\] expected status 401, got 204 \(no body\)\n {4}rule: openapi\.yaml:\d+ \(#\/components\/responses\/Unauthorized\)/);
    assert.match(run.stdout, /\[headers\] header X-Request-Id is missing/);
    assert.match(run.stdout, /\[status\] listBackups: status 404 is not declared \(declared: 200, 400, 401, 403, 500\)/);
    assert.match(run.stdout, /\[schema\] showBackup 404 body \(body\): must be object/);
    assert.match(run.stdout, /\[negative-data\] negative data: .*: expected 400 CSBS\.9001, got (?:204|404) no error_code/);
  });

  it('writes each failure to the JUnit report with the rule, the request as curl, and the answer', () => {
    const failure = /<testcase classname="cbr-verify\.scenarios" name="deleteBackup: missing token"[^>]*>\s*<failure message="expected status 401, got 204 \(no body\)" type="expected-answer"><!\[CDATA\[([\s\S]*?)\]\]><\/failure>/.exec(run.junit!);
    assert.ok(failure !== null, run.junit!.slice(0, 4000));
    const body = failure[1]!;
    assert.match(body, /rule: openapi\.yaml:\d+ \(#\/components\/responses\/Unauthorized\)/);
    assert.match(body, new RegExp(`request: curl -i -g --path-as-is -X DELETE '${url}/v3/0605767d1e6f4c4a9c8ff3a0a6f27a21/backups/${FIXTURE_BACKUPS.busy.protecting}'`));
    assert.match(body, /answer:\nHTTP 204\n\(no body\)/);
  });

  it('prints GitHub annotations at the line of openapi.yaml whose rule is broken', () => {
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('::'));
    const expected = /^::error file=openapi\.yaml,line=(\d+),title=cbr-verify scenarios \[expected-answer\]::deleteBackup: missing token: expected status 401, got 204 \(no body\)(?: \(and \d+ more\))?%0Acurl -i .*'$/;
    const annotation = lines.map((l) => expected.exec(l)).find((m) => m !== null);
    assert.ok(annotation != null, lines.slice(0, 20).join('\n'));
    // The line of the Unauthorized response, whose 401 the scenario expects.
    assert.equal(readFileSync(SPEC_FILE, 'utf8').split('\n')[Number(annotation[1]) - 1], '    Unauthorized:');
    const header = lines.find((l) => /^::error file=openapi\.yaml,line=\d+,title=cbr-verify scenarios \[headers\]::.*: header X-Request-Id is missing \(and \d+ more\)/.test(l));
    assert.ok(header !== undefined, lines.slice(0, 20).join('\n'));
  });

  it('reports coverage below 100% and the answers the spec does not declare', () => {
    assert.match(run.summary!, /gate 100%: \*\*not met\*\*/);
    assert.match(run.summary!, /\| deleteBackup \| 204 \| - \| 0 \(\+\d+ not conformant\) \| \*\*not conformant\*\* \|/);
    assert.match(run.summary!, /\| showBackup \| 200 \| - \| 0 \| \*\*never observed\*\* \|/);
    assert.match(run.summary!, /### Answers the spec does not declare\n\n\| operation \| status \| error_code \| answers \| e\.g\. \|\n\|---\|---\|---\|---\|---\|\n\| showBackup \| 404 \| - \| \d+ \|/);
  });
});

describe('cbr-verify against a target whose fixtures are incomplete', () => {
  let target: TestServer | undefined;

  before(async () => {
    // The fixed backups but one changed, and no pool.
    const changed = FIXTURE_BACKUPS.available[2];
    const backups = readSeedFile(FIXTURE_BACKUPS_FILE)
      .filter((b) => fixedFixtureBackups().some((f) => f.id === b.id))
      .map((b): BackupDetail => (b.id === changed ? { ...b, name: 'renamed-by-hand' } : b));
    target = await startTestServer({ backups, verifier: TokensFileVerifier.fromFile(FIXTURE_TOKENS_FILE) });
  });
  after(() => target?.close());

  it('says which fixture is different and that the pool is exhausted, and skips what depends on them', async () => {
    const run = await runCbrVerify(['--base-url', target!.url, '--skip', 'proxy,properties']);
    assert.equal(run.code, 1, explain(run));
    assert.match(run.stdout, /fixture backup 3f6c1e2a-7d4b-4c1e-9a5f-000000000003 \(nightly-db-03\) is different on the target: name: expected "nightly-db-03", got "renamed-by-hand"/);
    assert.match(run.stdout, /the disposable pool is exhausted: 0 of 1 available and 0 of 1 in-error backups left \(600 of 600 already deleted by earlier runs\)/);
    assert.match(run.summary!, /- \d+ × the lists of project 0605767d1e6f4c4a9c8ff3a0a6f27a21 depend on its fixture backups, and 1 of them are missing or different/);
    assert.match(run.stdout, /scenarios: \d+ passed, 0 failed, \d+ skipped/);
  });
});

describe('cbr-verify usage', () => {
  it('refuses a command line without --base-url, and a target that does not answer, with exit status 2', async () => {
    const missing = await runCbrVerify([]);
    assert.equal(missing.code, 2, explain(missing));
    assert.match(missing.stderr, /--base-url is required/);
    const unknownCheck = await runCbrVerify(['--base-url', 'http://127.0.0.1:9', '--only', 'speed']);
    assert.equal(unknownCheck.code, 2);
    assert.match(unknownCheck.stderr, /"speed" is neither a check \(fixtures, scenarios, proxy, properties, server-error/);
    const closed = await runCbrVerify(['--base-url', `http://127.0.0.1:${await freePort()}`]);
    assert.equal(closed.code, 2, explain(closed));
    assert.match(closed.stderr, /cannot reach the target at http:\/\/127\.0\.0\.1:\d+: no answer: ECONNREFUSED/);
  });
});
