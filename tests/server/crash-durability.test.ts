// kill -9 in the middle of a burst of deletes: every delete the service acknowledged (204) is
// gone with its audit record after the crash, and every other backup is either still there or
// deleted with its audit record, never half-deleted.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BackupDetail } from '../../server/contract/types.ts';
import { DEMO_PROJECT } from '../../server/demo/demo.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { deleteBackup } from '../support/http.ts';
import { type RunningProcess, startServerProcess } from '../support/processes.ts';
import { demoBackups } from '../support/test-server.ts';

const COUNT = 2_000;

describe('a crash during deletes (SIGKILL)', () => {
  let dir: string;
  let database: string;
  let server: RunningProcess;
  const template = demoBackups()[0] as BackupDetail;
  const ids = Array.from({ length: COUNT }, (_, n) => `c2a5b000-0000-4000-8000-${String(n).padStart(12, '0')}`);

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-crash-'));
    database = path.join(dir, 'backups.sqlite');
    const store = new SqliteBackupStore(database);
    await store.addBackups(ids.map((id) => ({ ...template, id, project_id: DEMO_PROJECT, status: 'available' })));
    await store.close();
    // A loaded CI machine may take a while to start the service.
    server = await startServerProcess({ DATABASE_URL: database }, { readyTimeoutMs: 60_000 });
  });
  after(async () => {
    await server.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged delete and leaves nothing half-deleted', async () => {
    const acknowledged = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const reply = await deleteBackup(server.url, id).catch(() => undefined);
        if (reply?.status === 204) acknowledged.add(id);
        // Killed after a few hundred answers, with deletes still in flight.
        if (acknowledged.size === 300) server.child.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    assert.ok(acknowledged.size >= 300 && acknowledged.size < COUNT, `${acknowledged.size} deletes acknowledged`);

    const store = new SqliteBackupStore(database);
    try {
      const audited = new Set((await store.auditTrail({ projectId: DEMO_PROJECT })).map((record) => record.backup_id));
      for (const id of acknowledged) {
        assert.equal(await store.getBackup(DEMO_PROJECT, id), undefined, `${id} was acknowledged but is still stored`);
        assert.ok(audited.has(id), `${id} was acknowledged but has no audit record`);
      }
      for (const id of ids) {
        const stored = (await store.getBackup(DEMO_PROJECT, id)) !== undefined;
        assert.notEqual(stored, audited.has(id), `${id}: stored and audited must not be both true or both false`);
      }
    } finally {
      await store.close();
    }
  });
});
