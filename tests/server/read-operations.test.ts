// showBackup and listBackups over HTTP: filters, order, paging that survives deletes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BackupDetail } from '../../server/contract/types.ts';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { call, deleteBackup, showBackup } from '../support/http.ts';
import { type TestServer, demoBackups, inEachAppMode, startTestServer } from '../support/test-server.ts';

inEachAppMode((mode) => {
  describe('read operations', () => {
    let server: TestServer;
    const list = (query: string, token: string = DEMO_TOKENS.reader) =>
      call(`${server.url}/v3/${DEMO_PROJECT}/backups${query}`, { headers: { 'X-Auth-Token': token } });

    before(async () => {
      server = await startTestServer({ config: mode.config });
    });
    after(() => server.close());

    it('shows a backup with its CBR fields', async () => {
      const reply = await showBackup(server.url, DEMO_BACKUPS.registeredAsImage);
      assert.equal(reply.status, 200);
      const expected = demoBackups().find((b) => b.id === DEMO_BACKUPS.registeredAsImage);
      assert.deepEqual(reply.body, { backup: expected });
    });

    it("gives 404 CSBS.3001 for an absent backup and for another project's", async () => {
      for (const id of [DEMO_BACKUPS.absent, DEMO_BACKUPS.otherProject]) {
        const reply = await showBackup(server.url, id);
        assert.equal(reply.status, 404);
        assert.equal(reply.body.error_code, 'CSBS.3001');
      }
    });

    it("lists the project's backups, newest first, with the total count", async () => {
      const reply = await list('');
      assert.equal(reply.status, 200);
      const ids = reply.body.backups.map((b: BackupDetail) => b.id);
      const own = demoBackups().filter((b) => b.project_id === DEMO_PROJECT);
      assert.equal(reply.body.count, own.length);
      assert.deepEqual(ids, own.sort((a, b) => b.created_at.localeCompare(a.created_at)).map((b) => b.id));
    });

    it('filters by status, name, resource type, vault and image type', async () => {
      assert.deepEqual((await list('?status=protecting')).body.backups.map((b: BackupDetail) => b.id), [DEMO_BACKUPS.busy.protecting]);
      const named = (await list('?name=web')).body;
      assert.ok(named.count > 0 && named.backups.every((b: BackupDetail) => b.name.includes('web')));
      assert.equal((await list('?name=WEB')).body.count, 0, 'name matching is case-sensitive');
      assert.equal((await list('?resource_type=OS::Cinder::Volume')).body.count, 1);
      assert.equal((await list('?image_type=replication')).body.count, 0);
      assert.equal((await list('?vault_id=4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d&status=available')).body.count, 4);
    });

    it('sorts by a documented field, either way, with id breaking ties', async () => {
      const names = (await list('?sort=name:asc')).body.backups.map((b: BackupDetail) => b.name);
      assert.deepEqual(names, [...names].sort());
      const sizes = (await list('?sort=resource_size')).body.backups.map((b: BackupDetail) => b.resource_size);
      assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'direction defaults to desc');
    });

    it('pages with limit and offset', async () => {
      const all = (await list('')).body.backups.map((b: BackupDetail) => b.id);
      const page = await list('?limit=3&offset=2');
      assert.deepEqual(page.body.backups.map((b: BackupDetail) => b.id), all.slice(2, 5));
      assert.equal(page.body.count, all.length);
    });

    it('pages with marker without duplicates or gaps while backups are deleted between pages', async () => {
      const stable = new Set<string>((await list('')).body.backups.map((b: BackupDetail) => b.id));
      const deletable = new Set<string>([...DEMO_BACKUPS.available, DEMO_BACKUPS.error]);
      const seen: string[] = [];
      let marker: string | undefined;
      for (let pageNo = 0; pageNo < 20; pageNo++) {
        const reply = await list(`?limit=2&sort=created_at:asc${marker === undefined ? '' : `&marker=${marker}`}`);
        assert.equal(reply.status, 200, reply.text);
        const ids: string[] = reply.body.backups.map((b: BackupDetail) => b.id);
        if (ids.length === 0) break;
        seen.push(...ids);
        marker = ids.at(-1);
        // Delete the marker itself when it may be deleted, else any deletable backup not yet seen.
        const victim = deletable.has(marker!) ? marker! : [...deletable].find((id) => !seen.includes(id));
        if (victim !== undefined) {
          assert.equal((await deleteBackup(server.url, victim)).status, 204);
          deletable.delete(victim);
          stable.delete(victim);
        }
      }
      assert.equal(new Set(seen).size, seen.length, `no duplicates: ${seen.join(', ')}`);
      for (const id of stable) assert.ok(seen.includes(id), `no gap: ${id} was never listed`);
    });

    it('refuses an unknown marker, unknown parameters and out-of-range limits with CSBS.9001', async () => {
      for (const query of [`?marker=${DEMO_BACKUPS.absent}`, '?page=2', '?limit=0', '?limit=1001', '?sort=size:asc', '?sort=name:up', '?status=gone', '?status=available&status=gone', '?own_type=mine', '?used_percent=0', '?start_time=2026-05-10', '?dec=maybe', '?name=a%00b', '?resource_id=%00']) {
        const reply = await list(query);
        assert.equal(reply.status, 400, query);
        assert.equal(reply.body.error_code, 'CSBS.9001', query);
      }
    });

    it('applies the token rules: readers may read, other projects may not', async () => {
      assert.equal((await list('', DEMO_TOKENS.reader)).status, 200);
      assert.equal((await list('', DEMO_TOKENS.otherProject)).body.error_code, 'APIGW.0302');
      assert.equal((await list('', 'nope')).body.error_code, 'APIGW.0301');
    });
  });
});
