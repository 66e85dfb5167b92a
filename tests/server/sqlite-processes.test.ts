// Atomic delete across processes on one SQLite file: the service's IMMEDIATE transaction
// and status-guarded DELETE are what keep these right (within one process, better-sqlite3's
// synchronous calls would serialise the requests anyway).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BackupDetail } from '../../server/contract/types.ts';
import { DEMO_PROJECT } from '../../server/demo/demo.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { type BackupEngine, sqliteBackupEngine } from '../support/backup-engine.ts';
import { deleteBackup } from '../support/http.ts';
import { type RunningProcess, startServerProcess } from '../support/processes.ts';
import { demoBackups } from '../support/test-server.ts';

describe('three service processes on one SQLite file', () => {
  let dir: string;
  let database: string;
  let engine: SqliteBackupStore;
  let backupEngine: BackupEngine;
  let servers: RunningProcess[] = [];
  const template = demoBackups()[0] as BackupDetail;
  const backup = (n: number, prefix: string): BackupDetail => ({ ...template, id: `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`, status: 'available' });

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-sqlite-processes-'));
    database = path.join(dir, 'backups.sqlite');
    // The test's own connection plays the backup engine; it also creates the schema.
    engine = new SqliteBackupStore(database);
    backupEngine = sqliteBackupEngine(database);
    servers = await Promise.all([1, 2, 3].map(() => startServerProcess({ DATABASE_URL: database })));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await backupEngine.close();
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('N concurrent DELETEs of one backup spread over the processes: exactly one 204, the rest CSBS.3001', async () => {
    const targets = Array.from({ length: 5 }, (_, n) => backup(n, 'c0ffee00'));
    await engine.addBackups(targets);
    for (const target of targets) {
      const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => deleteBackup(servers[i % servers.length]!.url, target.id)));
      const outcomes = replies.map((r) => (r.status === 204 ? '204' : `${r.status} ${r.body?.error_code}`));
      assert.equal(outcomes.filter((o) => o === '204').length, 1, outcomes.join(', '));
      assert.equal(outcomes.filter((o) => o === '400 CSBS.3001').length, 29, outcomes.join(', '));
      assert.equal((await engine.auditTrail({ backupId: target.id })).length, 1);
    }
  });

  it('never deletes a backup that another process moves to a running state meanwhile', async () => {
    const targets = Array.from({ length: 60 }, (_, n) => backup(n, 'f1ed0000'));
    await engine.addBackups(targets);
    const deletes = targets.map((t, i) => deleteBackup(servers[i % servers.length]!.url, t.id));
    // Flip every other backup while the deletes are in flight.
    for (const [i, t] of targets.entries()) {
      if (i % 2 === 0) await backupEngine.setStatus(t.id, 'protecting');
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const replies = await Promise.all(deletes);
    for (const [i, reply] of replies.entries()) {
      const id = targets[i]!.id;
      const stored = await engine.getBackup(DEMO_PROJECT, id);
      const audit = await engine.auditTrail({ backupId: id });
      if (reply.status === 204) {
        assert.equal(stored, undefined, `${id}: answered 204, so gone`);
        assert.equal(audit.length, 1);
        assert.equal(audit[0]!.last_status, 'available', `${id}: deleted from a deletable state`);
      } else {
        assert.equal(reply.body.error_code, 'CSBS.2003', `${id}: ${reply.text}`);
        assert.equal(stored?.status, 'protecting', `${id}: refused, so kept in its running state`);
        assert.equal(audit.length, 0);
      }
    }
    for (const [i, t] of targets.entries()) {
      if (i % 2 === 1) assert.equal(replies[i]!.status, 204, `${t.id} was never flipped, so it is deleted`);
    }
  });
});
