// The contract scenarios, as data: a request in, the status and error code (and, for reads,
// the backups) out, against the published fixtures (fixtures.ts). The same list runs against
// an implementation, against it behind Prism's validation proxy, and against the Prism mock.
//
// What each target can honour is part of the data:
// - mock: `itself` when Prism derives the answer from the request (validation, security);
//   `prefer` when the request carries `Prefer: code=..., example=...` because only the
//   server's state or token store could decide (Prism knows no backups and no tokens);
//   `statusOnly` when the mock answers with the right status and a valid body but cannot
//   compute the content (list filters: Prism serves the named example whatever the query);
//   `cannot` with the answer Prism gives instead, when the spec cannot express the case.
// - proxy: honoured unless `cannot` says what Prism answers itself without asking the server.
//
// The scenarios run in this order; the reads come first and the deletes of pool backups last.
// Refusals that a faulty target could turn into a deletion are aimed at a backup that cannot
// be deleted (busy), so a wrong answer shows without costing a fixed backup.
import { FIXTURE_BACKUPS, FIXTURE_OTHER_PROJECT, FIXTURE_PROJECT, POOL_PROJECT, type TokenName, fixedFixtureBackups } from './fixtures.ts';
import type { ContractRequest } from './send.ts';

export interface Expected {
  status: number;
  errorCode?: string;
  /** listBackups: the ids of the page, in order. */
  backupIds?: readonly string[];
  /** listBackups: the total that matches. */
  count?: number;
  /** showBackup: the id of the backup shown. */
  backupId?: string;
}

/** What a target answers instead, when it cannot honour a scenario. */
export interface Deviation {
  cannot: string;
  answers: { status: number; contentType: string };
}

export type MockPlan =
  | { itself: true }
  | { prefer: string; why?: string }
  | { statusOnly: string; prefer?: string }
  | Deviation;

export interface Scenario {
  name: string;
  /** The operation the request is for; undefined when the spec has none (unknown path, wrong method). */
  operation: string | undefined;
  request: ContractRequest;
  expect: Expected;
  mock: MockPlan;
  proxy?: Deviation;
  /**
   * What the target must hold for the scenario to mean anything: `token:NAME` (the token is
   * accepted), `backup:ID` (the fixed backup is there as published), `list:PROJECT` (all the
   * project's fixed backups are), `pool:ROLE` (a pool backup was picked for it), `access-key`.
   */
  needs: string[];
}

/** The pool backups one pass of the scenarios deletes. */
export interface PoolPicks {
  /** An available backup, deleted by the pool's member. */
  byMember?: string;
  /** A backup in error, deleted by the pool's admin. */
  byAdmin?: string;
  /** An available backup, deleted with a signed request (when there is an access key). */
  signed?: string;
}

export interface ScenarioContext {
  tokens: Readonly<Record<TokenName, string>>;
  pool: PoolPicks;
  /** Whether the run has an access key: the AK/SK scenarios are part of the list only then. */
  signing: boolean;
  /** The Prism mock: answers it can be asked for (a 500) that no implementation gives on request. */
  mock: boolean;
}

const P = FIXTURE_PROJECT;
const backup = (id: string, project: string = P) => `/v3/${project}/backups/${id}`;
const backups = (project: string = P) => `/v3/${project}/backups`;
const id = (n: number) => `3f6c1e2a-7d4b-4c1e-9a5f-${String(n).padStart(12, '0')}`;
/** The fixture project's backups, newest first (the default order, created_at:desc). */
const NEWEST_FIRST = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(id);
/** Where the refusals of deleteBackup are aimed: deleting it could never succeed. */
const REFUSED = FIXTURE_BACKUPS.busy.protecting;
/** Stands for a pool backup when none was picked (the scenario is then skipped). */
const NO_POOL_BACKUP = '00000000-0000-4000-8000-000000000000';

// Prism answers these requests itself, before the operation is known or the server asked.
const NO_PATH: Deviation = {
  cannot: 'Prism answers an unknown path itself with 404 application/problem+json (NO_PATH_MATCHED_ERROR), not the error envelope: the spec has no operation to describe it',
  answers: { status: 404, contentType: 'application/problem+json' },
};
const NO_METHOD: Deviation = {
  cannot: 'Prism answers an undeclared method itself with 405 application/problem+json (NO_METHOD_MATCHED_ERROR) and no Allow header, not the error envelope',
  answers: { status: 405, contentType: 'application/problem+json' },
};
const PROXY_NO_TOKEN: Deviation = {
  cannot: 'Prism checks the security schemes before forwarding and answers a missing or empty token itself with 401 application/problem+json; the server never sees the request',
  answers: { status: 401, contentType: 'application/problem+json' },
};
const MOCK_ACCEPTS_UNKNOWN_QUERY = 'Prism ignores query parameters the spec does not declare, so without Prefer it answers as if they were absent';

const FIXED_IDS = new Set(fixedFixtureBackups().map((b) => b.id));
/** Answers that depend on what the store holds (not only on the request and the token). */
const STATEFUL_CODES = new Set(['CSBS.2003', '6201']);

/** The fixtures a scenario depends on, from its request and its expected answer. */
function needsOf(scenario: Omit<Scenario, 'needs'>, tokens: ScenarioContext['tokens'], extra: readonly string[]): string[] {
  const needs = new Set(extra);
  const { request, expect } = scenario;
  // A 401 is about the token itself, and a malformed request is refused before any token is looked at.
  const beforeAuth = expect.status === 401 || (expect.status === 400 && expect.errorCode === 'CSBS.9001');
  const tokenName = (Object.entries(tokens) as [TokenName, string][]).find(([, value]) => value === request.token)?.[0];
  if (tokenName !== undefined && !beforeAuth) needs.add(`token:${tokenName}`);
  if (request.sign !== undefined) needs.add('access-key');
  const backupId = /\/backups\/([^/?]+)/.exec(request.path)?.[1];
  if (backupId !== undefined && FIXED_IDS.has(backupId) && (expect.status === 200 || expect.status === 204 || STATEFUL_CODES.has(expect.errorCode ?? ''))) {
    needs.add(`backup:${backupId}`);
  }
  if (scenario.operation === 'listBackups' && expect.status === 200 && expect.backupIds !== undefined) {
    needs.add(`list:${/^\/v3\/([^/]+)\//.exec(request.path)?.[1] ?? ''}`);
  }
  return [...needs];
}

export function buildScenarios(context: ScenarioContext): Scenario[] {
  const T = context.tokens;
  const get = (path: string, token: string | null = T.reader, query?: Record<string, string>): ContractRequest => ({ method: 'GET', path, token, ...(query === undefined ? {} : { query }) });
  const del = (path: string, token: string | null = T.member, extra: Partial<ContractRequest> = {}): ContractRequest => ({ method: 'DELETE', path, token, ...extra });
  const pool = (role: keyof PoolPicks) => context.pool[role] ?? NO_POOL_BACKUP;

  type Draft = Omit<Scenario, 'needs'> & { uses?: string[] };
  const busy: Draft[] = Object.entries(FIXTURE_BACKUPS.busy).map(([status, backupId]) => ({
    name: `deleteBackup: a ${status} backup is busy`,
    operation: 'deleteBackup',
    request: del(backup(backupId)),
    expect: { status: 400, errorCode: 'CSBS.2003' },
    mock: { prefer: 'code=400, example=backupRunning' },
  }));

  const signedReads: Draft[] = !context.signing ? [] : [
    { name: 'showBackup: a request signed with an access key (AK/SK)', operation: 'showBackup', request: { method: 'GET', path: backup(pool('signed'), POOL_PROJECT), token: null, sign: 'valid' }, expect: { status: 200, backupId: pool('signed') }, mock: { statusOnly: 'the mock shows the availableBackup example whatever the id' }, uses: ['pool:signed'] },
    { name: 'listBackups: a request signed with an access key (AK/SK)', operation: 'listBackups', request: { method: 'GET', path: backups(POOL_PROJECT), query: { limit: '1' }, token: null, sign: 'valid' }, expect: { status: 200 }, mock: { itself: true } },
    { name: 'deleteBackup: a signature that does not match the request is 401 APIGW.0301', operation: 'deleteBackup', request: del(backup(REFUSED), null, { sign: 'tampered' }), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
  ];
  const signedDelete: Draft[] = !context.signing ? [] : [
    { name: 'deleteBackup: a backup deleted with a signed request (AK/SK)', operation: 'deleteBackup', request: del(backup(pool('signed'), POOL_PROJECT), null, { sign: 'valid' }), expect: { status: 204 }, mock: { itself: true }, uses: ['pool:signed'] },
  ];
  // Only the mock can be asked for the service's failure; an implementation gives it when its
  // store fails, which no request can arrange from outside.
  const internalErrors: Draft[] = !context.mock ? [] : [
    { name: 'listBackups: the service failed (the mock, asked with Prefer)', operation: 'listBackups', request: get(backups()), expect: { status: 500, errorCode: 'CSBS.9998' }, mock: { prefer: 'code=500' } },
    { name: 'showBackup: the service failed (the mock, asked with Prefer)', operation: 'showBackup', request: get(backup(id(1))), expect: { status: 500, errorCode: 'CSBS.9998' }, mock: { prefer: 'code=500' } },
    { name: 'deleteBackup: the service failed (the mock, asked with Prefer)', operation: 'deleteBackup', request: del(backup(REFUSED)), expect: { status: 500, errorCode: 'CSBS.9998' }, mock: { prefer: 'code=500' } },
  ];

  const drafts: Draft[] = [
    // showBackup
    { name: 'showBackup: an available backup', operation: 'showBackup', request: get(backup(id(1))), expect: { status: 200, backupId: id(1) }, mock: { itself: true } },
    { name: 'showBackup: a member may read too', operation: 'showBackup', request: get(backup(FIXTURE_BACKUPS.registeredAsImage), T.member), expect: { status: 200, backupId: FIXTURE_BACKUPS.registeredAsImage }, mock: { statusOnly: 'the mock shows the availableBackup example whatever the id' } },
    { name: 'showBackup: no such backup is 404 CSBS.3001', operation: 'showBackup', request: get(backup(FIXTURE_BACKUPS.absent)), expect: { status: 404, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=404' } },
    { name: "showBackup: another project's backup looks absent", operation: 'showBackup', request: get(backup(FIXTURE_BACKUPS.otherProject)), expect: { status: 404, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=404' }, uses: [`backup:${FIXTURE_BACKUPS.otherProject}`] },
    { name: 'showBackup: malformed backup id', operation: 'showBackup', request: get(backup('not-a-backup-id')), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
    { name: 'showBackup: malformed project id', operation: 'showBackup', request: get(backup(id(1), P.toUpperCase())), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
    { name: 'showBackup: unknown query parameter', operation: 'showBackup', request: get(backup(id(1)), T.reader, { verbose: 'true' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400', why: MOCK_ACCEPTS_UNKNOWN_QUERY } },
    { name: 'showBackup: missing token', operation: 'showBackup', request: get(backup(id(1)), null), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { itself: true }, proxy: PROXY_NO_TOKEN },
    { name: 'showBackup: unknown token', operation: 'showBackup', request: get(backup(id(1)), 'no-such-token'), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
    { name: 'showBackup: expired token', operation: 'showBackup', request: get(backup(id(1)), T.expired), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
    { name: 'showBackup: token of another project', operation: 'showBackup', request: get(backup(id(1)), T['other-project']), expect: { status: 403, errorCode: 'APIGW.0302' }, mock: { prefer: 'code=403' } },

    // listBackups
    { name: 'listBackups: every backup of the project, newest first', operation: 'listBackups', request: get(backups()), expect: { status: 200, backupIds: NEWEST_FIRST, count: 11 }, mock: { statusOnly: 'the mock serves the backupsPage example (5 backups) whatever the data' } },
    { name: 'listBackups: filter by status', operation: 'listBackups', request: get(backups(), T.reader, { status: 'protecting' }), expect: { status: 200, backupIds: [FIXTURE_BACKUPS.busy.protecting], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: filter by resource type', operation: 'listBackups', request: get(backups(), T.reader, { resource_type: 'OS::Cinder::Volume' }), expect: { status: 200, backupIds: [id(3)], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: filter by name', operation: 'listBackups', request: get(backups(), T.reader, { name: 'golden' }), expect: { status: 200, backupIds: [FIXTURE_BACKUPS.registeredAsImage], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: a page of two with the total', operation: 'listBackups', request: get(backups(), T.reader, { limit: '2' }), expect: { status: 200, backupIds: NEWEST_FIRST.slice(0, 2), count: 11 }, mock: { statusOnly: 'the mock does not page' } },
    { name: 'listBackups: sorted by name, after a marker', operation: 'listBackups', request: get(backups(), T.reader, { sort: 'name:asc', limit: '1', marker: FIXTURE_BACKUPS.busy.deleting }), expect: { status: 200, backupIds: [FIXTURE_BACKUPS.error], count: 11 }, mock: { statusOnly: 'the mock does not sort or page' } },
    { name: 'listBackups: several statuses (the parameter repeated)', operation: 'listBackups', request: get(`${backups()}?status=error&status=protecting`), expect: { status: 200, backupIds: [FIXTURE_BACKUPS.busy.protecting, FIXTURE_BACKUPS.error], count: 2 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: filter by resource name', operation: 'listBackups', request: get(backups(), T.reader, { resource_name: 'evs-data-03' }), expect: { status: 200, backupIds: [id(3)], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: filter by availability zone', operation: 'listBackups', request: get(backups(), T.reader, { resource_az: 'az2.dc1' }), expect: { status: 200, backupIds: [FIXTURE_BACKUPS.error], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: filter by restore point', operation: 'listBackups', request: get(backups(), T.reader, { checkpoint_id: 'c0d1e2f3-a4b5-4c6d-8e7f-000000000003' }), expect: { status: 200, backupIds: [id(3)], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: filter by parent, and incremental backups', operation: 'listBackups', request: get(backups(), T.reader, { parent_id: id(1), incremental: 'true' }), expect: { status: 200, backupIds: [id(2)], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: full backups only', operation: 'listBackups', request: get(backups(), T.reader, { incremental: 'false', enterprise_project_id: '0' }), expect: { status: 200, backupIds: NEWEST_FIRST.filter((b) => b !== id(2)), count: 10 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: created within a time window, both ends in', operation: 'listBackups', request: get(backups(), T.reader, { start_time: '2026-11-12T08:02:12Z', end_time: '2026-11-14T08:04:12Z' }), expect: { status: 200, backupIds: [FIXTURE_BACKUPS.error, id(3), id(2)], count: 3 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: replicas only when asked (none here)', operation: 'listBackups', request: get(backups(), T.reader, { image_type: 'replication', show_replication: 'true' }), expect: { status: 200, backupIds: [], count: 0 }, mock: { prefer: 'example=emptyPage' } },
    { name: 'listBackups: show_replication lists the backups too', operation: 'listBackups', request: get(backups(), T.reader, { show_replication: 'true', image_type: 'backup', limit: '3' }), expect: { status: 200, backupIds: NEWEST_FIRST.slice(0, 3), count: 11 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: backups shared by other projects (none are kept)', operation: 'listBackups', request: get(backups(), T.reader, { own_type: 'shared' }), expect: { status: 200, backupIds: [], count: 0 }, mock: { prefer: 'example=emptyPage' } },
    { name: 'listBackups: own and shared backups are the own ones', operation: 'listBackups', request: get(backups(), T.reader, { own_type: 'all_granted', used_percent: '80', dec: 'false' }), expect: { status: 200, backupIds: NEWEST_FIRST, count: 11 }, mock: { statusOnly: 'the mock does not filter' } },
    { name: 'listBackups: sharing states and dedicated clouds match nothing here', operation: 'listBackups', request: get(backups(), T.reader, { member_status: 'accepted', dec: 'true' }), expect: { status: 200, backupIds: [], count: 0 }, mock: { prefer: 'example=emptyPage' } },
    { name: 'listBackups: sorted by several keys, with offset', operation: 'listBackups', request: get(backups(), T.reader, { sort: 'status:asc,created_at:asc', limit: '2', offset: '1' }), expect: { status: 200, backupIds: [id(2), id(3)], count: 11 }, mock: { statusOnly: 'the mock does not sort or page' } },
    { name: 'listBackups: an impossible time is refused', operation: 'listBackups', request: get(backups(), T.reader, { start_time: '2026-13-01T00:00:00Z' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
    { name: 'listBackups: a filter that matches nothing', operation: 'listBackups', request: get(backups(), T.reader, { vault_id: FIXTURE_BACKUPS.absent }), expect: { status: 200, backupIds: [], count: 0 }, mock: { prefer: 'example=emptyPage' } },
    { name: 'listBackups: invalid filter value', operation: 'listBackups', request: get(backups(), T.reader, { status: 'finished' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
    { name: 'listBackups: limit out of range', operation: 'listBackups', request: get(backups(), T.reader, { limit: '0' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
    { name: 'listBackups: unknown query parameter', operation: 'listBackups', request: get(backups(), T.reader, { owner: 'me' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400', why: MOCK_ACCEPTS_UNKNOWN_QUERY } },
    { name: 'listBackups: unknown marker', operation: 'listBackups', request: get(backups(), T.reader, { marker: FIXTURE_BACKUPS.absent }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400' }, uses: ['token:reader'] },
    { name: 'listBackups: malformed project id', operation: 'listBackups', request: get(backups('my-project')), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
    { name: 'listBackups: missing token', operation: 'listBackups', request: get(backups(), null), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { itself: true }, proxy: PROXY_NO_TOKEN },
    { name: 'listBackups: expired token', operation: 'listBackups', request: get(backups(), T.expired), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
    { name: 'listBackups: token of another project', operation: 'listBackups', request: get(backups(), T['other-project']), expect: { status: 403, errorCode: 'APIGW.0302' }, mock: { prefer: 'code=403' } },
    ...signedReads,

    // deleteBackup, errors first: none of them changes the store
    { name: 'deleteBackup: no such backup is 400 CSBS.3001', operation: 'deleteBackup', request: del(backup(FIXTURE_BACKUPS.absent)), expect: { status: 400, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=400, example=backupNotFound' } },
    { name: "deleteBackup: another project's backup looks absent", operation: 'deleteBackup', request: del(backup(FIXTURE_BACKUPS.otherProject)), expect: { status: 400, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=400, example=backupNotFound' }, uses: [`backup:${FIXTURE_BACKUPS.otherProject}`] },
    ...busy,
    { name: 'deleteBackup: a backup registered as an image may not be deleted', operation: 'deleteBackup', request: del(backup(FIXTURE_BACKUPS.registeredAsImage)), expect: { status: 400, errorCode: '6201' }, mock: { prefer: 'code=400, example=backupCannotBeDeleted' } },
    { name: 'deleteBackup: malformed backup id', operation: 'deleteBackup', request: del(backup(REFUSED.toUpperCase())), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400, example=invalidParameter', why: 'Prism rejects the id itself but serves the first 400 example (backupNotFound) unless told which' } },
    { name: 'deleteBackup: malformed project id', operation: 'deleteBackup', request: del(backup(REFUSED, 'not-a-project')), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400, example=invalidParameter', why: 'as for a malformed backup id' } },
    { name: 'deleteBackup: unknown query parameter', operation: 'deleteBackup', request: del(backup(REFUSED), T.member, { query: { force: 'true' } }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400, example=invalidParameter', why: MOCK_ACCEPTS_UNKNOWN_QUERY } },
    { name: 'deleteBackup: a request body', operation: 'deleteBackup', request: del(backup(REFUSED), T.member, { body: '{"force":true}' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400, example=invalidParameter', why: 'Prism rejects the body itself but serves the first 400 example unless told which' } },
    { name: 'deleteBackup: missing token', operation: 'deleteBackup', request: del(backup(REFUSED), null), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { itself: true }, proxy: PROXY_NO_TOKEN },
    { name: 'deleteBackup: empty token', operation: 'deleteBackup', request: del(backup(REFUSED), ''), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { itself: true }, proxy: PROXY_NO_TOKEN },
    { name: 'deleteBackup: unknown token', operation: 'deleteBackup', request: del(backup(REFUSED), 'no-such-token'), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
    { name: 'deleteBackup: expired token', operation: 'deleteBackup', request: del(backup(REFUSED), T.expired), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
    { name: 'deleteBackup: token of another project', operation: 'deleteBackup', request: del(backup(REFUSED), T['other-project']), expect: { status: 403, errorCode: 'APIGW.0302' }, mock: { prefer: 'code=403' } },
    { name: 'deleteBackup: a reader may not delete', operation: 'deleteBackup', request: del(backup(REFUSED), T.reader), expect: { status: 403, errorCode: 'APIGW.0302' }, mock: { prefer: 'code=403' } },
    { name: 'deleteBackup: token of the other project on its own project, absent backup', operation: 'deleteBackup', request: del(backup(FIXTURE_BACKUPS.absent, FIXTURE_OTHER_PROJECT), T['other-project']), expect: { status: 400, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=400, example=backupNotFound' } },
    ...internalErrors,

    // no operation
    { name: 'unknown path is 404 APIGW.0101', operation: undefined, request: get(`/v3/${P}/vaults`), expect: { status: 404, errorCode: 'APIGW.0101' }, mock: NO_PATH, proxy: NO_PATH },
    { name: 'wrong method on a backup is 405 APIGW.0101', operation: undefined, request: { method: 'PUT', path: backup(REFUSED), token: T.member }, expect: { status: 405, errorCode: 'APIGW.0101' }, mock: NO_METHOD, proxy: NO_METHOD },
    { name: 'wrong method on the list is 405 APIGW.0101', operation: undefined, request: { method: 'POST', path: backups(), token: T.member }, expect: { status: 405, errorCode: 'APIGW.0101' }, mock: NO_METHOD, proxy: NO_METHOD },

    // deleteBackup successes last: they delete pool backups
    { name: 'deleteBackup: an available backup is deleted', operation: 'deleteBackup', request: del(backup(pool('byMember'), POOL_PROJECT), T['pool-member']), expect: { status: 204 }, mock: { itself: true }, uses: ['pool:byMember'] },
    { name: 'deleteBackup: a backup in error is deleted by an admin', operation: 'deleteBackup', request: del(backup(pool('byAdmin'), POOL_PROJECT), T['pool-admin']), expect: { status: 204 }, mock: { itself: true }, uses: ['pool:byAdmin'] },
    ...signedDelete,
  ];
  return drafts.map(({ uses, ...draft }) => ({ ...draft, needs: needsOf(draft, T, uses ?? []) }));
}
