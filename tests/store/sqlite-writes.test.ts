// How the SQLite store writes: deletes that arrive together share one commit but keep their
// own outcomes, the WAL is checkpointed by a worker thread (and by the serving connection if
// that worker is lost), and the per-project count kept by triggers matches the rows.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { DEMO_PROJECT } from '../../server/demo/demo.ts';
import { type CheckpointWorkerData, SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { sqliteBackupEngine } from '../support/backup-engine.ts';
import { makeBackup } from './fixtures.ts';

const ACTOR = { userId: 'u-1', userName: 'tester', requestId: 'req-1' };
const MiB = 1024 * 1024;

const walBytes = (file: string): number => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

/** Polls `check` until it holds; fails with `message` after `limitMs` (a bound, not a measurement). */
async function eventually(check: () => boolean, message: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(message);
    await sleep(50);
  }
}

/**
 * Deletes every backup, `perTurn` requests issued together each time, as concurrent requests
 * would; returns the largest WAL seen in between.
 */
async function deleteAll(store: SqliteBackupStore, file: string, ids: string[], perTurn: number): Promise<number> {
  let largest = 0;
  for (let i = 0; i < ids.length; i += perTurn) {
    const outcomes = await Promise.all(ids.slice(i, i + perTurn).map((id) => store.deleteBackup(DEMO_PROJECT, id, ACTOR)));
    for (const outcome of outcomes) assert.equal(outcome.verdict, 'deleted');
    largest = Math.max(largest, walBytes(file));
  }
  return largest;
}

describe('SQLite store writes', () => {
  let dir: string;
  let files = 0;
  const newFile = () => path.join(dir, `writes-${++files}.sqlite`);
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-writes-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('deletes issued together: one failing is rolled back alone, the others are deleted and audited', async (t) => {
    const file = newFile();
    const store = new SqliteBackupStore(file);
    t.after(() => store.close());
    const backups = [makeBackup(), makeBackup(), makeBackup(), makeBackup()];
    await store.addBackups(backups);
    const refused = backups[1]!.id;
    // A second connection makes the database itself refuse one delete (a failure inside the group).
    const other = new Database(file);
    other.exec(`CREATE TRIGGER refuse_one BEFORE DELETE ON backups WHEN OLD.id = '${refused}' BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    other.close();

    const results = await Promise.allSettled(backups.map((b) => store.deleteBackup(DEMO_PROJECT, b.id, { ...ACTOR, requestId: b.id })));
    for (const [i, result] of results.entries()) {
      if (backups[i]!.id === refused) {
        assert.equal(result.status, 'rejected');
        assert.match(String((result as PromiseRejectedResult).reason), /refused by test/);
      } else {
        assert.equal(result.status, 'fulfilled');
        assert.equal((result as PromiseFulfilledResult<{ verdict: string }>).value.verdict, 'deleted');
      }
    }
    assert.ok(await store.getBackup(DEMO_PROJECT, refused), 'the refused backup is still stored');
    assert.deepEqual(await store.auditTrail({ backupId: refused }), [], 'and has no audit record');
    const trail = await store.auditTrail({ projectId: DEMO_PROJECT });
    assert.deepEqual(trail.map((r) => r.request_id).sort(), backups.filter((b) => b.id !== refused).map((b) => b.id).sort(), 'one audit record per deleted backup, its own request id');
    for (const b of backups) if (b.id !== refused) assert.equal(await store.getBackup(DEMO_PROJECT, b.id), undefined);
    const listed = await store.listBackups(DEMO_PROJECT, {});
    assert.deepEqual(listed.ok && [listed.count, listed.backups.map((b) => b.id)], [1, [refused]]);
  });

  test('the same backup deleted several times in one turn: one deletion, the rest see it gone', async (t) => {
    const store = new SqliteBackupStore(newFile());
    t.after(() => store.close());
    const backup = makeBackup();
    await store.addBackups([backup]);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.deleteBackup(DEMO_PROJECT, backup.id, ACTOR)));
    assert.deepEqual(outcomes.map((o) => o.verdict), ['deleted', 'not_found', 'not_found', 'not_found', 'not_found']);
    assert.equal((await store.auditTrail({ backupId: backup.id })).length, 1);
  });

  test('the worker checkpoints the WAL and it is cut back to its limit; close() stops the worker and leaves no WAL', async (t) => {
    const backups = Array.from({ length: 3000 }, () => makeBackup());
    // A write on the store's own connection, whose journal_size_limit cuts a WAL starting over back.
    const touch = (store: SqliteBackupStore) => void store.addBackups([makeBackup()]);
    // The same writes with a worker that never checkpoints: the WAL keeps every frame, however long.
    const unchecked = newFile();
    const idle = new SqliteBackupStore(unchecked, { checkpoints: { startWorker: () => new Worker('setInterval(() => {}, 60_000)', { eval: true }) } });
    await idle.addBackups(backups);
    await deleteAll(idle, unchecked, backups.slice(1).map((b) => b.id), 10);
    await sleep(300);
    touch(idle);
    const unbounded = walBytes(unchecked);
    await idle.close();
    assert.ok(unbounded > 20 * MiB, `without checkpoints the WAL holds ${unbounded} bytes`);

    const file = newFile();
    const store = new SqliteBackupStore(file, { checkpoints: { intervalMs: 20, walLimitBytes: 2 * MiB } });
    t.after(() => store.close());
    assert.equal(store.checkpointedBy, 'worker');
    await store.addBackups(backups);
    await deleteAll(store, file, backups.slice(1).map((b) => b.id), 10);
    // Once a checkpoint has copied everything, the next write starts the WAL over, cut back to the limit.
    await eventually(() => {
      touch(store);
      return walBytes(file) <= 2 * MiB;
    }, `WAL still ${walBytes(file)} bytes`);
    assert.equal(store.checkpointedBy, 'worker');

    await store.close();
    // The last connection to close removes the WAL: so the worker's connection was closed first.
    assert.equal(existsSync(`${file}-wal`), false, 'no WAL left after close()');
    assert.equal(store.checkpointedBy, 'connection');
  });

  // `npm start` runs the compiled build, which starts the compiled worker; the tests run the
  // sources under tsx, which start the TypeScript one. Both must checkpoint.
  for (const [from, module] of [
    ['the TypeScript sources', '../../server/store/sqlite-store.ts'],
    ['the compiled build (npm run build)', '../../dist/server/store/sqlite-store.js'],
  ] as const) {
    test(`the checkpoint worker runs from ${from}`, async (t) => {
      const url = new URL(module, import.meta.url);
      assert.ok(existsSync(new URL('checkpoint-worker.js', url)) || module.endsWith('.ts'), 'no compiled worker: npm run build');
      const { SqliteBackupStore: Store, startCheckpointWorker } = (await import(url.href)) as typeof import('../../server/store/sqlite-store.ts');
      const file = newFile();
      let reports = 0;
      const limit = 256 * 1024;
      const startWorker = (data: CheckpointWorkerData) => startCheckpointWorker(data).on('message', () => reports++);
      const store = new Store(file, { checkpoints: { intervalMs: 20, walLimitBytes: limit, startWorker } });
      t.after(() => store.close());
      await store.addBackups(Array.from({ length: 2000 }, () => makeBackup()));
      assert.ok(walBytes(file) > 4 * limit, `the WAL holds ${walBytes(file)} bytes`);
      await eventually(() => reports > 0, 'the worker never reported a checkpoint');
      // Only a checkpoint that copied the whole WAL lets the next write start it over.
      await eventually(() => {
        void store.addBackups([makeBackup()]);
        return walBytes(file) <= limit;
      }, `WAL still ${walBytes(file)} bytes`);
      assert.equal(store.checkpointedBy, 'worker');
      await store.close();
      assert.equal(existsSync(`${file}-wal`), false, 'the worker closed its connection when told to stop');
    });
  }

  test('a checkpoint worker that dies: the serving connection checkpoints again and the WAL stays bounded', async (t) => {
    const file = newFile();
    const store = new SqliteBackupStore(file, {
      checkpoints: { startWorker: () => new Worker("throw new Error('checkpoint worker lost')", { eval: true }) },
    });
    t.after(() => store.close());
    await eventually(() => store.checkpointedBy === 'connection', 'the store never noticed that its worker ended');
    const backups = Array.from({ length: 3000 }, () => makeBackup());
    await store.addBackups(backups);
    const largest = await deleteAll(store, file, backups.map((b) => b.id), 10);
    // SQLite's own checkpoints (every 1000 pages) keep it to a few MiB, out of about 80 MiB written.
    assert.ok(largest < 8 * MiB, `the WAL reached ${largest} bytes`);
  });

  test('the count kept by triggers follows adds, deletes, status changes and other connections', async (t) => {
    const file = newFile();
    const store = new SqliteBackupStore(file);
    t.after(() => store.close());
    const mine = Array.from({ length: 7 }, () => makeBackup());
    const theirs = Array.from({ length: 3 }, () => makeBackup({ project_id: 'f'.repeat(32) }));
    await store.addBackups([...mine, ...theirs]);
    await store.deleteBackup(DEMO_PROJECT, mine[0]!.id, ACTOR);
    const engine = sqliteBackupEngine(file);
    await engine.setStatus(mine[1]!.id, 'error');
    await engine.close();
    const other = new Database(file);
    other.prepare('DELETE FROM backups WHERE id = ?').run(mine[2]!.id);
    other.close();
    const all = await store.listBackups(DEMO_PROJECT, { limit: 1 });
    assert.deepEqual(all.ok && all.count, 5);
    const errors = await store.listBackups(DEMO_PROJECT, { status: ['error'] });
    assert.deepEqual(errors.ok && errors.count, 1);
    const other2 = await store.listBackups('f'.repeat(32), {});
    assert.deepEqual(other2.ok && other2.count, 3);
    assert.deepEqual(await store.listBackups('0'.repeat(32), {}), { ok: true, backups: [], count: 0 });
  });

  test('migration 2 counts the backups a store already holds', async () => {
    const file = newFile();
    const first = new SqliteBackupStore(file);
    await first.addBackups(Array.from({ length: 4 }, () => makeBackup()));
    await first.close();
    // Back to the schema of migration 1, as a store written before migration 2 is.
    const db = new Database(file);
    db.exec('DROP TRIGGER backup_counts_insert; DROP TRIGGER backup_counts_delete; DROP TRIGGER backup_counts_move; DROP TABLE backup_counts; DELETE FROM schema_migrations WHERE version = 2');
    db.close();
    const reopened = new SqliteBackupStore(file);
    try {
      const listed = await reopened.listBackups(DEMO_PROJECT, {});
      assert.deepEqual(listed.ok && [listed.count, listed.backups.length], [4, 4]);
    } finally {
      await reopened.close();
    }
  });

  test('a delete queued when close() is called still gets its outcome', async () => {
    const store = new SqliteBackupStore(newFile());
    const backup = makeBackup();
    await store.addBackups([backup]);
    await nextTurn();
    const pending = store.deleteBackup(DEMO_PROJECT, backup.id, ACTOR);
    await store.close();
    assert.equal((await pending).verdict, 'deleted');
  });
});
