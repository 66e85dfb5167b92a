// Schemathesis's checks, in TypeScript with fast-check, against the real server: requests
// generated from openapi.yaml (valid and invalid parameter values, undeclared query
// parameters, bodies on DELETE, every kind of token), and for each answer:
// - not a server error: never 5xx;
// - status code conformance: the status is declared for the operation;
// - response schema conformance: the body validates against the schema for that status;
// - response header conformance: X-Request-Id present and well-formed;
// - negative data rejection: a request that violates the spec gets 400 CSBS.9001;
// - missing required header: no (or an empty) X-Auth-Token gets 401 APIGW.0301;
// and, as a stateful check, use after free: after a 204 the same delete gives CSBS.3001
// and show gives 404.
// The seed is fixed and printed; CONTRACT_SEED=<n> replays (or varies) a run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { BackupDetail, OperationId } from '../../server/contract/types.ts';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { type TestServer, demoBackups, startTestServer } from '../support/test-server.ts';
import { OPERATIONS, type SpecOperation, checkConformance, operationById } from './support/conformance.ts';
import { type ContractRequest, type Reply, describeRequest, send } from './support/send.ts';
import { invalidValue, undeclaredQueryName, validValue } from './support/spec-arbitraries.ts';

const SEED = Number(process.env.CONTRACT_SEED ?? 20261129);
const GENERATED_REQUESTS = 1000;

// Tokens by what the server knows about them (server/demo/tokens.json).
const TOKENS = {
  member: DEMO_TOKENS.member,
  admin: DEMO_TOKENS.admin,
  reader: DEMO_TOKENS.reader,
  otherProject: DEMO_TOKENS.otherProject,
  expired: DEMO_TOKENS.expired,
  unknown: 'not-a-known-token',
  empty: '',
  missing: null,
} as const;
type TokenKind = keyof typeof TOKENS;
// Mostly tokens that may act, so that many requests get past authentication.
const TOKEN_WEIGHTS: Record<TokenKind, number> = { member: 4, admin: 2, reader: 3, otherProject: 1, expired: 1, unknown: 1, empty: 1, missing: 1 };
const tokenKind = fc.oneof(...(Object.entries(TOKEN_WEIGHTS) as [TokenKind, number][]).map(([kind, weight]) => ({ weight, arbitrary: fc.constant(kind) })));

/** The project each valid token is scoped to. */
const TOKEN_PROJECT: Partial<Record<TokenKind, string>> = { member: DEMO_PROJECT, admin: DEMO_PROJECT, reader: DEMO_PROJECT, otherProject: DEMO_OTHER_PROJECT };

interface GeneratedRequest {
  operationId: OperationId;
  request: ContractRequest;
  token: TokenKind;
  /** The project_id in the path, as sent. */
  project: string;
  /** What in the request the spec rejects (empty for a well-formed request). */
  violations: string[];
}

type ParamChoice = { name: string; value: string; valid: boolean };

// Built once per parameter: building arbitraries (regular expressions) on every run is slow.
const choices = new Map<SpecOperation['parameters'][number], fc.Arbitrary<ParamChoice>>();

function parameterChoice(parameter: SpecOperation['parameters'][number]): fc.Arbitrary<ParamChoice> {
  let choice = choices.get(parameter);
  if (choice === undefined) {
    choice = newParameterChoice(parameter);
    choices.set(parameter, choice);
  }
  return choice;
}

function newParameterChoice(parameter: SpecOperation['parameters'][number]): fc.Arbitrary<ParamChoice> {
  return fc.oneof(
    { weight: 9, arbitrary: validValue(parameter).map((value) => ({ name: parameter.name, value, valid: true })) },
    { weight: 1, arbitrary: invalidValue(parameter).map((value) => ({ name: parameter.name, value, valid: false })) },
  );
}

/** Undefined most of the time, a value in about one request in twelve. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 11, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

function requestFor(operation: SpecOperation): fc.Arbitrary<GeneratedRequest> {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  return fc
    .record({
      path: fc.tuple(...pathParams.map(parameterChoice)),
      query: fc.subarray(queryParams, { maxLength: Math.min(4, queryParams.length) }).chain((chosen) => fc.tuple(...chosen.map(parameterChoice))),
      undeclared: rarely(fc.tuple(undeclaredQueryName(operation), fc.string({ unit: 'grapheme-ascii', maxLength: 10 }))),
      body: operation.method === 'DELETE' ? rarely(fc.oneof(fc.json({ maxDepth: 2 }), fc.string({ minLength: 1, maxLength: 50 }))) : fc.constant(undefined),
      token: tokenKind,
    })
    .map(({ path, query, undeclared, body, token }) => {
      const violations: string[] = [];
      let url = operation.template;
      for (const p of path) {
        url = url.replace(`{${p.name}}`, encodeURIComponent(p.value));
        if (!p.valid) violations.push(`path ${p.name}=${JSON.stringify(p.value)}`);
      }
      const queryValues: Record<string, string> = {};
      for (const q of query) {
        queryValues[q.name] = q.value;
        if (!q.valid) violations.push(`query ${q.name}=${JSON.stringify(q.value)}`);
      }
      if (undeclared !== undefined) {
        queryValues[undeclared[0]] = undeclared[1];
        violations.push(`undeclared query parameter ${undeclared[0]}`);
      }
      if (body !== undefined && body !== '') violations.push('a request body');
      const request: ContractRequest = {
        method: operation.method,
        path: url,
        query: queryValues,
        token: TOKENS[token],
        ...(body === undefined || body === '' ? {} : { body }),
      };
      const project = path.find((p) => p.name === 'project_id')?.value ?? '';
      return { operationId: operation.id, request, token, project, violations };
    });
}

const anyRequest = fc.oneof(...OPERATIONS.map(requestFor));

/** The contract's order of checks decides what a request must get, where it decides at all. */
function expectedAnswer(generated: GeneratedRequest): { status: number; errorCode: string; why: string } | undefined {
  if (generated.violations.length > 0) return { status: 400, errorCode: 'CSBS.9001', why: `negative data: ${generated.violations.join(', ')}` };
  if (generated.token === 'missing' || generated.token === 'empty') return { status: 401, errorCode: 'APIGW.0301', why: 'missing required header X-Auth-Token' };
  if (generated.token === 'unknown' || generated.token === 'expired') return { status: 401, errorCode: 'APIGW.0301', why: `${generated.token} token` };
  if (TOKEN_PROJECT[generated.token] !== generated.project) return { status: 403, errorCode: 'APIGW.0302', why: `a ${generated.token} token on project ${generated.project}` };
  if (generated.request.method === 'DELETE' && generated.token === 'reader') return { status: 403, errorCode: 'APIGW.0302', why: 'a reader token on DELETE' };
  return undefined;
}

function checkReply(generated: GeneratedRequest, reply: Reply): string[] {
  const failures: string[] = [];
  if (reply.status >= 500) failures.push(`not a server error: got ${reply.status} ${reply.text.slice(0, 200)}`);
  failures.push(...checkConformance(operationById(generated.operationId), reply));
  const expected = expectedAnswer(generated);
  if (expected !== undefined && (reply.status !== expected.status || reply.body?.error_code !== expected.errorCode)) {
    failures.push(`${expected.why}: expected ${expected.status} ${expected.errorCode}, got ${reply.status} ${String(reply.body?.error_code)}`);
  }
  return failures;
}

/** Backups that only the use-after-free property deletes, one per run. */
function disposableBackups(count: number): BackupDetail[] {
  const template = demoBackups().find((b) => b.id === DEMO_BACKUPS.available[0])!;
  return Array.from({ length: count }, (_, n) => ({
    ...template,
    id: `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `disposable-${n}`,
  }));
}

describe(`contract properties (fast-check, seed ${SEED}; replay with CONTRACT_SEED=${SEED})`, () => {
  let server: TestServer;
  const disposable = disposableBackups(80);

  before(async () => {
    server = await startTestServer({ backups: [...demoBackups(), ...disposable] });
  });
  after(() => server?.close());

  it(`${GENERATED_REQUESTS} generated requests: no 5xx, declared statuses, valid bodies and headers, negative data rejected, missing token 401`, async (t) => {
    t.diagnostic(`seed ${SEED} (CONTRACT_SEED=${SEED} replays this run)`);
    let sent = 0;
    const kinds = { negative: 0, missingToken: 0, ok2xx: 0 };
    await fc.assert(
      fc.asyncProperty(anyRequest, async (generated) => {
        const reply = await send(server.url, generated.request);
        sent += 1;
        if (generated.violations.length > 0) kinds.negative += 1;
        else if (generated.token === 'missing' || generated.token === 'empty') kinds.missingToken += 1;
        if (reply.status < 300) kinds.ok2xx += 1;
        const failures = checkReply(generated, reply);
        assert.equal(failures.length, 0, `${describeRequest(generated.request)}\n  - ${failures.join('\n  - ')}`);
      }),
      { seed: SEED, numRuns: GENERATED_REQUESTS, includeErrorInReport: true },
    );
    t.diagnostic(`${sent} requests: ${kinds.negative} violate the spec, ${kinds.missingToken} carry no token, ${kinds.ok2xx} got 2xx`);
    assert.ok(sent >= GENERATED_REQUESTS, `only ${sent} requests were sent`);
    // The generator must exercise every check, not only the easy answers.
    assert.ok(kinds.negative >= 100 && kinds.missingToken >= 40 && kinds.ok2xx >= 60, JSON.stringify(kinds));
  });

  it('use after free: after a 204, the same delete gives 400 CSBS.3001 and show gives 404 CSBS.3001', async () => {
    const remaining = disposable.map((b) => b.id);
    const deleteOp = operationById('deleteBackup');
    const showOp = operationById('showBackup');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(DEMO_TOKENS.member, DEMO_TOKENS.admin), fc.boolean(), async (token, showFirst) => {
        const id = remaining.pop();
        assert.ok(id !== undefined, 'no disposable backup left');
        const path = `/v3/${DEMO_PROJECT}/backups/${id}`;
        const remove = { method: 'DELETE', path, token } satisfies ContractRequest;
        const show = { method: 'GET', path, token: DEMO_TOKENS.reader } satisfies ContractRequest;

        const first = await send(server.url, remove);
        assert.equal(first.status, 204, `first delete of ${id}: ${first.status} ${first.text}`);
        assert.deepEqual(checkConformance(deleteOp, first), []);
        const order = showFirst ? [show, remove] : [remove, show];
        for (const request of order) {
          const reply = await send(server.url, request);
          const isShow = request.method === 'GET';
          assert.equal(reply.status, isShow ? 404 : 400, `${describeRequest(request)} after the delete: ${reply.text}`);
          assert.equal(reply.body?.error_code, 'CSBS.3001');
          assert.deepEqual(checkConformance(isShow ? showOp : deleteOp, reply), []);
        }
        const list = await send(server.url, { method: 'GET', path: path.replace(/\/[^/]+$/, ''), token: DEMO_TOKENS.reader });
        assert.ok(!list.body.backups.some((b: { id: string }) => b.id === id), `${id} is still listed`);
      }),
      { seed: SEED, numRuns: 25, includeErrorInReport: true },
    );
  });
});
