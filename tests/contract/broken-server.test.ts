// Proof that the scenario suite catches contract violations: the real app with its own
// response validation off, behind a layer installed only here that breaks its answers in one
// way at a time. The whole suite runs against each variant, directly and through the Prism
// validation proxy, and must fail with a message that names the violation. The unbroken
// variant must pass, so what is caught is the breakage and not the harness.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import express, { type Express, type RequestHandler } from 'express';
import { pino } from 'pino';
import { createApp } from '../../server/app.ts';
import { DEMO_TOKENS_FILE, TokensFileVerifier } from '../../server/auth/tokens-file.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import type { BackupStore } from '../../server/store/store.ts';
import type { RunningProcess } from '../support/processes.ts';
import { TEST_CONFIG, demoBackups } from '../support/test-server.ts';
import { type Target, runScenarios } from './support/run-scenarios.ts';
import { SCENARIOS } from './support/scenarios.ts';
import { startValidationProxy } from './support/validation-proxy.ts';

type Breakage = 'none' | 'wrong-status' | 'undeclared-field' | 'missing-field' | 'undeclared-error-code' | 'missing-request-id';

interface Variant {
  breakage: Breakage;
  what: string;
  /** The message each target must report (none for the unbroken variant). */
  named?: Record<Exclude<Target, 'mock'>, RegExp>;
}

const VARIANTS: Variant[] = [
  { breakage: 'none', what: 'the unbroken app passes every scenario' },
  {
    breakage: 'wrong-status',
    what: 'a deleted backup answers 200 instead of 204',
    named: { server: /deleteBackup: status 200 is not declared \(declared: 204, 400, 401, 403, 500\)/, proxy: /Prism Error at response: Unable to match the returned status code with those defined in the document: 204,400,401,403,500/ },
  },
  {
    breakage: 'undeclared-field',
    what: 'every JSON body carries an undeclared field',
    named: { server: /body \(body\): must NOT have additional properties: 'internal_note' is not declared/, proxy: /Prism Error at response\.body: Response body must NOT have additional properties; found 'internal_note'/ },
  },
  {
    breakage: 'missing-field',
    what: 'a page of backups has no count',
    named: { server: /listBackups 200 body \(body\): must have required property 'count'/, proxy: /Prism Error at response\.body: Response body must have required property 'count'/ },
  },
  {
    breakage: 'undeclared-error-code',
    what: 'a missing backup is reported with the unknown-path code',
    named: { server: /showBackup 404 body \/error_code: must be one of CSBS\.3001/, proxy: /Prism Error at response\.body\.error_code: Response body property error_code must be equal to one of the allowed values: CSBS\.3001/ },
  },
  {
    breakage: 'missing-request-id',
    what: 'answers have no X-Request-Id',
    named: { server: /header X-Request-Id is missing/, proxy: /Prism Error at response\.header: Response header must have required property 'x-request-id'/ },
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

describe('broken server variants: the suite names each violation', () => {
  let breakage: Breakage = 'none';
  // Each run gets fresh demo data (the suite deletes two backups), behind one listening
  // server and one proxy for the whole file.
  let inner: { app: Express; store: BackupStore } | undefined;
  const dirs: string[] = [];
  const stores: BackupStore[] = [];
  let server: Server | undefined;
  let proxy: RunningProcess | undefined;
  let url = '';

  async function freshApp(): Promise<void> {
    const dir = await mkdtemp(path.join(tmpdir(), 'cbr-broken-'));
    dirs.push(dir);
    const store = new SqliteBackupStore(path.join(dir, 'backups.sqlite'));
    stores.push(store);
    await store.addBackups(demoBackups());
    const app = createApp({
      store,
      verifier: TokensFileVerifier.fromFile(DEMO_TOKENS_FILE),
      logger: pino({ level: 'silent' }),
      config: { ...TEST_CONFIG, validateResponses: false },
    });
    inner = { app, store };
  }

  before(async () => {
    const outer = express();
    outer.use(breakAnswers(() => breakage));
    outer.use((req, res, next) => inner!.app(req, res, next));
    server = createServer(outer);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    proxy = await startValidationProxy(url);
  });

  after(async () => {
    await proxy?.stop();
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    for (const store of stores) await store.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  for (const variant of VARIANTS) {
    for (const target of ['server', 'proxy'] as const) {
      it(`${variant.breakage} (${variant.what}), ${target === 'server' ? 'directly' : 'through the Prism proxy'}`, async (t) => {
        breakage = variant.breakage;
        await freshApp();
        const outcomes = await runScenarios(SCENARIOS, target, target === 'server' ? url : proxy!.url);
        const messages = outcomes.flatMap((o) => o.failures.map((failure) => `${o.scenario.name}: ${failure}`));
        if (variant.named === undefined) {
          assert.deepEqual(messages, []);
          return;
        }
        const named = variant.named[target];
        const caught = messages.find((m) => named.test(m));
        assert.ok(caught !== undefined, `no failure matches ${named}; the failures were:\n${messages.join('\n')}`);
        t.diagnostic(`caught: ${caught}`);
      });
    }
  }
});
