// Several service processes on one PostgreSQL database, as a multi-instance deployment
// runs: they start together on a new database, and concurrent DELETEs of one backup spread
// over them delete it exactly once; a backup the backup engine moves to a busy state at the
// same time is never deleted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BackupDetail } from '../../server/contract/types.ts';
import { DEMO_TOKENS } from '../../server/demo/demo.ts';
import { MIGRATIONS } from '../../server/store/migrations.ts';
import { PostgresBackupStore } from '../../server/store/postgres-store.ts';
import { type BackupEngine, postgresBackupEngine } from '../support/backup-engine.ts';
import { type Reply, backupUrl, call } from '../support/http.ts';
import { PostgresCluster, postgresUnavailable, withClient } from '../support/postgres.ts';
import { type RunningProcess, startServerProcess, waitFor } from '../support/processes.ts';
import { demoBackups } from '../support/test-server.ts';
import { makeBackup } from '../store/fixtures.ts';

const INSTANCES = 3;
const REQUESTS_PER_BACKUP = 12;

describe('several instances on one PostgreSQL database', { skip: postgresUnavailable() }, () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  let store: PostgresBackupStore;
  let engine: BackupEngine;
  const servers: RunningProcess[] = [];

  before(async () => {
    cluster = await PostgresCluster.start();
    databaseUrl = await cluster.createDatabase();
    // Started at once on a new database: each migrates and loads the demo backups.
    // Several TypeScript processes booting at once on two cores: give them time.
    const started = await Promise.allSettled(
      Array.from({ length: INSTANCES }, () => startServerProcess({ DATABASE_URL: databaseUrl }, { readyTimeoutMs: 90_000 })),
    );
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    // The test's own connection plays the backup engine.
    store = await PostgresBackupStore.open(databaseUrl);
    engine = postgresBackupEngine(databaseUrl);
  });

  after(async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await engine?.close();
    await store?.close();
    await cluster?.destroy();
  });

  /** A DELETE through one of the instances, bounded so a hang fails the test. */
  function del(instance: number, backupId: string): Promise<Reply> {
    return call(backupUrl(servers[instance % INSTANCES]!.url, backupId), {
      method: 'DELETE',
      headers: { 'X-Auth-Token': DEMO_TOKENS.member },
      signal: AbortSignal.timeout(30_000),
    });
  }

  /** Waits until `count` statements of the service wait on a row lock. */
  async function lockWaiters(count: number): Promise<void> {
    await waitFor(
      () =>
        withClient(databaseUrl, async (client) => {
          const { rows } = await client.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cbr-backup-api' AND wait_event_type = 'Lock'",
          );
          return rows[0].n >= count;
        }),
      `${count} DELETEs waiting on the row lock`,
    );
  }

  async function addBackup(overrides: Partial<BackupDetail> = {}): Promise<BackupDetail> {
    const backup = makeBackup(overrides);
    assert.equal(await store.addBackups([backup]), 1);
    return backup;
  }

  test('instances started together migrate once and load the demo backups once', async () => {
    await withClient(databaseUrl, async (client) => {
      const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
      const { rows: counts } = await client.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids FROM backups');
      assert.deepEqual(counts[0], { n: demoBackups().length, distinct_ids: demoBackups().length });
    });
  });

  test(`${REQUESTS_PER_BACKUP} concurrent DELETEs of one backup over ${INSTANCES} instances: one 204, the rest 400 CSBS.3001`, async () => {
    for (let round = 0; round < 5; round++) {
      const backup = await addBackup();
      const replies = await Promise.all(Array.from({ length: REQUESTS_PER_BACKUP }, (_, i) => del(i, backup.id)));
      const deleted = replies.filter((r) => r.status === 204);
      assert.equal(deleted.length, 1, `round ${round}: ${JSON.stringify(replies.map((r) => r.status))}`);
      for (const reply of replies.filter((r) => r.status !== 204)) {
        assert.equal(reply.status, 400);
        assert.equal(reply.body.error_code, 'CSBS.3001');
      }
      assert.equal(await store.getBackup(backup.project_id, backup.id), undefined);
      const trail = await store.auditTrail({ backupId: backup.id });
      assert.equal(trail.length, 1, 'one audit record');
      assert.equal(trail[0]!.request_id, deleted[0]!.headers.get('x-request-id'), 'recorded by the request that deleted');
    }
  });

  test("DELETEs waiting on another instance's delete of the row find it gone: 400 CSBS.3001", async () => {
    const backup = await addBackup();
    await withClient(databaseUrl, async (client) => {
      await client.query('BEGIN');
      await client.query('DELETE FROM backups WHERE id = $1', [backup.id]);
      const waiting = Array.from({ length: INSTANCES }, (_, i) => del(i, backup.id));
      await lockWaiters(INSTANCES);
      await client.query('COMMIT');
      for (const reply of await Promise.all(waiting)) {
        assert.equal(reply.status, 400);
        assert.equal(reply.body.error_code, 'CSBS.3001');
      }
    });
    assert.deepEqual(await store.auditTrail({ backupId: backup.id }), [], 'nothing deleted by the service');
  });

  test('DELETEs waiting while the backup engine moves the backup to protecting are refused: 400 CSBS.2003', async () => {
    const backup = await addBackup();
    await withClient(databaseUrl, async (client) => {
      await client.query('BEGIN');
      await client.query("UPDATE backups SET status = 'protecting' WHERE id = $1", [backup.id]);
      const waiting = Array.from({ length: INSTANCES }, (_, i) => del(i, backup.id));
      await lockWaiters(INSTANCES);
      await client.query('COMMIT');
      for (const reply of await Promise.all(waiting)) {
        assert.equal(reply.status, 400);
        assert.equal(reply.body.error_code, 'CSBS.2003');
      }
    });
    assert.equal((await store.getBackup(backup.project_id, backup.id))?.status, 'protecting');
    assert.deepEqual(await store.auditTrail({ backupId: backup.id }), []);
  });

  test('a backup moved to a running state concurrently with its DELETE is never deleted', async () => {
    const backups = await Promise.all(Array.from({ length: 12 }, () => addBackup()));
    const races = await Promise.all(
      backups.map(async (backup, i) => {
        const [reply, statusSet] = await Promise.all([del(i, backup.id), engine.setStatus(backup.id, 'protecting')]);
        return { backup, reply, statusSet };
      }),
    );
    for (const { backup, reply, statusSet } of races) {
      const stored = await store.getBackup(backup.project_id, backup.id);
      const trail = await store.auditTrail({ backupId: backup.id });
      if (statusSet) {
        // The engine got there first: the backup is busy and stays.
        assert.equal(reply.status, 400, backup.id);
        assert.equal(reply.body.error_code, 'CSBS.2003');
        assert.equal(stored?.status, 'protecting');
        assert.deepEqual(trail, []);
      } else {
        // The delete got there first: the engine found nothing to move.
        assert.equal(reply.status, 204, backup.id);
        assert.equal(stored, undefined);
        assert.equal(trail.length, 1);
        assert.equal(trail[0]!.last_status, 'available');
      }
    }
  });
});
