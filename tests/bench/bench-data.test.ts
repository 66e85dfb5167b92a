// The benchmark's own pieces: its bulk-loaded data must be what the service stores and
// deletes (so the benchmark measures real deletes), the hand-written target must delete
// them as the service does, and its statistics must be right.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BENCH_PROJECT, benchBackup, createBackupsDb, shuffle, sortedIds } from '../../scripts/bench/backups-db.ts';
import { summarize } from '../../scripts/bench/cpu-profile.ts';
import { median, percentile } from '../../scripts/bench/stats.ts';
import { BENCH_TOKEN, startTarget, writeTokensFile } from '../../scripts/bench/targets.ts';
import { componentValidator } from '../../server/contract/spec.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cbr-bench-test-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('benchmark data', () => {
  it('makes distinct, ascending backup ids of the spec\'s form', () => {
    const ids = sortedIds(5_000);
    const isId = componentValidator('BackupIdentifier');
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    for (const id of ids) assert.ok(isId(id), id);
  });

  it('makes backups that are valid BackupDetail objects', () => {
    const isBackup = componentValidator('BackupDetail');
    for (const [index, id] of sortedIds(50).entries()) {
      const backup = benchBackup(id, index);
      assert.ok(isBackup(backup), JSON.stringify(isBackup.errors));
    }
  });

  it('bulk-loads a store that the service reads and deletes from', async () => {
    const file = path.join(dir, 'bench.sqlite');
    const ids = await createBackupsDb(file, 2_000);
    const store = new SqliteBackupStore(file);
    try {
      const listed = await store.listBackups(BENCH_PROJECT, { limit: 1 });
      assert.ok(listed.ok);
      assert.equal(listed.count, 2_000);
      const [victim] = shuffle([...ids]);
      assert.equal((await store.getBackup(BENCH_PROJECT, victim!))?.id, victim);
      const actor = { userId: 'u1', userName: 'bench', requestId: 'bench-test-1' };
      assert.equal((await store.deleteBackup(BENCH_PROJECT, victim!, actor)).verdict, 'deleted');
      assert.equal((await store.deleteBackup(BENCH_PROJECT, victim!, actor)).verdict, 'not_found');
    } finally {
      await store.close();
    }
  });
});

describe('hand-written benchmark target', () => {
  it('deletes a stored backup once, with its audit row, and refuses a caller without the token', async () => {
    const handWrittenDbFile = path.join(dir, 'hand-written.sqlite');
    const [victim] = await createBackupsDb(handWrittenDbFile, 100);
    const target = await startTarget('hand', { dir, dbFile: path.join(dir, 'unused.sqlite'), handWrittenDbFile, tokensFile: writeTokensFile(dir) });
    try {
      assert.match(target.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const url = `${target.url}/v3/${BENCH_PROJECT}/backups/${victim!}`;
      const remove = (headers: Record<string, string>) => fetch(url, { method: 'DELETE', headers });

      const deleted = await remove({ 'X-Auth-Token': BENCH_TOKEN });
      assert.equal(deleted.status, 204);
      assert.equal(await deleted.text(), '');

      const again = await remove({ 'X-Auth-Token': BENCH_TOKEN });
      assert.equal(again.status, 400);
      const body = (await again.json()) as Record<string, unknown>;
      assert.equal(body.error_code, 'CSBS.3001');
      assert.equal(body.error_msg, `Backup ${victim!} does not exist`);
      assert.equal(typeof body.request_id, 'string');

      const anonymous = await remove({});
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as Record<string, unknown>).error_code, 'APIGW.0301');
    } finally {
      await target.process.stop();
    }
    // The service reads what the hand-written target wrote: the backup gone, one audit row.
    const store = new SqliteBackupStore(handWrittenDbFile);
    try {
      assert.equal(await store.getBackup(BENCH_PROJECT, victim!), undefined);
      const trail = await store.auditTrail({ backupId: victim! });
      assert.equal(trail.length, 1);
      assert.equal(trail[0]!.backup.id, victim);
      assert.equal(trail[0]!.backup.extend_info.snapshot_id, victim);
    } finally {
      await store.close();
    }
  });
});

describe('benchmark statistics', () => {
  it('takes medians and nearest-rank percentiles', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile(sorted, 100), 100);
  });

  it('attributes profile samples to the innermost part of the service on the stack', () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });
    const summary = summarize({
      nodes: [
        frame(1, '(root)', '', [2]),
        frame(2, 'handle', 'file:///x/node_modules/router/index.js', [3, 4]),
        frame(3, 'validate', 'file:///x/node_modules/ajv/dist/core.js'),
        frame(4, 'writev', 'node:net'),
      ],
      samples: [3, 3, 4, 2],
      timeDeltas: [10, 10, 10, 10],
    });
    const share = new Map(summary.components);
    assert.equal(share.get('request validation (express-openapi-validator, ajv)'), 50);
    assert.equal(share.get('Express and its router'), 50);
  });
});
