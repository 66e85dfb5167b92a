// DELETE over HTTP against the real app and a real SQLite file: every rule and code, in order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { sqliteBackupEngine } from '../support/backup-engine.ts';
import { type Reply, deleteBackup, showBackup } from '../support/http.ts';
import { type TestServer, demoBackups, inEachAppMode, startTestServer } from '../support/test-server.ts';

function assertError(reply: Reply, status: number, code: string): void {
  assert.equal(reply.status, status, reply.text);
  assert.deepEqual(Object.keys(reply.body).sort(), ['error_code', 'error_msg', 'request_id']);
  assert.equal(reply.body.error_code, code);
  assert.equal(typeof reply.body.error_msg, 'string');
  assert.equal(reply.body.request_id, reply.headers.get('x-request-id'));
}

inEachAppMode((mode) => {
  describe('DELETE /v3/{project_id}/backups/{backup_id}', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: mode.config });
    });
    after(() => server.close());

    it('deletes an available backup: 204, no body, a request id', async () => {
      const reply = await deleteBackup(server.url, DEMO_BACKUPS.available[0]);
      assert.equal(reply.status, 204);
      assert.equal(reply.text, '');
      assert.match(reply.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(await server.store.getBackup(DEMO_PROJECT, DEMO_BACKUPS.available[0]), undefined);
    });

    it('deletes a backup in error', async () => {
      assert.equal((await deleteBackup(server.url, DEMO_BACKUPS.error)).status, 204);
    });

    it('gives CSBS.3001 on a second delete of the same backup (use after delete), and show gives 404', async () => {
      const id = DEMO_BACKUPS.available[1];
      assert.equal((await deleteBackup(server.url, id)).status, 204);
      assertError(await deleteBackup(server.url, id), 400, 'CSBS.3001');
      assertError(await showBackup(server.url, id), 404, 'CSBS.3001');
    });

    it('gives CSBS.3001 for a backup that never existed', async () => {
      const reply = await deleteBackup(server.url, DEMO_BACKUPS.absent);
      assertError(reply, 400, 'CSBS.3001');
      assert.match(reply.body.error_msg, new RegExp(DEMO_BACKUPS.absent));
    });

    for (const [status, id] of Object.entries(DEMO_BACKUPS.busy)) {
      it(`refuses a ${status} backup with CSBS.2003 and keeps it`, async () => {
        const reply = await deleteBackup(server.url, id);
        assertError(reply, 400, 'CSBS.2003');
        assert.match(reply.body.error_msg, new RegExp(status));
        assert.equal((await server.store.getBackup(DEMO_PROJECT, id))?.status, status);
      });
    }

    it('refuses a backup registered as an image with 6201 and keeps it', async () => {
      assertError(await deleteBackup(server.url, DEMO_BACKUPS.registeredAsImage), 400, '6201');
      assert.ok(await server.store.getBackup(DEMO_PROJECT, DEMO_BACKUPS.registeredAsImage));
    });

    it('keeps the 6201 message within the spec however many images the backup has', async () => {
      const template = await server.store.getBackup(DEMO_PROJECT, DEMO_BACKUPS.registeredAsImage);
      const id = '0abc0000-0000-4000-8000-000000000100';
      const images = Array.from({ length: 100 }, (_, i) => ({ image_id: `${'x'.repeat(60)}${String(i).padStart(4, '0')}` }));
      await server.store.addBackups([{ ...template!, id, extend_info: { ...template!.extend_info, os_images_data: images } }]);
      const reply = await deleteBackup(server.url, id);
      assertError(reply, 400, '6201');
      assert.ok(reply.body.error_msg.length <= 2048, `${reply.body.error_msg.length} characters`);
      assert.match(reply.body.error_msg, /and 95 more/);
    });

    it('checks busy before image: a busy image-registered backup gives CSBS.2003', async () => {
      const engine = sqliteBackupEngine(server.dbFile);
      try {
        await engine.setStatus(DEMO_BACKUPS.registeredAsImage, 'restoring');
        assertError(await deleteBackup(server.url, DEMO_BACKUPS.registeredAsImage), 400, 'CSBS.2003');
        await engine.setStatus(DEMO_BACKUPS.registeredAsImage, 'available');
        assertError(await deleteBackup(server.url, DEMO_BACKUPS.registeredAsImage), 400, '6201');
      } finally {
        await engine.close();
      }
    });

    it('lets an admin delete', async () => {
      assert.equal((await deleteBackup(server.url, DEMO_BACKUPS.available[2], { token: DEMO_TOKENS.admin })).status, 204);
    });

    describe('tokens', () => {
      const target = DEMO_BACKUPS.busy.protecting;
      it('401 APIGW.0301 without X-Auth-Token', async () => {
        assertError(await deleteBackup(server.url, target, { token: null }), 401, 'APIGW.0301');
      });
      it('401 APIGW.0301 for an empty, unknown, malformed or expired token', async () => {
        for (const token of ['', 'no-such-token', 'a b', DEMO_TOKENS.expired]) {
          assertError(await deleteBackup(server.url, target, { token }), 401, 'APIGW.0301');
        }
      });
      it('403 APIGW.0302 for a reader token, before the store is read', async () => {
        // An absent backup still gives 403: authorization is decided first.
        assertError(await deleteBackup(server.url, DEMO_BACKUPS.absent, { token: DEMO_TOKENS.reader }), 403, 'APIGW.0302');
      });
      it('403 APIGW.0302 for a token of another project', async () => {
        assertError(await deleteBackup(server.url, target, { token: DEMO_TOKENS.otherProject }), 403, 'APIGW.0302');
      });
      it('never echoes the token', async () => {
        const reply = await deleteBackup(server.url, target, { token: 'secret-token-value-123' });
        assert.doesNotMatch(reply.text, /secret-token-value-123/);
      });
      it('validates the request before the token: a malformed id without a token is 400', async () => {
        assertError(await deleteBackup(server.url, 'not-a-uuid', { token: null }), 400, 'CSBS.9001');
      });
    });

    describe('projects are isolated', () => {
      it("reports another project's backup as absent, and leaves it", async () => {
        // A member of the other project addressing that backup through the demo project's URL.
        const reply = await deleteBackup(server.url, DEMO_BACKUPS.otherProject);
        assertError(reply, 400, 'CSBS.3001');
        assert.doesNotMatch(reply.text, new RegExp(DEMO_OTHER_PROJECT));
        assert.ok(await server.store.getBackup(DEMO_OTHER_PROJECT, DEMO_BACKUPS.otherProject));
        assertError(await showBackup(server.url, DEMO_BACKUPS.otherProject), 404, 'CSBS.3001');
      });
      it("cannot reach project B's URL with project A's token", async () => {
        const reply = await deleteBackup(server.url, DEMO_BACKUPS.otherProject, { project: DEMO_OTHER_PROJECT });
        assertError(reply, 403, 'APIGW.0302');
        assert.ok(await server.store.getBackup(DEMO_OTHER_PROJECT, DEMO_BACKUPS.otherProject));
      });
      it("lets project B's member delete project B's backup", async () => {
        const reply = await deleteBackup(server.url, DEMO_BACKUPS.otherProject, { project: DEMO_OTHER_PROJECT, token: DEMO_TOKENS.otherProject });
        assert.equal(reply.status, 204);
      });
    });

    describe('request ids', () => {
      it('gives every request its own id, whatever X-Request-Id the caller sends', async () => {
        const first = await deleteBackup(server.url, DEMO_BACKUPS.absent, { headers: { 'X-Request-Id': 'trace.abc_123-XYZ' } });
        const second = await deleteBackup(server.url, DEMO_BACKUPS.absent, { headers: { 'X-Request-Id': 'trace.abc_123-XYZ' } });
        for (const reply of [first, second]) {
          assert.match(reply.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
          assert.equal(reply.body.request_id, reply.headers.get('x-request-id'));
        }
        assert.notEqual(first.headers.get('x-request-id'), second.headers.get('x-request-id'), 'two requests, two ids');
      });
      it('keeps the caller\'s id as the correlation id of the deletion in the audit trail', async () => {
        const id = 'c0aa0000-0000-4000-8000-000000000001';
        await server.store.addBackups([{ ...demoBackups()[0]!, id }]);
        const reply = await deleteBackup(server.url, id, { headers: { 'X-Request-Id': 'trace.corr-1' } });
        assert.equal(reply.status, 204);
        const [record] = await server.store.auditTrail({ backupId: id });
        assert.equal(record?.correlation_id, 'trace.corr-1');
        assert.equal(record?.request_id, reply.headers.get('x-request-id'));
      });
      it('replaces a malformed one', async () => {
        const reply = await deleteBackup(server.url, DEMO_BACKUPS.absent, { headers: { 'X-Request-Id': 'bad id;' } });
        assert.match(reply.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
        assert.equal(reply.body.request_id, reply.headers.get('x-request-id'));
      });
    });
  });
});
