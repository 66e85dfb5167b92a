// The service process while its PostgreSQL database fails: stopped (cleanly or as a crash,
// with deletes in flight), frozen (connections accepted, nothing answers), or a row lock
// held past the statement timeout. Requests fail in bounded time with 500 CSBS.9998 in the
// contract's envelope, /readyz says not ready, the process survives, it recovers by itself,
// and no backup is ever half-deleted.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { BackupDetail } from '../../server/contract/types.ts';
import { DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { PostgresBackupStore } from '../../server/store/postgres-store.ts';
import { type Reply, backupUrl, call } from '../support/http.ts';
import { PostgresCluster, postgresUnavailable, withClient } from '../support/postgres.ts';
import { type RunningProcess, startServerProcess, waitFor } from '../support/processes.ts';
import { makeBackup } from '../store/fixtures.ts';

/** Longest any one request may take here: a hang fails the test instead of stalling it. */
const REQUEST_BOUND_MS = 20_000;

const skip = postgresUnavailable();

describe('the service while its PostgreSQL database fails', { skip }, () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  let server: RunningProcess;
  const untouched: BackupDetail[] = [];
  /** Every DELETE answered 204, for the final check. */
  const deletedIds = new Set<string>();
  const allIds: string[] = [];

  before(async () => {
    cluster = await PostgresCluster.start();
    databaseUrl = await cluster.createDatabase();
    const store = await PostgresBackupStore.open(databaseUrl);
    try {
      untouched.push(...Array.from({ length: 80 }, () => makeBackup()));
      await store.addBackups(untouched);
      allIds.push(...untouched.map((b) => b.id));
    } finally {
      await store.close();
    }
    server = await startServerProcess({
      DATABASE_URL: databaseUrl,
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '1500',
    }, { readyTimeoutMs: 60_000 });
  });

  after(async () => {
    await server?.stop();
    await cluster?.destroy();
  });

  const nextBackup = (): BackupDetail => {
    const backup = untouched.shift();
    assert.ok(backup, 'enough fixtures');
    return backup;
  };

  async function del(backupId: string): Promise<Reply> {
    const reply = await call(backupUrl(server.url, backupId), {
      method: 'DELETE',
      headers: { 'X-Auth-Token': DEMO_TOKENS.member },
      signal: AbortSignal.timeout(REQUEST_BOUND_MS),
    });
    if (reply.status === 204) deletedIds.add(backupId);
    return reply;
  }

  const get = (pathname: string): Promise<Reply> =>
    call(`${server.url}${pathname}`, { headers: { 'X-Auth-Token': DEMO_TOKENS.reader }, signal: AbortSignal.timeout(REQUEST_BOUND_MS) });

  function assertServiceUnavailable(reply: Reply, what: string): void {
    assert.equal(reply.status, 500, `${what}: ${reply.text}`);
    assert.deepEqual(Object.keys(reply.body).sort(), ['error_code', 'error_msg', 'request_id'], what);
    assert.equal(reply.body.error_code, 'CSBS.9998', what);
    assert.equal(reply.body.request_id, reply.headers.get('x-request-id'), what);
    assert.doesNotMatch(reply.text, /ECONNREFUSED|timeout|postgres|SELECT|terminat/i, `${what}: no internals in the body`);
  }

  /** While the database is unavailable: every kind of request fails cleanly, and the process lives. */
  async function assertFailsCleanly(): Promise<void> {
    const backup = nextBackup();
    assertServiceUnavailable(await del(backup.id), 'DELETE');
    assertServiceUnavailable(await get(`/v3/${DEMO_PROJECT}/backups/${backup.id}`), 'show');
    assertServiceUnavailable(await get(`/v3/${DEMO_PROJECT}/backups?limit=5`), 'list');
    const ready = await get('/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.error_code, 'CSBS.9998');
    assert.equal((await get('/healthz')).status, 200, 'alive: restarting the process would not help');
    assert.equal(server.child.exitCode, null, 'the process is still running');
  }

  /** Ready again without a restart, and deleting. */
  async function assertRecovered(): Promise<void> {
    await waitFor(async () => (await get('/readyz')).status === 200, 'ready again after the database came back', 30_000);
    assert.equal((await del(nextBackup().id)).status, 204);
    assert.equal((await get(`/v3/${DEMO_PROJECT}/backups?limit=5`)).status, 200);
  }

  /** Each backup is either still stored with no audit record, or gone with exactly one. */
  async function assertNothingHalfDeleted(): Promise<void> {
    await withClient(databaseUrl, async (client) => {
      const stored = new Set((await client.query('SELECT id FROM backups WHERE id = ANY($1)', [allIds])).rows.map((r) => r.id as string));
      const audited = new Map(
        (await client.query('SELECT backup_id, count(*)::int AS n FROM deletion_audit WHERE backup_id = ANY($1) GROUP BY backup_id', [allIds])).rows.map(
          (r) => [r.backup_id as string, r.n as number],
        ),
      );
      for (const id of allIds) {
        if (stored.has(id)) assert.equal(audited.get(id), undefined, `${id} is stored but has an audit record`);
        else assert.equal(audited.get(id), 1, `${id} is gone with ${audited.get(id) ?? 0} audit records`);
      }
      for (const id of deletedIds) assert.equal(stored.has(id), false, `${id} was answered 204 but is still stored`);
    });
  }

  /** Requests that leave idle connections in the service's pool. */
  async function warmUp(): Promise<void> {
    const replies = await Promise.all(Array.from({ length: 4 }, () => del(nextBackup().id)));
    assert.deepEqual(replies.map((r) => r.status), [204, 204, 204, 204]);
  }

  test('a DELETE stuck on a row lock fails with 500 CSBS.9998 at the statement timeout, deleting nothing', async () => {
    const backup = nextBackup();
    await withClient(databaseUrl, async (client) => {
      await client.query('BEGIN');
      await client.query('SELECT id FROM backups WHERE id = $1 FOR UPDATE', [backup.id]);
      try {
        assertServiceUnavailable(await del(backup.id), 'DELETE behind a lock');
      } finally {
        await client.query('ROLLBACK');
      }
    });
    assert.equal((await del(backup.id)).status, 204, 'deletable once the lock is gone');
    await assertNothingHalfDeleted();
  });

  test('stopped cleanly: idle connections drop without a crash, requests fail fast, then it recovers', async () => {
    await warmUp();
    await cluster.stop('fast');
    try {
      await assertFailsCleanly();
      // The pool's idle connections were closed by the server: reported, not fatal.
      assert.match(server.output(), /database connection lost/);
    } finally {
      await cluster.start();
    }
    await assertRecovered();
    await assertNothingHalfDeleted();
  });

  test('crashed with deletes in flight: each is either done (204) or not (500), never half', async () => {
    await warmUp();
    const inFlight = Array.from({ length: 16 }, () => del(nextBackup().id));
    await cluster.stop('immediate');
    try {
      for (const reply of await Promise.all(inFlight)) {
        if (reply.status !== 204) assertServiceUnavailable(reply, 'DELETE in flight');
      }
      await assertFailsCleanly();
    } finally {
      await cluster.start();
    }
    await assertRecovered();
    await assertNothingHalfDeleted();
  });

  test('frozen (connections accepted, no answer): requests fail after the timeouts, not hang; then it recovers', async () => {
    await warmUp();
    cluster.freeze();
    try {
      await assertFailsCleanly();
    } finally {
      cluster.thaw();
    }
    await assertRecovered();
    await assertNothingHalfDeleted();
  });
});

describe('starting against a database that never answers', () => {
  test('the service gives up after the connect timeout and exits with a message', async () => {
    // Accepts TCP connections and says nothing, as a hung database host would.
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => sockets.add(socket));
    blackHole.listen(0, '127.0.0.1');
    await once(blackHole, 'listening');
    const { port } = blackHole.address() as { port: number };
    try {
      await assert.rejects(
        startServerProcess({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/backups`, DATABASE_CONNECT_TIMEOUT_MS: '500' }),
        /process exited \(1\)[\s\S]*cannot start/,
      );
      assert.ok(sockets.size > 0, 'the service did try to connect');
    } finally {
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  });
});
