// npm run audit: the trail of deletions, read back from the store file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { deleteBackup } from '../support/http.ts';
import { PostgresCluster, postgresUnavailable, withClient } from '../support/postgres.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { startTestServer } from '../support/test-server.ts';

/** The script on `databaseUrl`. */
function auditTrail(databaseUrl: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-trail.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
}

describe('npm run audit-trail', () => {
  it('prints one JSON line per deletion, filtered by project or backup', async () => {
    const server = await startTestServer();
    try {
      await deleteBackup(server.url, DEMO_BACKUPS.available[0], { headers: { 'X-Request-Id': 'audit-1' } });
      await deleteBackup(server.url, DEMO_BACKUPS.error, { headers: { 'X-Request-Id': 'audit-2' } });
      await deleteBackup(server.url, DEMO_BACKUPS.otherProject, { project: DEMO_OTHER_PROJECT, token: DEMO_TOKENS.otherProject });
      const run = (...args: string[]) => auditTrail(server.dbFile, ...args);
      const all = run('--project', DEMO_PROJECT);
      assert.equal(all.status, 0, all.stderr);
      const records = all.stdout.trim().split('\n').map((line) => JSON.parse(line));
      assert.deepEqual(records.map((r) => [r.backup_id, r.correlation_id, r.last_status, r.user_name]), [
        [DEMO_BACKUPS.available[0], 'audit-1', 'available', 'demo-member'],
        [DEMO_BACKUPS.error, 'audit-2', 'error', 'demo-member'],
      ]);
      assert.ok(records.every((r) => /^[0-9a-f-]{36}$/.test(r.request_id)), 'the service\'s own request ids');
      const one = run('--backup', DEMO_BACKUPS.otherProject);
      assert.equal(JSON.parse(one.stdout).project_id, DEMO_OTHER_PROJECT);
      assert.equal(run('--bogus').status, 2);
    } finally {
      await server.close();
    }
  });

  it('on a DATABASE_URL that names no file: says "no database at <file>", exits 1, creates nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cbr-audit-'));
    try {
      const file = path.join(dir, 'typo', 'backups.sqlite');
      const run = auditTrail(`sqlite:${file}`);
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stderr.trim(), `audit-trail: no database at ${file}`);
      assert.equal(run.stdout, '');
      assert.equal(existsSync(path.dirname(file)), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('on a PostgreSQL database without the schema: says so, exits 1, creates no table', { skip: postgresUnavailable() }, async () => {
    const cluster = await PostgresCluster.start();
    try {
      const url = await cluster.createDatabase();
      const run = auditTrail(url);
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stderr.trim(), `audit-trail: no backup schema in the PostgreSQL database ${url}: the service has never run on it (is DATABASE_URL right?)`);
      const tables = await withClient(url, async (client) => (await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows);
      assert.deepEqual(tables, []);
    } finally {
      await cluster.destroy();
    }
  });
});
