// The behaviour every BackupStore must have, as one suite that each store's test file runs
// against its own database: the delete rules and outcomes, the audit record, reads,
// listing (filters, order, paging) and the housekeeping calls.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import type { BackupDetail, BackupStatus, ListBackupsQuery } from '../../server/contract/types.ts';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT } from '../../server/demo/demo.ts';
import { BUSY_STATUSES } from '../../server/domain/deletion.ts';
import type { BackupStore, DeletionActor } from '../../server/store/store.ts';
import type { BackupEngine } from '../support/backup-engine.ts';
import { demoBackups } from '../support/test-server.ts';
import { SORT_FIELDS, VAULT_B, makeBackup, modelOrder, varietyOfBackups } from './fixtures.ts';

/** A store implementation under test. */
export interface StoreTarget {
  /**
   * A new, empty database; `open` opens a store on it, again after a close too; `engine`
   * connects the backup engine to it (once a store has created the schema).
   */
  freshDatabase(): Promise<{ open(options?: { now?: () => Date }): Promise<BackupStore>; engine(): BackupEngine }>;
}

const PROJECT = DEMO_PROJECT;
const ACTOR: DeletionActor = { userId: 'f3b1c2d4e5f60718293a4b5c6d7e8f90', userName: 'alice', requestId: 'req-0001' };
const NOW = new Date('2026-11-12T10:11:12.345Z');

export function storeConformance(target: StoreTarget): void {
  /** A store on a fresh database holding `backups`, closed when the test ends. */
  async function storeWith(t: TestContext, backups: readonly BackupDetail[] = []): Promise<BackupStore> {
    return (await openStore(t, backups)).store;
  }

  /** The same, with the backup engine connected to its database. */
  async function storeAndEngine(t: TestContext, backups: readonly BackupDetail[] = []): Promise<{ store: BackupStore; engine: BackupEngine }> {
    const { database, store } = await openStore(t, backups);
    const engine = database.engine();
    t.after(() => engine.close());
    return { store, engine };
  }

  async function openStore(t: TestContext, backups: readonly BackupDetail[]) {
    const database = await target.freshDatabase();
    const store = await database.open({ now: () => NOW });
    t.after(() => store.close());
    if (backups.length > 0) assert.equal(await store.addBackups(backups), backups.length);
    return { database, store };
  }

  async function listAll(store: BackupStore, query: ListBackupsQuery = {}): Promise<BackupDetail[]> {
    const outcome = await store.listBackups(PROJECT, query);
    assert.ok(outcome.ok);
    return outcome.backups;
  }

  const ids = (backups: readonly BackupDetail[]) => backups.map((b) => b.id);

  describe('deleteBackup', () => {
    for (const status of ['available', 'error'] as const) {
      test(`deletes a backup in status ${status}, returning its last state`, async (t) => {
        const backup = makeBackup({ status });
        const other = makeBackup();
        const store = await storeWith(t, [backup, other]);
        assert.deepEqual(await store.deleteBackup(PROJECT, backup.id, ACTOR), { verdict: 'deleted', backup });
        assert.equal(await store.getBackup(PROJECT, backup.id), undefined);
        assert.deepEqual(await store.getBackup(PROJECT, other.id), other, 'only that backup is deleted');
      });
    }

    for (const status of BUSY_STATUSES) {
      test(`refuses a ${status} backup as busy and keeps it`, async (t) => {
        const backup = makeBackup({ status });
        const store = await storeWith(t, [backup]);
        assert.deepEqual(await store.deleteBackup(PROJECT, backup.id, ACTOR), { verdict: 'busy', status });
        assert.deepEqual(await store.getBackup(PROJECT, backup.id), backup);
        assert.deepEqual(await store.auditTrail(), []);
      });
    }

    test('refuses a backup registered as an image, naming the images, and keeps it', async (t) => {
      const backup = makeBackup();
      backup.extend_info.os_images_data = [{ image_id: 'img-1' }, { image_id: 'img-2' }];
      const store = await storeWith(t, [backup]);
      assert.deepEqual(await store.deleteBackup(PROJECT, backup.id, ACTOR), { verdict: 'registered_as_image', imageIds: ['img-1', 'img-2'] });
      assert.deepEqual(await store.getBackup(PROJECT, backup.id), backup);
      assert.deepEqual(await store.auditTrail(), []);
    });

    test('checks busy before image registration', async (t) => {
      const backup = makeBackup({ status: 'restoring' });
      backup.extend_info.os_images_data = [{ image_id: 'img-1' }];
      const store = await storeWith(t, [backup]);
      assert.deepEqual(await store.deleteBackup(PROJECT, backup.id, ACTOR), { verdict: 'busy', status: 'restoring' });
    });

    test('reports an id that was never stored as not found', async (t) => {
      const store = await storeWith(t, [makeBackup()]);
      assert.deepEqual(await store.deleteBackup(PROJECT, DEMO_BACKUPS.absent, ACTOR), { verdict: 'not_found' });
    });

    test("reports another project's backup as not found, and leaves it there", async (t) => {
      const theirs = makeBackup({ project_id: DEMO_OTHER_PROJECT });
      const store = await storeWith(t, [theirs]);
      assert.deepEqual(await store.deleteBackup(PROJECT, theirs.id, ACTOR), { verdict: 'not_found' });
      assert.deepEqual(await store.getBackup(DEMO_OTHER_PROJECT, theirs.id), theirs);
      assert.deepEqual(await store.auditTrail(), []);
    });

    test('a second delete of the same backup is not found, and leaves one audit record', async (t) => {
      const backup = makeBackup();
      const store = await storeWith(t, [backup]);
      assert.equal((await store.deleteBackup(PROJECT, backup.id, ACTOR)).verdict, 'deleted');
      assert.deepEqual(await store.deleteBackup(PROJECT, backup.id, { ...ACTOR, requestId: 'req-0002' }), { verdict: 'not_found' });
      assert.deepEqual(ids((await store.auditTrail()).map((r) => r.backup)), [backup.id]);
    });

    test('decides on the status the backup has now, as the backup engine set it', async (t) => {
      const backup = makeBackup();
      const { store, engine } = await storeAndEngine(t, [backup]);
      assert.equal(await engine.setStatus(backup.id, 'protecting'), true);
      assert.deepEqual(await store.deleteBackup(PROJECT, backup.id, ACTOR), { verdict: 'busy', status: 'protecting' });
      assert.equal(await engine.setStatus(backup.id, 'error'), true);
      assert.deepEqual(await store.deleteBackup(PROJECT, backup.id, ACTOR), { verdict: 'deleted', backup: { ...backup, status: 'error' } });
      const [record] = await store.auditTrail({ backupId: backup.id });
      assert.equal(record?.last_status, 'error');
    });

    test('concurrent deletes of one backup: exactly one deletes, the others find nothing', async (t) => {
      const backup = makeBackup();
      const store = await storeWith(t, [backup, makeBackup()]);
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.deleteBackup(PROJECT, backup.id, { ...ACTOR, requestId: `req-${i}` })),
      );
      const winners = outcomes.flatMap((o, i) => (o.verdict === 'deleted' ? [i] : []));
      assert.equal(winners.length, 1, JSON.stringify(outcomes));
      assert.deepEqual(
        outcomes.filter((o) => o.verdict !== 'deleted'),
        Array.from({ length: 7 }, () => ({ verdict: 'not_found' })),
      );
      const trail = await store.auditTrail();
      assert.equal(trail.length, 1);
      assert.equal(trail[0]!.request_id, `req-${winners[0]}`, 'the audit record is the winning request');
    });
  });

  describe('audit trail', () => {
    test('records the backup, project, user, request, time and last state of each deletion', async (t) => {
      const backup = makeBackup({ status: 'error' });
      const store = await storeWith(t, [backup]);
      await store.deleteBackup(PROJECT, backup.id, ACTOR);
      assert.deepEqual(await store.auditTrail(), [
        {
          backup_id: backup.id,
          project_id: PROJECT,
          user_id: ACTOR.userId,
          user_name: ACTOR.userName,
          request_id: ACTOR.requestId,
          correlation_id: null,
          deleted_at: NOW.toISOString(),
          last_status: 'error',
          backup,
        },
      ]);
    });

    test("keeps the caller's own request id beside the service's", async (t) => {
      const backup = makeBackup({ status: 'available' });
      const store = await storeWith(t, [backup]);
      await store.deleteBackup(PROJECT, backup.id, { ...ACTOR, correlationId: 'caller-trace-7' });
      const [record] = await store.auditTrail();
      assert.deepEqual([record?.request_id, record?.correlation_id], [ACTOR.requestId, 'caller-trace-7']);
    });

    test('records nothing for refused deletes', async (t) => {
      const busy = makeBackup({ status: 'deleting' });
      const image = makeBackup();
      image.extend_info.os_images_data = [{ image_id: 'img-9' }];
      const theirs = makeBackup({ project_id: DEMO_OTHER_PROJECT });
      const store = await storeWith(t, [busy, image, theirs]);
      for (const id of [busy.id, image.id, theirs.id, DEMO_BACKUPS.absent]) await store.deleteBackup(PROJECT, id, ACTOR);
      assert.deepEqual(await store.auditTrail(), []);
    });

    test('is filtered by project and by backup, oldest first', async (t) => {
      const [a, b] = [makeBackup(), makeBackup()];
      const theirs = makeBackup({ project_id: DEMO_OTHER_PROJECT });
      const store = await storeWith(t, [a, b, theirs]);
      await store.deleteBackup(PROJECT, b.id, { ...ACTOR, requestId: 'first' });
      await store.deleteBackup(DEMO_OTHER_PROJECT, theirs.id, { ...ACTOR, requestId: 'second' });
      await store.deleteBackup(PROJECT, a.id, { ...ACTOR, requestId: 'third' });
      const requests = (records: { request_id: string }[]) => records.map((r) => r.request_id);
      assert.deepEqual(requests(await store.auditTrail()), ['first', 'second', 'third']);
      assert.deepEqual(requests(await store.auditTrail({ projectId: PROJECT })), ['first', 'third']);
      assert.deepEqual(requests(await store.auditTrail({ backupId: theirs.id })), ['second']);
      assert.deepEqual(requests(await store.auditTrail({ projectId: PROJECT, backupId: theirs.id })), []);
    });
  });

  describe('getBackup', () => {
    test('returns each backup exactly as it was added', async (t) => {
      const backups = demoBackups();
      const store = await storeWith(t, backups);
      for (const backup of backups) assert.deepEqual(await store.getBackup(backup.project_id, backup.id), backup);
    });

    test('returns optional fields left out as absent, or null where the contract allows null', async (t) => {
      const full = makeBackup();
      const { description, resource_az, enterprise_project_id, provider_id, parent_id, expired_at, protected_at, ...minimal } = full;
      const store = await storeWith(t, [minimal as BackupDetail]);
      assert.deepEqual(await store.getBackup(PROJECT, full.id), { ...minimal, parent_id: null, expired_at: null, protected_at: null });
    });

    test("is undefined for an unknown id and for another project's backup", async (t) => {
      const theirs = makeBackup({ project_id: DEMO_OTHER_PROJECT });
      const store = await storeWith(t, [theirs]);
      assert.equal(await store.getBackup(PROJECT, theirs.id), undefined);
      assert.equal(await store.getBackup(PROJECT, DEMO_BACKUPS.absent), undefined);
    });
  });

  describe('listBackups', () => {
    const variety = varietyOfBackups();
    const theirs = makeBackup({ project_id: DEMO_OTHER_PROJECT, name: 'alpha' });

    // Replicas are left out unless asked for (show_replication, or image_type=replication), as in CBR.
    const everything = { show_replication: true } as const;
    const own = variety.filter((b) => b.image_type !== 'replication');

    test("lists only the project's backups, newest first with ties by id, replicas only when asked, and counts them", async (t) => {
      const store = await storeWith(t, [...variety, theirs]);
      assert.ok(own.length < variety.length, 'the variety holds replicas');
      assert.deepEqual(await store.listBackups(PROJECT, {}), { ok: true, backups: modelOrder(own, 'created_at', 'desc'), count: own.length });
      assert.deepEqual(await store.listBackups(PROJECT, { show_replication: false }), { ok: true, backups: modelOrder(own, 'created_at', 'desc'), count: own.length });
      assert.deepEqual(await store.listBackups(PROJECT, everything), { ok: true, backups: modelOrder(variety, 'created_at', 'desc'), count: variety.length });
    });

    test('filters by status (one or several), name (contains, case-sensitive), resource, resource type, vault, image type and the other exact fields', async (t) => {
      const store = await storeWith(t, [...variety, theirs]);
      const sample = variety[3]!;
      const cases: [ListBackupsQuery, (b: BackupDetail) => boolean][] = [
        [{ status: ['available'] }, (b) => b.status === 'available'],
        [{ status: ['available', 'error'] }, (b) => b.status === 'available' || b.status === 'error'],
        [{ status: ['waiting_restore'] }, () => false],
        [{ name: 'eta' }, (b) => b.name.includes('eta')],
        [{ name: 'nightly' }, (b) => b.name.includes('nightly')],
        [{ name: 'NIGHTLY' }, (b) => b.name.includes('NIGHTLY')],
        [{ name: 'É' }, (b) => b.name.includes('É')],
        [{ resource_id: variety[0]!.resource_id }, (b) => b.resource_id === variety[0]!.resource_id],
        [{ resource_name: sample.resource_name }, (b) => b.resource_name === sample.resource_name],
        [{ resource_type: 'OS::Cinder::Volume' }, (b) => b.resource_type === 'OS::Cinder::Volume'],
        [{ resource_az: sample.resource_az! }, (b) => b.resource_az === sample.resource_az],
        [{ vault_id: VAULT_B }, (b) => b.vault_id === VAULT_B],
        [{ checkpoint_id: sample.checkpoint_id }, (b) => b.checkpoint_id === sample.checkpoint_id],
        [{ enterprise_project_id: sample.enterprise_project_id! }, (b) => b.enterprise_project_id === sample.enterprise_project_id],
        [{ image_type: 'backup' }, (b) => b.image_type === 'backup'],
        [
          { status: ['available'], vault_id: VAULT_B, name: 'a' },
          (b) => b.status === 'available' && b.vault_id === VAULT_B && b.name.includes('a'),
        ],
      ];
      for (const [query, matches] of cases) {
        const expected = modelOrder(variety.filter(matches), 'created_at', 'desc');
        assert.deepEqual(await store.listBackups(PROJECT, { ...everything, ...query }), { ok: true, backups: expected, count: expected.length }, JSON.stringify(query));
      }
      // image_type=replication lists replicas whatever show_replication says.
      const replicas = modelOrder(variety.filter((b) => b.image_type === 'replication'), 'created_at', 'desc');
      assert.deepEqual(await store.listBackups(PROJECT, { image_type: 'replication' }), { ok: true, backups: replicas, count: replicas.length });
    });

    test('filters on the creation time window (start_time, end_time: to the second, both ends in)', async (t) => {
      const at = (time: string) => makeBackup({ created_at: time });
      const inside = [at('2026-05-10T07:59:12'), at('2026-05-10T08:00:00.5'), at('2026-05-10T08:30:59.999999')];
      const outside = [at('2026-05-10T07:59:11.999999'), at('2026-05-10T08:31:00')];
      const store = await storeWith(t, [...inside, ...outside]);
      const window = await listAll(store, { start_time: '2026-05-10T07:59:12Z', end_time: '2026-05-10T08:30:59Z' });
      assert.deepEqual(ids(window).sort(), ids(inside).sort());
      assert.equal((await listAll(store, { start_time: '2026-05-10T08:31:00Z' })).length, 1);
      assert.equal((await listAll(store, { end_time: '2026-05-10T07:59:11Z' })).length, 1);
    });

    test('filters on incremental and parent_id, and lists nothing for what this service does not model', async (t) => {
      const full = makeBackup({ incremental: false });
      const child = makeBackup({ incremental: true, parent_id: full.id });
      const store = await storeWith(t, [full, child, makeBackup()]);
      assert.deepEqual(ids(await listAll(store, { incremental: true })), [child.id]);
      assert.deepEqual(ids(await listAll(store, { incremental: false })), [full.id]);
      assert.deepEqual(ids(await listAll(store, { parent_id: full.id })), [child.id]);
      for (const query of [{ own_type: 'shared' }, { member_status: 'accepted' }, { dec: true }] as ListBackupsQuery[]) {
        assert.deepEqual(await store.listBackups(PROJECT, query), { ok: true, backups: [], count: 0 }, JSON.stringify(query));
      }
      for (const query of [{ own_type: 'private' }, { own_type: 'all_granted' }, { dec: false }, { used_percent: '50' }] as ListBackupsQuery[]) {
        assert.equal((await listAll(store, query)).length, 3, JSON.stringify(query));
      }
    });

    test('sorts by every field both ways, ties broken by id in the same direction', async (t) => {
      const store = await storeWith(t, variety);
      for (const field of SORT_FIELDS) {
        for (const direction of ['asc', 'desc'] as const) {
          assert.deepEqual(ids(await listAll(store, { ...everything, sort: `${field}:${direction}` })), ids(modelOrder(variety, field, direction)), `${field}:${direction}`);
        }
        // The direction defaults to descending.
        assert.deepEqual(ids(await listAll(store, { ...everything, sort: field })), ids(modelOrder(variety, field, 'desc')), field);
      }
    });

    test('sorts by several keys, each in its own direction', async (t) => {
      const store = await storeWith(t, variety);
      const byStatusThenName = [...variety].sort((a, b) => a.status.localeCompare(b.status) || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0) || (a.id < b.id ? 1 : -1));
      assert.deepEqual(ids(await listAll(store, { ...everything, sort: 'status:asc,name:desc' })), ids(byStatusThenName));
      for (const limit of [1, 4]) assert.deepEqual(await walk(store, { ...everything, sort: 'status:asc,name:desc' }, limit), ids(byStatusThenName), `limit ${limit}`);
    });

    test('limit and offset cut the list; count is every match', async (t) => {
      const store = await storeWith(t, variety);
      const all = ids(modelOrder(variety, 'name', 'asc'));
      for (const [limit, offset] of [[5, 0], [5, 5], [5, 10], [3, 11], [4, 12], [1, 100]] as const) {
        const outcome = await store.listBackups(PROJECT, { ...everything, sort: 'name:asc', limit, offset });
        assert.ok(outcome.ok);
        assert.deepEqual(ids(outcome.backups), all.slice(offset, offset + limit), `limit ${limit} offset ${offset}`);
        assert.equal(outcome.count, variety.length);
      }
    });

    test('marker paging visits every backup once, in order, for any sort and filter', async (t) => {
      const store = await storeWith(t, [...variety, theirs]);
      const queries: ListBackupsQuery[] = [{}, { sort: 'name:asc' }, { sort: 'expired_at:asc' }, { sort: 'resource_size:desc', status: ['available'] }, { sort: 'status:asc' }, { sort: 'protected_at:asc' }];
      for (const query of queries) {
        const matching = query.status === undefined ? variety : variety.filter((b) => query.status!.includes(b.status));
        const [field, direction] = (query.sort ?? 'created_at:desc').split(':') as [(typeof SORT_FIELDS)[number], 'asc' | 'desc'];
        const expected = ids(modelOrder(matching, field, direction));
        for (const limit of [1, 3, 5]) {
          assert.deepEqual(await walk(store, { ...everything, ...query }, limit), expected, `${JSON.stringify(query)} limit ${limit}`);
        }
      }
    });

    test('marker paging while backups are deleted between pages: no duplicates, no gaps', async (t) => {
      const backups = Array.from({ length: 10 }, () => makeBackup());
      const store = await storeWith(t, backups);
      const order = ids(modelOrder(backups, 'created_at', 'desc'));
      const seen: string[] = [];
      const page = async (marker?: string) => {
        const outcome = await store.listBackups(PROJECT, { limit: 3, ...(marker === undefined ? {} : { marker }) });
        assert.ok(outcome.ok);
        seen.push(...ids(outcome.backups));
        return ids(outcome.backups);
      };
      const first = await page();
      assert.deepEqual(first, order.slice(0, 3));
      // One already seen and one not reached yet are deleted before the next page.
      await store.deleteBackup(PROJECT, order[1]!, ACTOR);
      await store.deleteBackup(PROJECT, order[4]!, ACTOR);
      const second = await page(first.at(-1));
      assert.deepEqual(second, [order[3], order[5], order[6]]);
      // The marker itself is deleted before the next page: paging goes on after it.
      await store.deleteBackup(PROJECT, second.at(-1)!, ACTOR);
      const third = await page(second.at(-1));
      assert.deepEqual(third, [order[7], order[8], order[9]]);
      assert.deepEqual(await page(third.at(-1)), []);
      assert.deepEqual(seen, order.filter((id) => id !== order[4]), 'every backup not deleted before its page was seen exactly once');
    });

    for (const [field, direction] of [['name', 'asc'], ['expired_at', 'desc'], ['resource_size', 'asc']] as const) {
      test(`a deleted marker still places the next page (sort ${field}:${direction})`, async (t) => {
        const store = await storeWith(t, variety);
        const order = modelOrder(variety, field, direction);
        const index = order.findIndex((b, i) => i >= 3 && (b.status === 'available' || b.status === 'error'));
        const marker = order[index]!.id;
        assert.equal((await store.deleteBackup(PROJECT, marker, ACTOR)).verdict, 'deleted');
        const outcome = await store.listBackups(PROJECT, { ...everything, sort: `${field}:${direction}`, marker, limit: 3 });
        assert.ok(outcome.ok);
        assert.deepEqual(ids(outcome.backups), ids(order.slice(index + 1, index + 4)));
      });
    }

    test('a marker that names no backup of this project is refused', async (t) => {
      const store = await storeWith(t, [...variety, theirs]);
      assert.deepEqual(await store.listBackups(PROJECT, { marker: DEMO_BACKUPS.absent }), { ok: false, reason: 'unknown_marker' });
      assert.deepEqual(await store.listBackups(PROJECT, { marker: theirs.id }), { ok: false, reason: 'unknown_marker' });
      // Deleted in the other project: still not a marker for this one.
      await store.deleteBackup(DEMO_OTHER_PROJECT, theirs.id, ACTOR);
      assert.deepEqual(await store.listBackups(PROJECT, { marker: theirs.id }), { ok: false, reason: 'unknown_marker' });
    });

    test('offset is ignored when a marker is given', async (t) => {
      const store = await storeWith(t, variety);
      const order = ids(modelOrder(variety, 'created_at', 'desc'));
      const outcome = await store.listBackups(PROJECT, { ...everything, marker: order[1], offset: 4, limit: 2 });
      assert.ok(outcome.ok);
      assert.deepEqual(ids(outcome.backups), order.slice(2, 4));
    });

    async function walk(store: BackupStore, query: ListBackupsQuery, limit: number): Promise<string[]> {
      const seen: string[] = [];
      let marker: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const outcome = await store.listBackups(PROJECT, { ...query, limit, ...(marker === undefined ? {} : { marker }) });
        assert.ok(outcome.ok);
        if (outcome.backups.length === 0) return seen;
        seen.push(...ids(outcome.backups));
        marker = outcome.backups.at(-1)!.id;
      }
      throw new Error('paging did not end');
    }
  });

  describe('addBackups', () => {
    test('adds new ids, leaves stored ones as they are, and counts only what it added', async (t) => {
      const [a, b] = [makeBackup(), makeBackup()];
      const store = await storeWith(t, [a]);
      const changedA = { ...a, name: 'renamed', status: 'error' as BackupStatus };
      assert.equal(await store.addBackups([changedA, b]), 1);
      assert.equal(await store.addBackups([a, b]), 0);
      assert.equal(await store.addBackups([]), 0);
      assert.deepEqual(await store.getBackup(PROJECT, a.id), a);
      assert.deepEqual(await store.getBackup(PROJECT, b.id), b);
    });
  });

  describe('addBackups after deletions', () => {
    test('never adds a deleted backup again, so a seed file loaded at every start cannot bring it back', async (t) => {
      const [a, b] = [makeBackup(), makeBackup()];
      const store = await storeWith(t, [a, b]);
      assert.equal((await store.deleteBackup(PROJECT, a.id, ACTOR)).verdict, 'deleted');
      assert.equal(await store.addBackups([a, b]), 0);
      assert.equal(await store.getBackup(PROJECT, a.id), undefined);
      assert.equal((await store.auditTrail({ backupId: a.id })).length, 1);
    });
  });

  describe('status changes by the backup engine', () => {
    test('are what the store reads next; an unknown id changes nothing', async (t) => {
      const backup = makeBackup();
      const { store, engine } = await storeAndEngine(t, [backup]);
      assert.equal(await engine.setStatus(backup.id, 'waiting_restore'), true);
      assert.deepEqual(await store.getBackup(PROJECT, backup.id), { ...backup, status: 'waiting_restore' });
      assert.equal(await engine.setStatus(randomUUID(), 'available'), false);
    });
  });

  describe('housekeeping', () => {
    test('isPristine: only until something is stored; deletions count too', async (t) => {
      const store = await storeWith(t);
      assert.equal(await store.isPristine(), true);
      const backup = makeBackup();
      await store.addBackups([backup]);
      assert.equal(await store.isPristine(), false);
      await store.deleteBackup(PROJECT, backup.id, ACTOR);
      assert.equal(await store.isPristine(), false, 'a store whose backups were all deleted is not new');
    });

    test('ping answers while the store is open', async (t) => {
      const store = await storeWith(t);
      await store.ping();
      await store.close();
      await assert.rejects(store.ping(), 'a closed store cannot be reached');
    });

    test('reopening keeps backups and the audit trail, and migrates nothing twice', async () => {
      const database = await target.freshDatabase();
      const [kept, deleted] = [makeBackup(), makeBackup()];
      const first = await database.open({ now: () => NOW });
      try {
        await first.addBackups([kept, deleted]);
        await first.deleteBackup(PROJECT, deleted.id, ACTOR);
      } finally {
        await first.close();
      }
      const second = await database.open({ now: () => NOW });
      try {
        assert.deepEqual(await second.getBackup(PROJECT, kept.id), kept);
        assert.deepEqual(ids((await second.auditTrail()).map((r) => r.backup)), [deleted.id]);
        assert.equal(await second.isPristine(), false);
      } finally {
        await second.close();
      }
    });
  });
}
