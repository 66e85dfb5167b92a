// npm run audit: the trail of deletions, read back from the store file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { deleteBackup } from '../support/http.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { startTestServer } from '../support/test-server.ts';

describe('npm run audit-trail', () => {
  it('prints one JSON line per deletion, filtered by project or backup', async () => {
    const server = await startTestServer();
    try {
      await deleteBackup(server.url, DEMO_BACKUPS.available[0], { headers: { 'X-Request-Id': 'audit-1' } });
      await deleteBackup(server.url, DEMO_BACKUPS.error, { headers: { 'X-Request-Id': 'audit-2' } });
      await deleteBackup(server.url, DEMO_BACKUPS.otherProject, { project: DEMO_OTHER_PROJECT, token: DEMO_TOKENS.otherProject });
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-trail.ts', ...args], {
          cwd: REPO_ROOT,
          env: { ...process.env, DATABASE_URL: server.dbFile },
          encoding: 'utf8',
        });
      const all = run('--project', DEMO_PROJECT);
      assert.equal(all.status, 0, all.stderr);
      const records = all.stdout.trim().split('\n').map((line) => JSON.parse(line));
      assert.deepEqual(records.map((r) => [r.backup_id, r.request_id, r.last_status, r.user_name]), [
        [DEMO_BACKUPS.available[0], 'audit-1', 'available', 'demo-member'],
        [DEMO_BACKUPS.error, 'audit-2', 'error', 'demo-member'],
      ]);
      const one = run('--backup', DEMO_BACKUPS.otherProject);
      assert.equal(JSON.parse(one.stdout).project_id, DEMO_OTHER_PROJECT);
      assert.equal(run('--bogus').status, 2);
    } finally {
      await server.close();
    }
  });
});
