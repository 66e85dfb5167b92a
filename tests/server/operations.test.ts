// Liveness, readiness, metrics and request logs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEMO_BACKUPS, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { call, deleteBackup, showBackup } from '../support/http.ts';
import { type TestServer, demoBackups, inEachAppMode, startTestServer } from '../support/test-server.ts';

inEachAppMode((mode) => {
  describe('operations endpoints and logs', () => {
    let server: TestServer;
    const lines: Record<string, unknown>[] = [];
    before(async () => {
      const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      server = await startTestServer({ logger, config: mode.config });
    });
    after(() => server.close());

    it('answers liveness and readiness', async () => {
      assert.deepEqual((await call(`${server.url}/healthz`)).body, { status: 'ok' });
      const ready = await call(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: 'ready' });
    });

    it('serves the ops and docs endpoints at their exact paths only; other spellings are no API', async () => {
      for (const path of ['/healthz/', '/HEALTHZ', '/readyz/', '/metrics/', '/docs/', '/openapi.yaml/', '/Docs']) {
        const reply = await call(`${server.url}${path}`);
        assert.equal(reply.status, 404, path);
        assert.equal((reply.body as { error_code?: string }).error_code, 'APIGW.0101', path);
      }
      assert.equal((await call(`${server.url}/docs`)).status, 200);
      assert.equal((await call(`${server.url}/openapi.yaml`)).status, 200);
    });

    it('counts the same series again: one per method, route and status, however many requests', async () => {
      for (let i = 0; i < 3; i++) await call(`${server.url}/v3/${'0'.repeat(32)}/backups/${DEMO_BACKUPS.absent}`, { method: 'DELETE' });
      const metrics = (await call(`${server.url}/metrics`)).text;
      const series = metrics.split('\n').filter((line) => line.startsWith('http_requests_total{method="DELETE"') && line.includes('status="401"'));
      assert.deepEqual(series.length, 1, series.join('\n'));
      assert.match(series[0]!, / 3$/);
    });

    it('counts requests by route template and deletions by outcome', async () => {
      await deleteBackup(server.url, DEMO_BACKUPS.available[0]);
      await deleteBackup(server.url, DEMO_BACKUPS.busy.deleting);
      await deleteBackup(server.url, DEMO_BACKUPS.absent);
      const metrics = (await call(`${server.url}/metrics`)).text;
      assert.match(metrics, /http_requests_total\{method="DELETE",route="\/v3\/\{project_id\}\/backups\/\{backup_id\}",status="204"\} 1/);
      assert.match(metrics, /http_request_duration_seconds_bucket\{le="[^"]+",method="DELETE",route="\/v3\/\{project_id\}\/backups\/\{backup_id\}",status="400"\} \d/);
      assert.match(metrics, /backup_deletions_total\{outcome="deleted"\} 1/);
      assert.match(metrics, /backup_deletions_total\{outcome="CSBS.2003"\} 1/);
      assert.match(metrics, /backup_deletions_total\{outcome="CSBS.3001"\} 1/);
      assert.doesNotMatch(metrics, new RegExp(DEMO_BACKUPS.absent), 'no ids in labels');
    });

    it('logs one JSON line per request with its request id, and never the token', async () => {
      lines.length = 0;
      const reply = await deleteBackup(server.url, DEMO_BACKUPS.absent, { headers: { 'X-Request-Id': 'log-line-check' } });
      assert.equal(reply.status, 400);
      const requestLines = lines.filter((l) => l.reqId === reply.headers.get('x-request-id'));
      assert.equal((requestLines[0] as { correlation_id?: string } | undefined)?.correlation_id, 'log-line-check');
      assert.equal(requestLines.length, 1, JSON.stringify(lines));
      assert.deepEqual((requestLines[0] as { res: unknown }).res, { status: 400 });
      assert.equal((requestLines[0] as { user_id?: string }).user_id, 'd3b07384d113edec49eaa6238ad5ff00');
      assert.doesNotMatch(JSON.stringify(lines), new RegExp(DEMO_TOKENS.member));
    });

    it('reports not ready, in the envelope, when the store cannot be reached', async () => {
      const other = await startTestServer({ config: mode.config });
      await other.store.close();
      const reply = await call(`${other.url}/readyz`);
      assert.equal(reply.status, 503);
      assert.equal(reply.body.error_code, 'CSBS.9998');
      assert.equal(reply.body.request_id, reply.headers.get('x-request-id'));
      const failing = await deleteBackup(other.url, DEMO_BACKUPS.available[0]);
      assert.equal(failing.status, 500);
      assert.equal(failing.body.error_code, 'CSBS.9998');
      await other.close();
    });

    it('reports not ready when the store takes no writes, though reads still answer', async () => {
      // A store on a file of the demo backups, opened read-only: every write is refused.
      const dir = await mkdtemp(path.join(tmpdir(), 'cbr-readonly-'));
      const file = path.join(dir, 'backups.sqlite');
      const seeding = new SqliteBackupStore(file);
      await seeding.addBackups(demoBackups());
      await seeding.close();
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      const other = await startTestServer({ config: mode.config, store: new SqliteBackupStore(file, { readOnly: true }), backups: [], logger });
      try {
        const reply = await call(`${other.url}/readyz`);
        assert.equal(reply.status, 503);
        assert.equal(reply.body.error_code, 'CSBS.9998');
        assert.equal(reply.body.request_id, reply.headers.get('x-request-id'));
        const warning = lines.find((l) => l.msg === 'not ready: store takes no writes');
        assert.ok(warning, JSON.stringify(lines));
        assert.match(JSON.stringify(warning), new RegExp(`cannot write to the database file ${file}`));
        assert.equal((await showBackup(other.url, DEMO_BACKUPS.available[0])).status, 200, 'reads answer');
        assert.equal((await deleteBackup(other.url, DEMO_BACKUPS.available[0])).status, 500, 'writes do not');
      } finally {
        await other.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
