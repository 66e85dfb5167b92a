// The check and the delete are one step, as callers see it over HTTP: concurrent deletes,
// concurrent state changes, and the audit record written in the same transaction. Within one
// process better-sqlite3 runs each transaction to its end before the next request, so the
// races themselves are exercised across processes in sqlite-processes.test.ts (and on
// PostgreSQL in tests/postgres/).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { sqliteBackupEngine } from '../support/backup-engine.ts';
import { deleteBackup } from '../support/http.ts';
import { type TestServer, demoBackups, startTestServer } from '../support/test-server.ts';

describe('atomic delete', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('50 concurrent DELETEs of one backup: exactly one 204, every other 400 CSBS.3001', async () => {
    const id = DEMO_BACKUPS.available[0];
    const replies = await Promise.all(Array.from({ length: 50 }, () => deleteBackup(server.url, id)));
    const statuses = replies.map((r) => (r.status === 204 ? '204' : `${r.status} ${r.body?.error_code}`));
    assert.equal(statuses.filter((s) => s === '204').length, 1, statuses.join(', '));
    assert.equal(statuses.filter((s) => s === '400 CSBS.3001').length, 49, statuses.join(', '));
    const trail = await server.store.auditTrail({ backupId: id });
    assert.equal(trail.length, 1, 'one deletion, one audit record');
  });

  it('writes an audit record with who, which request, when and the last state', async () => {
    const id = DEMO_BACKUPS.error;
    const before = new Date();
    const reply = await deleteBackup(server.url, id, { token: DEMO_TOKENS.admin, headers: { 'X-Request-Id': 'audit-check-1' } });
    assert.equal(reply.status, 204);
    const [record] = await server.store.auditTrail({ backupId: id });
    assert.ok(record);
    assert.equal(record.project_id, DEMO_PROJECT);
    assert.equal(record.user_id, 'a5bfc9e07964f8dddeb95fc584cd965d');
    assert.equal(record.user_name, 'demo-admin');
    assert.equal(record.correlation_id, 'audit-check-1');
    assert.equal(record.request_id, reply.headers.get('x-request-id'));
    assert.equal(record.last_status, 'error');
    assert.equal(record.backup.id, id);
    assert.ok(Date.parse(record.deleted_at) >= before.getTime() - 1000);
  });

  it('writes no audit record for a refused delete', async () => {
    await deleteBackup(server.url, DEMO_BACKUPS.busy.restoring);
    await deleteBackup(server.url, DEMO_BACKUPS.registeredAsImage);
    assert.deepEqual(await server.store.auditTrail({ backupId: DEMO_BACKUPS.busy.restoring }), []);
    assert.deepEqual(await server.store.auditTrail({ backupId: DEMO_BACKUPS.registeredAsImage }), []);
  });

  it('never deletes a backup moved to a running state by another connection meanwhile', async () => {
    // A second connection to the same file plays the backup engine, flipping states while
    // deletes run. Every 204 must come from a backup that was deletable at that moment.
    const engine = sqliteBackupEngine(server.dbFile);
    const ids = Array.from({ length: 40 }, (_, i) => `0bad0000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const template = demoBackups()[0]!;
    await server.store.addBackups(ids.map((id) => ({ ...template, id, status: 'available' as const })));
    const flips = ids.map(async (id, i) => {
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      await engine.setStatus(id, 'protecting');
    });
    const deletes = ids.map((id) => deleteBackup(server.url, id));
    const [replies] = await Promise.all([Promise.all(deletes), Promise.all(flips)]);
    for (const [i, reply] of replies.entries()) {
      const id = ids[i]!;
      const stored = await server.store.getBackup(DEMO_PROJECT, id);
      if (reply.status === 204) {
        assert.equal(stored, undefined);
        const [record] = await server.store.auditTrail({ backupId: id });
        assert.equal(record?.last_status, 'available');
      } else {
        assert.equal(reply.body.error_code, 'CSBS.2003');
        assert.equal(stored?.status, 'protecting', 'a refused backup is kept, in its running state');
      }
    }
    await engine.close();
  });
});
