// The contract scenarios, as data: a request in, the status and error code (and, for reads,
// the backups) out. The same list runs against the Prism mock, the real server, and the real
// server behind Prism's validation proxy (see run-scenarios.ts).
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
// The scenarios run in this order against one fresh server per target; the reads come first
// and the two that delete come last, so the expected lists hold.
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT, DEMO_TOKENS } from '../../../server/demo/demo.ts';
import type { ErrorCode, OperationId } from '../../../server/contract/types.ts';
import type { ContractRequest } from './send.ts';

export interface Expected {
  status: number;
  errorCode?: ErrorCode;
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
  operation: OperationId | undefined;
  request: ContractRequest;
  expect: Expected;
  mock: MockPlan;
  proxy?: Deviation;
}

const P = DEMO_PROJECT;
const backup = (id: string, project: string = P) => `/v3/${project}/backups/${id}`;
const backups = (project: string = P) => `/v3/${project}/backups`;
const id = (n: number) => `3f6c1e2a-7d4b-4c1e-9a5f-${String(n).padStart(12, '0')}`;
/** The demo project's backups, newest first (the default order, created_at:desc). */
const NEWEST_FIRST = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(id);

const get = (path: string, token: string | null = DEMO_TOKENS.reader, query?: Record<string, string>): ContractRequest => ({ method: 'GET', path, token, ...(query === undefined ? {} : { query }) });
const del = (path: string, token: string | null = DEMO_TOKENS.member, extra: Partial<ContractRequest> = {}): ContractRequest => ({ method: 'DELETE', path, token, ...extra });

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
  cannot: 'Prism checks the IamToken security scheme before forwarding and answers a missing or empty token itself with 401 application/problem+json; the server never sees the request',
  answers: { status: 401, contentType: 'application/problem+json' },
};
const MOCK_ACCEPTS_UNKNOWN_QUERY = 'Prism ignores query parameters the spec does not declare, so without Prefer it answers as if they were absent';

const busyScenarios: Scenario[] = Object.entries(DEMO_BACKUPS.busy).map(([status, backupId]) => ({
  name: `deleteBackup: a ${status} backup is busy`,
  operation: 'deleteBackup',
  request: del(backup(backupId)),
  expect: { status: 400, errorCode: 'CSBS.2003' },
  mock: { prefer: 'code=400, example=backupRunning' },
}));

export const SCENARIOS: readonly Scenario[] = [
  // showBackup
  { name: 'showBackup: an available backup', operation: 'showBackup', request: get(backup(id(1))), expect: { status: 200, backupId: id(1) }, mock: { itself: true } },
  { name: 'showBackup: a member may read too', operation: 'showBackup', request: get(backup(DEMO_BACKUPS.registeredAsImage), DEMO_TOKENS.member), expect: { status: 200, backupId: DEMO_BACKUPS.registeredAsImage }, mock: { statusOnly: 'the mock shows the availableBackup example whatever the id' } },
  { name: 'showBackup: no such backup is 404 CSBS.3001', operation: 'showBackup', request: get(backup(DEMO_BACKUPS.absent)), expect: { status: 404, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=404' } },
  { name: "showBackup: another project's backup looks absent", operation: 'showBackup', request: get(backup(DEMO_BACKUPS.otherProject)), expect: { status: 404, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=404' } },
  { name: 'showBackup: malformed backup id', operation: 'showBackup', request: get(backup('not-a-backup-id')), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
  { name: 'showBackup: malformed project id', operation: 'showBackup', request: get(backup(id(1), P.toUpperCase())), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
  { name: 'showBackup: unknown query parameter', operation: 'showBackup', request: get(backup(id(1)), DEMO_TOKENS.reader, { verbose: 'true' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400', why: MOCK_ACCEPTS_UNKNOWN_QUERY } },
  { name: 'showBackup: missing token', operation: 'showBackup', request: get(backup(id(1)), null), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { itself: true }, proxy: PROXY_NO_TOKEN },
  { name: 'showBackup: unknown token', operation: 'showBackup', request: get(backup(id(1)), 'no-such-token'), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
  { name: 'showBackup: expired token', operation: 'showBackup', request: get(backup(id(1)), DEMO_TOKENS.expired), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
  { name: "showBackup: token of another project", operation: 'showBackup', request: get(backup(id(1)), DEMO_TOKENS.otherProject), expect: { status: 403, errorCode: 'APIGW.0302' }, mock: { prefer: 'code=403' } },

  // listBackups
  { name: 'listBackups: every backup of the project, newest first', operation: 'listBackups', request: get(backups()), expect: { status: 200, backupIds: NEWEST_FIRST, count: 11 }, mock: { statusOnly: 'the mock serves the backupsPage example (5 backups) whatever the data' } },
  { name: 'listBackups: filter by status', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { status: 'protecting' }), expect: { status: 200, backupIds: [DEMO_BACKUPS.busy.protecting], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: filter by resource type', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { resource_type: 'OS::Cinder::Volume' }), expect: { status: 200, backupIds: [id(3)], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: filter by name', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { name: 'golden' }), expect: { status: 200, backupIds: [DEMO_BACKUPS.registeredAsImage], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: a page of two with the total', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { limit: '2' }), expect: { status: 200, backupIds: NEWEST_FIRST.slice(0, 2), count: 11 }, mock: { statusOnly: 'the mock does not page' } },
  { name: 'listBackups: sorted by name, after a marker', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { sort: 'name:asc', limit: '1', marker: DEMO_BACKUPS.busy.deleting }), expect: { status: 200, backupIds: [DEMO_BACKUPS.error], count: 11 }, mock: { statusOnly: 'the mock does not sort or page' } },
  { name: 'listBackups: several statuses (the parameter repeated)', operation: 'listBackups', request: get(`${backups()}?status=error&status=protecting`), expect: { status: 200, backupIds: [DEMO_BACKUPS.busy.protecting, DEMO_BACKUPS.error], count: 2 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: filter by resource name', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { resource_name: 'evs-data-03' }), expect: { status: 200, backupIds: [id(3)], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: filter by availability zone', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { resource_az: 'az2.dc1' }), expect: { status: 200, backupIds: [DEMO_BACKUPS.error], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: filter by restore point', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { checkpoint_id: 'c0d1e2f3-a4b5-4c6d-8e7f-000000000003' }), expect: { status: 200, backupIds: [id(3)], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: filter by parent, and incremental backups', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { parent_id: id(1), incremental: 'true' }), expect: { status: 200, backupIds: [id(2)], count: 1 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: full backups only', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { incremental: 'false', enterprise_project_id: '0' }), expect: { status: 200, backupIds: NEWEST_FIRST.filter((b) => b !== id(2)), count: 10 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: created within a time window, both ends in', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { start_time: '2026-11-12T08:02:12Z', end_time: '2026-11-14T08:04:12Z' }), expect: { status: 200, backupIds: [DEMO_BACKUPS.error, id(3), id(2)], count: 3 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: replicas only when asked (none here)', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { image_type: 'replication', show_replication: 'true' }), expect: { status: 200, backupIds: [], count: 0 }, mock: { prefer: 'example=emptyPage' } },
  { name: 'listBackups: show_replication lists the backups too', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { show_replication: 'true', image_type: 'backup', limit: '3' }), expect: { status: 200, backupIds: NEWEST_FIRST.slice(0, 3), count: 11 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: backups shared by other projects (none are kept)', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { own_type: 'shared' }), expect: { status: 200, backupIds: [], count: 0 }, mock: { prefer: 'example=emptyPage' } },
  { name: 'listBackups: own and shared backups are the own ones', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { own_type: 'all_granted', used_percent: '80', dec: 'false' }), expect: { status: 200, backupIds: NEWEST_FIRST, count: 11 }, mock: { statusOnly: 'the mock does not filter' } },
  { name: 'listBackups: sharing states and dedicated clouds match nothing here', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { member_status: 'accepted', dec: 'true' }), expect: { status: 200, backupIds: [], count: 0 }, mock: { prefer: 'example=emptyPage' } },
  { name: 'listBackups: sorted by several keys, with offset', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { sort: 'status:asc,created_at:asc', limit: '2', offset: '1' }), expect: { status: 200, backupIds: [id(2), id(3)], count: 11 }, mock: { statusOnly: 'the mock does not sort or page' } },
  { name: 'listBackups: an impossible time is refused', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { start_time: '2026-13-01T00:00:00Z' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
  { name: 'listBackups: a filter that matches nothing', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { vault_id: DEMO_BACKUPS.absent }), expect: { status: 200, backupIds: [], count: 0 }, mock: { prefer: 'example=emptyPage' } },
  { name: 'listBackups: invalid filter value', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { status: 'finished' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
  { name: 'listBackups: limit out of range', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { limit: '0' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
  { name: 'listBackups: unknown query parameter', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { owner: 'me' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400', why: MOCK_ACCEPTS_UNKNOWN_QUERY } },
  { name: 'listBackups: unknown marker', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.reader, { marker: DEMO_BACKUPS.absent }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400' } },
  { name: 'listBackups: malformed project id', operation: 'listBackups', request: get(backups('my-project')), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { itself: true } },
  { name: 'listBackups: missing token', operation: 'listBackups', request: get(backups(), null), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { itself: true }, proxy: PROXY_NO_TOKEN },
  { name: 'listBackups: expired token', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.expired), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
  { name: 'listBackups: token of another project', operation: 'listBackups', request: get(backups(), DEMO_TOKENS.otherProject), expect: { status: 403, errorCode: 'APIGW.0302' }, mock: { prefer: 'code=403' } },

  // deleteBackup, errors first: none of them changes the store
  { name: 'deleteBackup: no such backup is 400 CSBS.3001', operation: 'deleteBackup', request: del(backup(DEMO_BACKUPS.absent)), expect: { status: 400, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=400, example=backupNotFound' } },
  { name: "deleteBackup: another project's backup looks absent", operation: 'deleteBackup', request: del(backup(DEMO_BACKUPS.otherProject)), expect: { status: 400, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=400, example=backupNotFound' } },
  ...busyScenarios,
  { name: 'deleteBackup: a backup registered as an image may not be deleted', operation: 'deleteBackup', request: del(backup(DEMO_BACKUPS.registeredAsImage)), expect: { status: 400, errorCode: '6201' }, mock: { prefer: 'code=400, example=backupCannotBeDeleted' } },
  { name: 'deleteBackup: malformed backup id', operation: 'deleteBackup', request: del(backup('3F6C1E2A-7D4B-4C1E-9A5F-000000000001')), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400, example=invalidParameter', why: 'Prism rejects the id itself but serves the first 400 example (backupNotFound) unless told which' } },
  { name: 'deleteBackup: malformed project id', operation: 'deleteBackup', request: del(backup(id(1), 'not-a-project')), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400, example=invalidParameter', why: 'as for a malformed backup id' } },
  { name: 'deleteBackup: unknown query parameter', operation: 'deleteBackup', request: del(backup(id(1)), DEMO_TOKENS.member, { query: { force: 'true' } }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400, example=invalidParameter', why: MOCK_ACCEPTS_UNKNOWN_QUERY } },
  { name: 'deleteBackup: a request body', operation: 'deleteBackup', request: del(backup(id(1)), DEMO_TOKENS.member, { body: '{"force":true}' }), expect: { status: 400, errorCode: 'CSBS.9001' }, mock: { prefer: 'code=400, example=invalidParameter', why: 'Prism rejects the body itself but serves the first 400 example unless told which' } },
  { name: 'deleteBackup: missing token', operation: 'deleteBackup', request: del(backup(id(1)), null), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { itself: true }, proxy: PROXY_NO_TOKEN },
  { name: 'deleteBackup: empty token', operation: 'deleteBackup', request: del(backup(id(1)), ''), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { itself: true }, proxy: PROXY_NO_TOKEN },
  { name: 'deleteBackup: unknown token', operation: 'deleteBackup', request: del(backup(id(1)), 'no-such-token'), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
  { name: 'deleteBackup: expired token', operation: 'deleteBackup', request: del(backup(id(1)), DEMO_TOKENS.expired), expect: { status: 401, errorCode: 'APIGW.0301' }, mock: { prefer: 'code=401' } },
  { name: 'deleteBackup: token of another project', operation: 'deleteBackup', request: del(backup(id(1)), DEMO_TOKENS.otherProject), expect: { status: 403, errorCode: 'APIGW.0302' }, mock: { prefer: 'code=403' } },
  { name: 'deleteBackup: a reader may not delete', operation: 'deleteBackup', request: del(backup(id(1)), DEMO_TOKENS.reader), expect: { status: 403, errorCode: 'APIGW.0302' }, mock: { prefer: 'code=403' } },
  { name: 'deleteBackup: token of the other project on its own project, absent backup', operation: 'deleteBackup', request: del(backup(DEMO_BACKUPS.absent, DEMO_OTHER_PROJECT), DEMO_TOKENS.otherProject), expect: { status: 400, errorCode: 'CSBS.3001' }, mock: { prefer: 'code=400, example=backupNotFound' } },

  // no operation
  { name: 'unknown path is 404 APIGW.0101', operation: undefined, request: get(`/v3/${P}/vaults`), expect: { status: 404, errorCode: 'APIGW.0101' }, mock: NO_PATH, proxy: NO_PATH },
  { name: 'wrong method on a backup is 405 APIGW.0101', operation: undefined, request: { method: 'PUT', path: backup(id(1)), token: DEMO_TOKENS.member }, expect: { status: 405, errorCode: 'APIGW.0101' }, mock: NO_METHOD, proxy: NO_METHOD },
  { name: 'wrong method on the list is 405 APIGW.0101', operation: undefined, request: { method: 'POST', path: backups(), token: DEMO_TOKENS.member }, expect: { status: 405, errorCode: 'APIGW.0101' }, mock: NO_METHOD, proxy: NO_METHOD },

  // deleteBackup successes last: they change the store
  { name: 'deleteBackup: an available backup is deleted', operation: 'deleteBackup', request: del(backup(id(2))), expect: { status: 204 }, mock: { itself: true } },
  { name: 'deleteBackup: a backup in error is deleted by an admin', operation: 'deleteBackup', request: del(backup(DEMO_BACKUPS.error), DEMO_TOKENS.admin), expect: { status: 204 }, mock: { itself: true } },
];
