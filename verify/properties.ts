// Schemathesis's checks with fast-check: requests generated from openapi.yaml (valid and invalid
// parameter values, undeclared query parameters, bodies on DELETE, every kind of token), and
// for each answer:
// - server-error: never 5xx;
// - status: the status is declared for the operation;
// - schema: the body validates against the schema for that status;
// - headers: X-Request-Id present and well-formed, JSON bodies as application/json;
// - negative-data: a request that violates the spec gets 400 CSBS.9001;
// - missing-token: no (or an empty) X-Auth-Token gets 401 APIGW.0301;
// - authorization: an unknown or expired token gets 401, a token of another project or a
//   reader's on DELETE 403;
// and, as a stateful check, use-after-free: after a 204 the same delete gives CSBS.3001, show
// gives 404 and the list no longer has it. The requests come from the seed alone, so a seed
// replays a run.
import fc from 'fast-check';
import { OPERATIONS, type SpecOperation, type Violation, checkConformance, operationById } from './conformance.ts';
import { FIXTURE_BACKUPS, FIXTURE_OTHER_PROJECT, FIXTURE_PROJECT, POOL_PROJECT, TOKEN_ROLES, type TokenName, UNDELETABLE_BACKUPS } from './fixtures.ts';
import { invalidValue, undeclaredQueryName, validValue } from './arbitraries.ts';
import { type ContractRequest, type Reply, type SendOptions, describeRequest, send } from './send.ts';

export const REPLY_CHECKS = ['server-error', 'status', 'schema', 'headers', 'negative-data', 'missing-token', 'authorization'] as const;
export type ReplyCheck = (typeof REPLY_CHECKS)[number];

type TokenKind = TokenName | 'unknown' | 'empty' | 'missing';
// Mostly tokens that may act, so that many requests get past authentication.
const TOKEN_WEIGHTS: Record<TokenKind, number> = {
  member: 4, admin: 2, reader: 3, 'other-project': 1, 'pool-member': 1, 'pool-admin': 1, expired: 1, unknown: 1, empty: 1, missing: 1,
};

interface GeneratedRequest {
  operationId: string;
  request: ContractRequest;
  token: TokenKind;
  /** The project_id in the path, as sent. */
  project: string;
  /** What in the request the spec rejects (empty for a well-formed request). */
  violations: string[];
}

type ParamChoice = { name: string; value: string; valid: boolean };

export interface Finding extends Violation {
  request: ContractRequest;
  reply: Reply;
}

export interface PropertyOptions {
  baseUrl: string;
  seed: number;
  /** How many requests to generate and send. */
  budget: number;
  /** The operations to generate requests for (default: all). */
  operations?: readonly string[];
  tokens: Readonly<Record<TokenName, string>>;
  /** Token names left out of the generation (the target does not hold them). */
  unusableTokens?: ReadonlySet<TokenName>;
  /** Pool backups the generated deletes may delete. */
  poolIds: readonly string[];
  send?: SendOptions;
  /** Every answer, for the coverage table. */
  onReply?: (operation: SpecOperation, reply: Reply) => void;
}

export interface PropertyResult {
  sent: number;
  /** How many requests each check applied to. */
  applicable: Record<ReplyCheck, number>;
  findings: Record<ReplyCheck, Finding[]>;
  kinds: { negative: number; missingToken: number; ok2xx: number };
  tokensLeftOut: TokenName[];
}

/** Real ids and names of the fixtures, by parameter; for DELETE only backups no correct target deletes, and the run's pool picks. */
function knownValues(operation: SpecOperation, poolIds: readonly string[]): Record<string, readonly string[]> {
  const readable = [...FIXTURE_BACKUPS.available, FIXTURE_BACKUPS.error, ...Object.values(FIXTURE_BACKUPS.busy), FIXTURE_BACKUPS.registeredAsImage, FIXTURE_BACKUPS.otherProject, FIXTURE_BACKUPS.absent, ...poolIds.slice(0, 2)];
  return {
    project_id: [FIXTURE_PROJECT, FIXTURE_PROJECT, FIXTURE_OTHER_PROJECT, POOL_PROJECT],
    backup_id: operation.method === 'DELETE' ? [...UNDELETABLE_BACKUPS, FIXTURE_BACKUPS.absent, ...poolIds] : readable,
    marker: [...FIXTURE_BACKUPS.available, FIXTURE_BACKUPS.registeredAsImage, FIXTURE_BACKUPS.absent],
    vault_id: ['4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
    name: ['web', 'nightly', 'golden-image-11', 'verify-pool'],
  };
}

/** Undefined most of the time, a value in about one request in twelve. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 11, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

function requestFor(operation: SpecOperation, options: PropertyOptions, tokenKind: fc.Arbitrary<TokenKind>): fc.Arbitrary<GeneratedRequest> {
  const known = knownValues(operation, options.poolIds);
  const choice = (parameter: SpecOperation['parameters'][number]): fc.Arbitrary<ParamChoice> =>
    fc.oneof(
      { weight: 9, arbitrary: validValue(parameter, known[parameter.name]).map((value) => ({ name: parameter.name, value, valid: true })) },
      { weight: 1, arbitrary: invalidValue(parameter).map((value) => ({ name: parameter.name, value, valid: false })) },
    );
  const pathParams = operation.parameters.filter((p) => p.in === 'path').map(choice);
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const queryChoices = new Map(queryParams.map((p) => [p, choice(p)]));
  return fc
    .record({
      path: fc.tuple(...pathParams),
      query: fc.subarray(queryParams, { maxLength: Math.min(4, queryParams.length) }).chain((chosen) => fc.tuple(...chosen.map((p) => queryChoices.get(p)!))),
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
      const tokenValue = token === 'unknown' ? 'not-a-known-token' : token === 'empty' ? '' : token === 'missing' ? null : options.tokens[token];
      const request: ContractRequest = {
        method: operation.method,
        path: url,
        query: queryValues,
        token: tokenValue,
        ...(body === undefined || body === '' ? {} : { body }),
      };
      const project = path.find((p) => p.name === 'project_id')?.value ?? '';
      return { operationId: operation.id, request, token, project, violations };
    });
}

/** The contract's order of checks decides what a request must get, where it decides at all. */
function expectedAnswer(generated: GeneratedRequest): { check: ReplyCheck; status: number; errorCode: string; why: string } | undefined {
  const { token } = generated;
  if (generated.violations.length > 0) return { check: 'negative-data', status: 400, errorCode: 'CSBS.9001', why: `negative data: ${generated.violations.join(', ')}` };
  if (token === 'missing' || token === 'empty') return { check: 'missing-token', status: 401, errorCode: 'APIGW.0301', why: 'missing required header X-Auth-Token' };
  if (token === 'unknown' || token === 'expired') return { check: 'authorization', status: 401, errorCode: 'APIGW.0301', why: `${token} token` };
  if (TOKEN_ROLES[token].project !== generated.project) return { check: 'authorization', status: 403, errorCode: 'APIGW.0302', why: `a ${token} token on project ${generated.project}` };
  const mayDelete = TOKEN_ROLES[token].roles.some((role) => role === 'member' || role === 'admin');
  if (generated.request.method === 'DELETE' && !mayDelete) return { check: 'authorization', status: 403, errorCode: 'APIGW.0302', why: `a ${token} token on DELETE` };
  return undefined;
}

const errorCodeOf = (reply: Reply) => (typeof reply.body?.error_code === 'string' ? reply.body.error_code : 'no error_code');

/** Where the rule an expected answer comes from is written: the operation's response for that status. */
function ruleAt(operation: SpecOperation, status: number): string {
  return operation.responses[String(status)]?.pointer ?? `${operation.pointer}/responses`;
}

export async function runProperties(options: PropertyOptions): Promise<PropertyResult> {
  const unusable = options.unusableTokens ?? new Set<TokenName>();
  const kinds = (Object.entries(TOKEN_WEIGHTS) as [TokenKind, number][]).filter(([kind]) => !unusable.has(kind as TokenName));
  const tokenKind = fc.oneof(...kinds.map(([kind, weight]) => ({ weight, arbitrary: fc.constant(kind) })));
  const operations = OPERATIONS.filter((op) => options.operations === undefined || options.operations.includes(op.id));
  const result: PropertyResult = {
    sent: 0,
    applicable: Object.fromEntries(REPLY_CHECKS.map((c) => [c, 0])) as Record<ReplyCheck, number>,
    findings: Object.fromEntries(REPLY_CHECKS.map((c) => [c, []])) as unknown as Record<ReplyCheck, Finding[]>,
    kinds: { negative: 0, missingToken: 0, ok2xx: 0 },
    tokensLeftOut: [...unusable],
  };
  if (operations.length === 0 || options.budget <= 0) return result;
  const requests = fc.sample(fc.oneof(...operations.map((op) => requestFor(op, options, tokenKind))), { seed: options.seed, numRuns: options.budget });

  for (const generated of requests) {
    const operation = operationById(generated.operationId);
    const reply = await send(options.baseUrl, generated.request, options.send);
    result.sent += 1;
    options.onReply?.(operation, reply);
    if (generated.violations.length > 0) result.kinds.negative += 1;
    else if (generated.token === 'missing' || generated.token === 'empty') result.kinds.missingToken += 1;
    if (reply.status >= 200 && reply.status < 300) result.kinds.ok2xx += 1;

    const record = (violation: Violation) => result.findings[violation.check as ReplyCheck].push({ ...violation, request: generated.request, reply });
    for (const check of ['server-error', 'status', 'schema', 'headers'] as const) result.applicable[check] += 1;
    if (reply.status >= 500 || reply.status === 0) {
      record({ check: 'server-error', message: `not a server error: got ${reply.status === 0 ? reply.error : `${reply.status} ${reply.text.slice(0, 200)}`}`, at: ruleAt(operation, 500) });
    }
    if (reply.status !== 0) for (const violation of checkConformance(operation, reply)) record(violation);
    const expected = expectedAnswer(generated);
    if (expected !== undefined) {
      result.applicable[expected.check] += 1;
      if (reply.status !== expected.status || reply.body?.error_code !== expected.errorCode) {
        record({ check: expected.check, message: `${expected.why}: expected ${expected.status} ${expected.errorCode}, got ${reply.status} ${errorCodeOf(reply)}`, at: ruleAt(operation, expected.status) });
      }
    }
  }
  return result;
}

export interface UseAfterFreeOptions {
  baseUrl: string;
  seed: number;
  /** Available pool backups, one a round. */
  poolIds: readonly string[];
  tokens: Readonly<Record<TokenName, string>>;
  send?: SendOptions;
  onReply?: (operation: SpecOperation, reply: Reply) => void;
}

/** Use after free, one round a pool backup: delete it (204), then delete and show it again, and list. */
export async function runUseAfterFree(options: UseAfterFreeOptions): Promise<{ rounds: number; findings: Finding[] }> {
  const deleteOp = operationById('deleteBackup');
  const showOp = operationById('showBackup');
  const findings: Finding[] = [];
  const plans = fc.sample(fc.tuple(fc.constantFrom<TokenName>('pool-member', 'pool-admin'), fc.boolean()), { seed: options.seed, numRuns: options.poolIds.length });
  const exchange = (request: ContractRequest) => send(options.baseUrl, request, options.send);
  let rounds = 0;
  for (const [index, id] of options.poolIds.entries()) {
    const [tokenName, showFirst] = plans[index]!;
    rounds += 1;
    const path = `/v3/${POOL_PROJECT}/backups/${id}`;
    const remove: ContractRequest = { method: 'DELETE', path, token: options.tokens[tokenName] };
    const show: ContractRequest = { method: 'GET', path, token: options.tokens['pool-member'] };
    const fail = (request: ContractRequest, reply: Reply, message: string, at: string) => findings.push({ check: 'use-after-free', message, at, request, reply });

    const first = await exchange(remove);
    options.onReply?.(deleteOp, first);
    if (first.status !== 204) {
      fail(remove, first, `first delete of pool backup ${id}: expected 204, got ${first.status === 0 ? first.error : `${first.status} ${first.text.slice(0, 200)}`}`, ruleAt(deleteOp, 204));
      continue;
    }
    for (const violation of checkConformance(deleteOp, first)) fail(remove, first, `first delete: ${violation.message}`, violation.at ?? ruleAt(deleteOp, 204));
    for (const request of showFirst ? [show, remove] : [remove, show]) {
      const isShow = request.method === 'GET';
      const operation = isShow ? showOp : deleteOp;
      const reply = await exchange(request);
      options.onReply?.(operation, reply);
      const status = isShow ? 404 : 400;
      if (reply.status !== status || reply.body?.error_code !== 'CSBS.3001') {
        fail(request, reply, `${describeRequest(request)} after the delete: expected ${status} CSBS.3001, got ${reply.status} ${errorCodeOf(reply)}`, ruleAt(operation, status));
      }
      for (const violation of checkConformance(operation, reply)) fail(request, reply, violation.message, violation.at ?? ruleAt(operation, status));
    }
    const name = `verify-pool-${id.slice(-4)}`;
    const listRequest: ContractRequest = { method: 'GET', path: `/v3/${POOL_PROJECT}/backups`, query: { name }, token: options.tokens['pool-member'] };
    const list = await exchange(listRequest);
    options.onReply?.(operationById('listBackups'), list);
    if (!Array.isArray(list.body?.backups)) fail(listRequest, list, `the list after the delete: no list of backups (status ${list.status})`, ruleAt(operationById('listBackups'), 200));
    else if (list.body.backups.some((b: { id?: unknown }) => b.id === id)) fail(listRequest, list, `${id} is still listed after its delete`, ruleAt(deleteOp, 204));
  }
  return { rounds, findings };
}
