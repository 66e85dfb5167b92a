// What bounds a listing's cost, on both stores: every one-key order is read from an index
// (migration 4), a page after a marker starts with a seek, and a listing that takes longer
// than the store's time limit fails with ListingTimeLimitError. On SQLite, listings run on
// readers in worker threads, away from the event loop.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BENCH_PROJECT, createBackupsDb } from '../../scripts/bench/backups-db.ts';
import type { ListBackupsQuery } from '../../server/contract/types.ts';
import { DEMO_PROJECT } from '../../server/demo/demo.ts';
import { filterSql, pageSql, sortOrder, sortValuesOf } from '../../server/store/list-query.ts';
import { PostgresBackupStore } from '../../server/store/postgres-store.ts';
import { COLUMNS, countSql } from '../../server/store/sql.ts';
import { SQLITE_DIALECT } from '../../server/store/sqlite-connection.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { ListingTimeLimitError } from '../../server/store/store.ts';
import { PostgresCluster, postgresUnavailable } from '../support/postgres.ts';
import { SORT_FIELDS, makeBackup } from './fixtures.ts';

const timedOut = (limitMs: number) => (error: unknown) => error instanceof ListingTimeLimitError && error.limitMs === limitMs;

/** A page that reads every backup of the project: no index serves a substring, and none matches. */
const FULL_SCAN: ListBackupsQuery = { name: 'zzz', sort: 'status:asc,name:desc' };

/** Costlier still: every backup matches, and is sorted by five keys (some 150 ms on 60,000 backups). */
const SLOW: ListBackupsQuery = { name: 'nightly', sort: 'resource_size:asc,expired_at:desc,protected_at:asc,updated_at:desc,name:asc', offset: 10_000, limit: 1000 };

describe('SQLite listings', () => {
  let dir: string;
  let bigFile: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-listing-limits-'));
    bigFile = path.join(dir, 'big.sqlite');
    await createBackupsDb(bigFile, 60_000);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('every one-key order is read from an index, without a sort, and a page after a marker starts with a seek; counts read in creation order', async () => {
    const file = path.join(dir, 'plans.sqlite');
    const backups = Array.from({ length: 20 }, () => makeBackup());
    const store = new SqliteBackupStore(file);
    await store.addBackups(backups);
    await store.close();
    const db = new Database(file, { readonly: true });
    // Plans call the time check; outside a listing it always passes.
    db.function('listing_in_time', { deterministic: false }, () => 1);
    try {
      for (const field of SORT_FIELDS) {
        for (const direction of ['asc', 'desc'] as const) {
          const sort = `${field}:${direction}`;
          const marker = sortValuesOf(sortOrder(sort), backups[7] as unknown as Record<string, unknown>);
          for (const after of [undefined, marker]) {
            const sql = pageSql(SQLITE_DIALECT, COLUMNS, DEMO_PROJECT, { sort, limit: 1000, offset: after === undefined ? 10_000 : 0 }, after);
            const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(sql.params) as { id: number; parent: number; detail: string }[];
            const what = `${sort}${after === undefined ? ' with an offset' : ' after a marker'}: ${plan.map((row) => row.detail).join(' | ')}`;
            const reads = plan.filter((row) => / backups\b/.test(row.detail));
            assert.ok(reads.length > 0, what);
            for (const read of reads) {
              assert.match(read.detail, /^SEARCH backups USING INDEX backups_project_\w+ \(project_id=\?/, what);
              // After a marker each part reads from the marker's place on: a range beyond the project.
              if (after !== undefined) assert.doesNotMatch(read.detail, /\(project_id=\?\)$/, what);
              // No sort of what is read from the table (sorts of a part's few rows, for the merge, are elsewhere in the plan).
              assert.ok(!plan.some((row) => row.parent === read.parent && row.detail.includes('TEMP B-TREE')), what);
            }
          }
        }
      }
      // A count reads the rows in creation order (about the table's), or seeks the statuses asked for.
      const counts: [ListBackupsQuery, RegExp][] = [
        [{ name: 'x' }, /^SEARCH backups USING INDEX backups_project_created \(project_id=\?\)$/],
        [{ name: 'x', status: ['error', 'available'] }, /^SEARCH backups USING INDEX backups_project_status \(project_id=\? AND status=\?\)$/],
      ];
      for (const [query, index] of counts) {
        const count = countSql(filterSql(SQLITE_DIALECT, DEMO_PROJECT, query), SQLITE_DIALECT.scanFrom?.(query));
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${count.text}`).all(count.params) as { detail: string }[];
        assert.match(plan.map((row) => row.detail).join(' | '), index, JSON.stringify(query));
      }
    } finally {
      db.close();
    }
  });

  for (const readers of [2, 0]) {
    test(`a listing longer than the time limit fails with ListingTimeLimitError, and the next ones are answered (${readers === 0 ? 'on the serving connection' : 'on readers'})`, async () => {
      // Far under what SLOW takes, far over what a page of one takes (well under a millisecond).
      const store = new SqliteBackupStore(bigFile, { listings: { timeLimitMs: 40, readers } });
      try {
        await assert.rejects(store.listBackups(BENCH_PROJECT, SLOW), timedOut(40));
        await assert.rejects(store.listBackups(BENCH_PROJECT, SLOW), timedOut(40));
        const page = await store.listBackups(BENCH_PROJECT, { limit: 1 });
        assert.ok(page.ok && page.backups.length === 1 && page.count === 60_000);
      } finally {
        await store.close();
      }
    });
  }

  test('listings on readers leave the event loop free, and give what the serving connection gives', async () => {
    const onReaders = new SqliteBackupStore(bigFile, { listings: { timeLimitMs: 30_000 } });
    const onConnection = new SqliteBackupStore(bigFile, { listings: { timeLimitMs: 30_000, readers: 0 } });
    try {
      await onReaders.listBackups(BENCH_PROJECT, { limit: 1 });
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const started = performance.now();
      await Promise.all([onReaders.listBackups(BENCH_PROJECT, FULL_SCAN), onReaders.listBackups(BENCH_PROJECT, FULL_SCAN)]);
      const took = performance.now() - started;
      delay.disable();
      const worstDelayMs = delay.max / 1e6;
      assert.ok(worstDelayMs < took / 2, `the event loop waited ${worstDelayMs.toFixed(1)} ms during listings of ${took.toFixed(1)} ms`);
      for (const query of [FULL_SCAN, { sort: 'name:asc', limit: 50, offset: 10_000 }, { name: '99', sort: 'resource_size:asc,id:desc' }] satisfies ListBackupsQuery[]) {
        assert.deepEqual(await onReaders.listBackups(BENCH_PROJECT, query), await onConnection.listBackups(BENCH_PROJECT, query));
      }
    } finally {
      await onReaders.close();
      await onConnection.close();
    }
  });

  test('a reader that does not answer a little after the deadline is terminated and replaced; a listing waiting for it is answered when its time is up', async () => {
    let started = 0;
    // A reader stuck in one step of SQLite: ready, and never answering.
    const stuck = () => {
      started++;
      return new Worker("require('node:worker_threads').parentPort.postMessage({ ready: true, at: Date.now() }); setInterval(() => {}, 1000);", { eval: true });
    };
    const store = new SqliteBackupStore(bigFile, { listings: { timeLimitMs: 100, readers: 1, startWorker: stuck } });
    try {
      const since = performance.now();
      const answeredAfter = (listing: Promise<unknown>) =>
        assert.rejects(listing, timedOut(100)).then(() => performance.now() - since);
      const [first, second] = await Promise.all([answeredAfter(store.listBackups(BENCH_PROJECT, { limit: 1 })), answeredAfter(store.listBackups(BENCH_PROJECT, { limit: 1 }))]);
      // The first when its reader is given up (a second after its deadline); the second, which waited, at its deadline.
      assert.ok(first >= 1000 && first < 5000, `the first answered after ${first.toFixed(0)} ms`);
      assert.ok(second >= 95 && second < first, `the second answered after ${second.toFixed(0)} ms`);
      await assert.rejects(store.listBackups(BENCH_PROJECT, { limit: 1 }), timedOut(100));
      assert.equal(started, 2, 'the stuck reader was replaced');
    } finally {
      await store.close();
    }
  });

  test('listings back to back do not keep the WAL from starting over while deletes come', async () => {
    const file = path.join(dir, 'wal.sqlite');
    const ids = await createBackupsDb(file, 30_000);
    const walLimitBytes = 256 * 1024;
    const store = new SqliteBackupStore(file, { checkpoints: { intervalMs: 20, walLimitBytes }, listings: { timeLimitMs: 10_000 } });
    const walBytes = () => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    const sizes: number[] = [];
    // It started over (got smaller) again and again: without the readers' pauses it only grows.
    const restarts = () => sizes.filter((size, i) => i > 0 && size < sizes[i - 1]!).length;
    // Until it has started over twice (on a loaded machine, a pause takes as long as the listings running).
    const until = performance.now() + 15_000;
    const going = () => performance.now() < until && restarts() < 2;
    try {
      // Two listings always running, each reading every backup of the project.
      const listing = async () => {
        while (going()) await store.listBackups(BENCH_PROJECT, FULL_SCAN);
      };
      const deletes = async () => {
        let next = 0;
        while (going()) {
          await Promise.all(ids.slice(next, next + 20).map((id) => store.deleteBackup(BENCH_PROJECT, id, { userId: 'u', userName: 'n', requestId: 'r' })));
          next += 20;
          sizes.push(walBytes());
        }
      };
      await Promise.all([listing(), listing(), deletes()]);
    } finally {
      await store.close();
    }
    assert.ok(restarts() >= 2, `the WAL started over ${restarts()} times: ${sizes.join(' ')}`);
  });

  test('close lets a listing under way finish', async () => {
    const store = new SqliteBackupStore(bigFile);
    // Handed to a reader at once (which starts with it), then the store is closed.
    const listing = store.listBackups(BENCH_PROJECT, { sort: 'name:asc', limit: 10 });
    const closed = store.close();
    const page = await listing;
    assert.ok(page.ok && page.backups.length === 10);
    await closed;
    await assert.rejects(store.listBackups(BENCH_PROJECT, {}), /closed/);
  });
});

describe('PostgreSQL listings', { skip: postgresUnavailable() }, () => {
  let cluster: PostgresCluster;
  before(async () => {
    cluster = await PostgresCluster.start();
  });
  after(async () => {
    await cluster?.destroy();
  });

  test('a listing past the time limit (statement_timeout) fails with ListingTimeLimitError; so does one waiting for its turn; then listings are answered again', async () => {
    const url = await cluster.createDatabase();
    const store = await PostgresBackupStore.open(url, { listTimeLimitMs: 300, listConcurrency: 1 });
    await store.addBackups([makeBackup()]);
    // A lock that every SELECT of backups waits for.
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE backups IN ACCESS EXCLUSIVE MODE');
      const since = performance.now();
      const [running, waiting] = await Promise.allSettled([store.listBackups(DEMO_PROJECT, {}), store.listBackups(DEMO_PROJECT, {})]);
      const took = performance.now() - since;
      assert.ok(running.status === 'rejected' && timedOut(300)(running.reason), String((running as PromiseRejectedResult).reason));
      assert.ok(waiting.status === 'rejected' && timedOut(300)(waiting.reason), String((waiting as PromiseRejectedResult).reason));
      assert.ok(took >= 290 && took < 2000, `answered after ${took.toFixed(0)} ms`);
      await locker.query('ROLLBACK');
      const page = await store.listBackups(DEMO_PROJECT, {});
      assert.ok(page.ok && page.count === 1);
    } finally {
      await locker.end();
      await store.close();
    }
  });

  test('every one-key order is read from an index, and a page after a marker starts with a seek', async () => {
    const url = await cluster.createDatabase();
    const store = await PostgresBackupStore.open(url);
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // Enough rows of one project for the planner to prefer the indexes.
      await client.query(`
        INSERT INTO backups (id, project_id, name, vault_id, checkpoint_id, resource_id, resource_name, resource_type, resource_size, image_type, status, created_at, updated_at, extend_info)
        SELECT md5(i::text), $1, 'nightly-' || i, 'v', 'c', 'r', 'ecs', 'OS::Nova::Server', 40, 'backup', 'available',
               to_char(timestamp '2026-01-01' - i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS'), to_char(timestamp '2026-01-01' - i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS'), '{}'
        FROM generate_series(1, 50000) AS i`, [DEMO_PROJECT]);
      await client.query('ANALYZE backups');
      const { rows: [middle] } = await client.query(`SELECT ${COLUMNS} FROM backups ORDER BY id OFFSET 25000 LIMIT 1`);
      const dialect = { contains: (column: string) => `strpos(${column}, ?) > 0` };
      for (const field of SORT_FIELDS) {
        for (const direction of ['asc', 'desc'] as const) {
          const sort = `${field}:${direction}`;
          for (const after of [undefined, sortValuesOf(sortOrder(sort), middle)]) {
            const sql = pageSql(dialect, COLUMNS, DEMO_PROJECT, { sort, limit: 100, offset: after === undefined ? 1000 : 0 }, after);
            let next = 0;
            const text = sql.text.replace(/\?/g, () => `$${++next}`);
            const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${text}`, sql.params);
            type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Index Cond'?: string; Plans?: PlanNode[] };
            const nodes: PlanNode[] = [];
            const walk = (node: PlanNode) => {
              nodes.push(node);
              for (const child of node.Plans ?? []) walk(child);
            };
            walk(rows[0]['QUERY PLAN'][0].Plan);
            const what = `${sort}${after === undefined ? ' with an offset' : ' after a marker'}: ${JSON.stringify(nodes.map((n) => [n['Node Type'], n['Index Name'], n['Index Cond']]))}`;
            const reads = nodes.filter((n) => n['Relation Name'] === 'backups');
            assert.ok(reads.length > 0, what);
            for (const read of reads) {
              assert.equal(read['Node Type'], 'Index Scan', what);
              if (after !== undefined) assert.ok((read['Index Cond'] ?? '').includes('AND'), what);
            }
            // What is sorted is at most the parts' pages, never what is read from the table.
            assert.ok(!nodes.some((n) => n['Node Type'] === 'Sort' && (n.Plans ?? []).some((child) => child['Relation Name'] === 'backups')), what);
          }
        }
      }
    } finally {
      await client.end();
    }
  });
});
