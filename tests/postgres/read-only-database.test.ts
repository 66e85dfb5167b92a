// The service process on a PostgreSQL database that takes no writes (read-only mode for the
// database, as a hot standby has too): it refuses to start on one, naming it; and when its
// database turns read-only under it, /readyz says not ready while reads still answer, and it
// is ready again once the database takes writes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { PostgresBackupStore } from '../../server/store/postgres-store.ts';
import { backupUrl, call } from '../support/http.ts';
import { PostgresCluster, postgresUnavailable } from '../support/postgres.ts';
import { setReadOnly } from '../support/read-only.ts';
import { serviceCommand, spawnTracked, startServerProcess, waitFor } from '../support/processes.ts';
import { makeBackup } from '../store/fixtures.ts';

const skip = postgresUnavailable();

describe('the service on a PostgreSQL database that takes no writes', { skip }, () => {
  let cluster: PostgresCluster;
  before(async () => {
    cluster = await PostgresCluster.start();
  });
  after(async () => {
    await cluster?.destroy();
  });

  async function databaseWith(backups: ReturnType<typeof makeBackup>[]): Promise<string> {
    const url = await cluster.createDatabase();
    const store = await PostgresBackupStore.open(url);
    try {
      await store.addBackups(backups);
    } finally {
      await store.close();
    }
    return url;
  }

  test('refuses to start on a database in read-only mode, naming it and saying why, and exits 1', async () => {
    const url = await databaseWith([makeBackup()]);
    await setReadOnly(cluster, url, true);
    const { command, args } = serviceCommand();
    const proc = spawnTracked(command, args, { PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: url });
    const started = setTimeout(() => proc.child.kill('SIGKILL'), 30_000);
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    clearTimeout(started);
    assert.equal(code, 1, proc.output());
    assert.match(proc.output(), new RegExp(`^cannot start: cannot write to the PostgreSQL database ${url}: cannot execute [A-Z ]+ in a read-only transaction \\(the database is read-only: `, 'm'));
    assert.doesNotMatch(proc.output(), /\n\s+at /, 'no stack trace');
  });

  test('turns not ready when its database turns read-only, reads still answer; ready again when it takes writes', async () => {
    const [one, two] = [makeBackup(), makeBackup()];
    const url = await databaseWith([one, two]);
    const server = await startServerProcess({ DATABASE_URL: url, DATABASE_CONNECT_TIMEOUT_MS: '1000' }, { readyTimeoutMs: 60_000 });
    try {
      const ready = () => call(`${server.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
      const show = (id: string) => call(backupUrl(server.url, id, DEMO_PROJECT), { headers: { 'X-Auth-Token': DEMO_TOKENS.reader } });
      const del = (id: string) => call(backupUrl(server.url, id, DEMO_PROJECT), { method: 'DELETE', headers: { 'X-Auth-Token': DEMO_TOKENS.member } });
      assert.equal((await ready()).status, 200);

      await setReadOnly(cluster, url, true);
      // The pool reconnects: its new sessions are read-only.
      await waitFor(async () => (await ready()).status === 503, '/readyz says not ready', 30_000);
      const reply = await ready();
      assert.equal(reply.body.error_code, 'CSBS.9998');
      assert.match(server.output(), /not ready: store takes no writes/);
      assert.equal((await show(one.id)).status, 200, 'reads answer');
      assert.equal((await del(one.id)).status, 500, 'deletes cannot');
      assert.equal((await show(one.id)).status, 200, 'and nothing was deleted');

      await setReadOnly(cluster, url, false);
      await waitFor(async () => (await ready()).status === 200, '/readyz says ready again', 30_000);
      assert.equal((await del(two.id)).status, 204);
    } finally {
      await server.stop();
    }
  });
});
