// Proof that the verifier catches contract violations: the real app with its own response
// validation off, behind a layer installed only here that breaks its answers in one way at a
// time. A whole verification (scenarios, the Prism proxy pass, generated requests) runs against
// each variant and must fail with a message that names the violation, in the direct pass and
// through the proxy, and with response coverage below 100%. The unbroken variant must pass, so
// what is caught is the breakage and not the harness. One store holds the fixtures for all the
// runs: each run deletes pool backups the ones before it left, as against any long-lived target.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import express, { type RequestHandler } from 'express';
import { pino } from 'pino';
import { createApp } from '../../server/app.ts';
import { AccessKeysVerifier } from '../../server/auth/access-keys.ts';
import { TokensFileVerifier } from '../../server/auth/tokens-file.ts';
import { readSeedFile } from '../../server/store/seed-file.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { FIXTURE_ACCESS_KEYS_FILE, FIXTURE_BACKUPS_FILE, FIXTURE_TOKENS_FILE } from '../../verify/files.ts';
import { FIXTURE_ACCESS_KEY } from '../../verify/fixtures.ts';
import { describeFinding } from '../../verify/report.ts';
import { type VerifyResult, verify } from '../../verify/run.ts';
import { TEST_CONFIG } from '../support/test-server.ts';

type Breakage = 'none' | 'wrong-status' | 'undeclared-field' | 'missing-field' | 'undeclared-error-code' | 'missing-request-id';

interface Variant {
  breakage: Breakage;
  what: string;
  /** The message each pass must report (none for the unbroken variant). */
  named?: { scenarios: RegExp; proxy: RegExp };
}

const VARIANTS: Variant[] = [
  { breakage: 'none', what: 'the unbroken app passes every check' },
  {
    breakage: 'wrong-status',
    what: 'a deleted backup answers 200 instead of 204',
    named: { scenarios: /deleteBackup: status 200 is not declared \(declared: 204, 400, 401, 403, 500\)/, proxy: /Prism Error at response: Unable to match the returned status code with those defined in the document: 204,400,401,403,500/ },
  },
  {
    breakage: 'undeclared-field',
    what: 'every JSON body carries an undeclared field',
    named: { scenarios: /body \(body\): must NOT have additional properties: 'internal_note' is not declared/, proxy: /Prism Error at response\.body: Response body must NOT have additional properties; found 'internal_note'/ },
  },
  {
    breakage: 'missing-field',
    what: 'a page of backups has no count',
    named: { scenarios: /listBackups 200 body \(body\): must have required property 'count'/, proxy: /Prism Error at response\.body: Response body must have required property 'count'/ },
  },
  {
    breakage: 'undeclared-error-code',
    what: 'a missing backup is reported with the unknown-path code',
    named: { scenarios: /showBackup 404 body \/error_code: must be one of CSBS\.3001/, proxy: /Prism Error at response\.body\.error_code: Response body property error_code must be equal to one of the allowed values: CSBS\.3001/ },
  },
  {
    breakage: 'missing-request-id',
    what: 'answers have no X-Request-Id',
    named: { scenarios: /header X-Request-Id is missing/, proxy: /Prism Error at response\.header: Response header must have required property 'x-request-id'/ },
  },
];

/** The stub: rewrites what the real handlers answer, according to the current breakage. */
function breakAnswers(current: () => Breakage): RequestHandler {
  return (_req, res, next) => {
    const breakage = current();
    const json = res.json.bind(res);
    res.json = (body: any) => {
      if (breakage === 'undeclared-field' && typeof body === 'object' && body !== null) body = { ...body, internal_note: 'served by shard 7' };
      if (breakage === 'missing-field' && Array.isArray(body?.backups)) {
        const { count: _dropped, ...rest } = body;
        body = rest;
      }
      if (breakage === 'undeclared-error-code' && body?.error_code === 'CSBS.3001') body = { ...body, error_code: 'APIGW.0101' };
      return json(body);
    };
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      if (breakage === 'wrong-status' && res.statusCode === 204) res.status(200);
      if (breakage === 'missing-request-id') res.removeHeader('X-Request-Id');
      return end(...args);
    }) as typeof res.end;
    next();
  };
}

/** Every finding of a pass, as the report writes it. */
function findingsOf(result: VerifyResult, suite: 'scenarios' | 'proxy'): string[] {
  return result.cases.filter((c) => c.suite === suite).flatMap((c) => c.findings.map((f) => `${c.name}: ${f.message}`));
}

describe('broken server variants: the verifier names each violation', () => {
  let breakage: Breakage = 'none';
  let dir = '';
  let store: SqliteBackupStore | undefined;
  let server: Server | undefined;
  let url = '';

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-broken-'));
    store = new SqliteBackupStore(path.join(dir, 'backups.sqlite'));
    await store.addBackups(readSeedFile(FIXTURE_BACKUPS_FILE));
    const app = createApp({
      store,
      verifier: TokensFileVerifier.fromFile(FIXTURE_TOKENS_FILE),
      accessKeys: AccessKeysVerifier.fromFile(FIXTURE_ACCESS_KEYS_FILE),
      logger: pino({ level: 'silent' }),
      config: { ...TEST_CONFIG, validateResponses: false },
    });
    const outer = express();
    outer.use(breakAnswers(() => breakage));
    outer.use(app);
    server = createServer(outer);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const variant of VARIANTS) {
    it(`${variant.breakage} (${variant.what})`, async (t) => {
      breakage = variant.breakage;
      const result = await verify({ baseUrl: url, budget: 50, accessKey: FIXTURE_ACCESS_KEY, minCoverage: 100, ignoreCoverage: ['*:500:CSBS.9998'] });
      if (variant.named === undefined) {
        const failures = result.cases.filter((c) => c.status !== 'passed').flatMap((c) => [`${c.suite} › ${c.name}: ${c.reason ?? ''}`, ...c.findings.map(describeFinding)]);
        assert.deepEqual(failures, []);
        assert.equal(result.coverage.percent, 100);
        return;
      }
      assert.equal(result.passed, false);
      for (const pass of ['scenarios', 'proxy'] as const) {
        const messages = findingsOf(result, pass);
        const caught = messages.find((m) => variant.named![pass].test(m));
        assert.ok(caught !== undefined, `${pass}: no finding matches ${variant.named[pass]}; the findings were:\n${messages.join('\n')}`);
        t.diagnostic(`${pass}: ${caught}`);
      }
      assert.ok(result.coverage.percent < 100, `coverage ${result.coverage.percent}% despite the breakage`);
      t.diagnostic(`coverage ${result.coverage.percent.toFixed(1)}%`);
    });
  }
});
