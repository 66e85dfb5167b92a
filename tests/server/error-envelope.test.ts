// Every error leaves in the envelope with a request id, whatever produced it: the
// validator, the router, Node's HTTP parser, or a failing store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { type Reply, backupUrl, call, deleteBackup, rawRequest } from '../support/http.ts';
import { type TestServer, inEachAppMode, startTestServer } from '../support/test-server.ts';

function assertEnvelope(reply: Reply, status: number, code: string): void {
  assert.equal(reply.status, status, reply.text);
  assert.deepEqual(Object.keys(reply.body ?? {}).sort(), ['error_code', 'error_msg', 'request_id'], reply.text);
  assert.equal(reply.body.error_code, code);
  assert.equal(reply.body.request_id, reply.headers.get('x-request-id'));
}

inEachAppMode((mode) => {
  describe('error envelope', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: mode.config });
    });
    after(() => server.close());

    it('400 CSBS.9001 for malformed path parameters, naming the parameter', async () => {
      for (const [project, backup] of [
        [DEMO_PROJECT, 'not-a-uuid'],
        [DEMO_PROJECT, DEMO_BACKUPS.absent.toUpperCase()],
        ['short', DEMO_BACKUPS.absent],
        [DEMO_PROJECT, `${DEMO_BACKUPS.absent}0`],
      ] as const) {
        const reply = await call(backupUrl(server.url, backup, project), { method: 'DELETE', headers: { 'X-Auth-Token': DEMO_TOKENS.member } });
        assertEnvelope(reply, 400, 'CSBS.9001');
        assert.match(reply.body.error_msg, /project_id|backup_id/);
      }
    });

    it('400 CSBS.9001 for a malformed percent-encoding in the path', async () => {
      const reply = await call(`${server.url}/v3/${DEMO_PROJECT}/backups/%E0%A4%A`, { method: 'DELETE', headers: { 'X-Auth-Token': DEMO_TOKENS.member } });
      assertEnvelope(reply, 400, 'CSBS.9001');
    });

    it('400 CSBS.9001 for an unexpected query parameter', async () => {
      const reply = await call(`${backupUrl(server.url, DEMO_BACKUPS.absent)}?force=true`, { method: 'DELETE', headers: { 'X-Auth-Token': DEMO_TOKENS.member } });
      assertEnvelope(reply, 400, 'CSBS.9001');
      assert.match(reply.body.error_msg, /force/);
    });

    it('400 CSBS.9001 for a body on DELETE, and the backup is kept', async () => {
      for (const init of [
        { body: '{"force":true}', headers: { 'Content-Type': 'application/json' } },
        { body: 'x'.repeat(2_000_000), headers: { 'Content-Type': 'text/plain' } },
      ]) {
        const reply = await call(backupUrl(server.url, DEMO_BACKUPS.available[0]), {
          method: 'DELETE',
          body: init.body,
          headers: { ...init.headers, 'X-Auth-Token': DEMO_TOKENS.member },
        });
        assertEnvelope(reply, 400, 'CSBS.9001');
      }
      assert.ok(await server.store.getBackup(DEMO_PROJECT, DEMO_BACKUPS.available[0]));
    });

    it('404 APIGW.0101 for an unknown path', async () => {
      for (const path of ['/', '/v2/x', `/v3/${DEMO_PROJECT}/vaults`, `/v3/${DEMO_PROJECT}/backups/${DEMO_BACKUPS.absent}/extra`]) {
        assertEnvelope(await call(`${server.url}${path}`, { headers: { 'X-Auth-Token': DEMO_TOKENS.member } }), 404, 'APIGW.0101');
      }
    });

    it('405 APIGW.0101 with an Allow header for a wrong method', async () => {
      for (const method of ['PUT', 'POST', 'PATCH']) {
        const reply = await call(backupUrl(server.url, DEMO_BACKUPS.absent), { method, headers: { 'X-Auth-Token': DEMO_TOKENS.member } });
        assertEnvelope(reply, 405, 'APIGW.0101');
        assert.equal(reply.headers.get('allow'), 'DELETE, GET');
      }
    });

    it('404 APIGW.0101 for a path that differs from the spec in case or by a trailing slash, and nothing is deleted', async () => {
      const exact = backupUrl(server.url, DEMO_BACKUPS.available[1]);
      for (const url of [exact.replace('/v3/', '/V3/'), exact.replace('/backups/', '/Backups/'), `${exact}/`]) {
        for (const method of ['DELETE', 'GET']) {
          assertEnvelope(await call(url, { method, headers: { 'X-Auth-Token': DEMO_TOKENS.member } }), 404, 'APIGW.0101');
        }
      }
      assert.ok(await server.store.getBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1]));
    });

    it('answers an unknown path or method before looking at a body', async () => {
      const headers = { 'X-Auth-Token': DEMO_TOKENS.member, 'Content-Type': 'application/json' };
      assertEnvelope(await call(`${server.url}/nothing-here`, { method: 'POST', body: '{}', headers }), 404, 'APIGW.0101');
      assertEnvelope(await call(backupUrl(server.url, DEMO_BACKUPS.absent), { method: 'PUT', body: '{}', headers }), 405, 'APIGW.0101');
    });

    it('404 in the envelope for an asterisk-form request target', async () => {
      const answer = await rawRequest(server.url, 'GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.match(answer, /^HTTP\/1.1 404 /);
      assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error_code, 'APIGW.0101');
    });

    it('400 in the envelope for a request Node cannot parse', async () => {
      const answer = await rawRequest(server.url, 'DELETE /v3/x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
      assert.match(answer, /^HTTP\/1.1 400 /);
      assert.match(answer, /X-Request-Id: [0-9a-f-]{36}/);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      assert.equal(body.error_code, 'CSBS.9001');
    });

    it('431 in the envelope for oversized headers', async () => {
      const answer = await rawRequest(server.url, `DELETE /v3/x HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${'a'.repeat(20_000)}\r\n\r\n`);
      assert.match(answer, /^HTTP\/1.1 431 /);
      assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error_code, 'CSBS.9001');
    });
  });


  describe('internal failures', () => {
    let server: TestServer;
    let logged = '';
    let cleanup: () => Promise<void>;
    before(async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'cbr-failing-'));
      const store = new SqliteBackupStore(path.join(dir, 'backups.sqlite'));
      store.deleteBackup = async () => {
        throw new Error('SQLITE_IOERR: disk I/O error in DELETE FROM backups WHERE id = ?');
      };
      const logger = pino({ level: 'error' }, { write: (line: string) => void (logged += line) });
      server = await startTestServer({ store, logger, config: mode.config });
      cleanup = () => rm(dir, { recursive: true, force: true });
    });
    after(async () => {
      await server.close();
      await cleanup();
    });

    it('500 CSBS.9998 with no stack, no SQL and no token in the body; the cause is logged', async () => {
      const reply = await deleteBackup(server.url, DEMO_BACKUPS.available[0], { headers: { 'X-Request-Id': 'failing-1' } });
      assertEnvelope(reply, 500, 'CSBS.9998');
      assert.doesNotMatch(reply.text, /SQLITE|DELETE FROM|at .*\.ts|demo-member-token/);
      assert.match(logged, /SQLITE_IOERR/);
      assert.match(logged, /failing-1/);
      assert.doesNotMatch(logged, /demo-member-token/);
    });
  });
});

describe('responses that would break the contract', () => {
  it('become 500 CSBS.9998 while response validation is on, and are logged', async () => {
    let logged = '';
    const logger = pino({ level: 'error' }, { write: (line: string) => void (logged += line) });
    const server = await startTestServer({ logger, config: { validateResponses: true } });
    try {
      // A store that hands out a backup with a field the spec does not declare.
      const original = server.store.getBackup.bind(server.store);
      server.store.getBackup = async (project, id) => {
        const backup = await original(project, id);
        return backup === undefined ? undefined : ({ ...backup, internal_note: 'x' } as typeof backup);
      };
      const reply = await call(backupUrl(server.url, DEMO_BACKUPS.available[0]), { headers: { 'X-Auth-Token': DEMO_TOKENS.reader } });
      assertEnvelope(reply, 500, 'CSBS.9998');
      assert.doesNotMatch(reply.text, /internal_note/);
      assert.match(logged, /internal_note/);
    } finally {
      await server.close();
    }
  });
});
