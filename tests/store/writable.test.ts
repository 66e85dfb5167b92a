// Stores that cannot write, on both stores: a file or database the service cannot write is
// refused when the store opens, naming it; checkWritable() tells a running store that has
// lost its writes (what /readyz asks), changes nothing, and does not wait behind another
// writer; a store opened read-only (for readers) creates nothing and needs the schema.
// Also what addBackupsCounted tells about each backup it was given.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { DEMO_PROJECT } from '../../server/demo/demo.ts';
import { PostgresBackupStore } from '../../server/store/postgres-store.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import type { BackupStore } from '../../server/store/store.ts';
import { PostgresCluster, postgresUnavailable, withClient } from '../support/postgres.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { NOBODY, asRoot, setReadOnly } from '../support/read-only.ts';
import { makeBackup } from './fixtures.ts';

const ACTOR = { userId: 'u-1', userName: 'tester', requestId: 'req-1' };

/** checkWritable resolves well before the 5 s a write waits for another writer's lock. */
const PROBE_BOUND_MS = 2000;

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** What every store that has lost its writes does: reads answer, writes and checkWritable fail, nothing changes. */
async function assertReadsOnly(store: BackupStore, stored: string, where: RegExp): Promise<void> {
  assert.equal((await store.getBackup(DEMO_PROJECT, stored))?.id, stored, 'reads still answer');
  await store.ping();
  await assert.rejects(store.checkWritable(), (error: Error) => {
    assert.match(error.message, where);
    return true;
  });
  await assert.rejects(store.deleteBackup(DEMO_PROJECT, stored, ACTOR));
  assert.equal((await store.getBackup(DEMO_PROJECT, stored))?.id, stored, 'nothing was deleted');
  assert.deepEqual(await store.auditTrail(), []);
}

describe('SQLite store that cannot write', () => {
  let dir: string;
  let files = 0;
  const newFile = () => path.join(dir, `writable-${++files}.sqlite`);
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-writable-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A store file holding one backup, closed; its path and the backup's id. */
  async function storedFile(): Promise<{ file: string; id: string }> {
    const file = newFile();
    const store = new SqliteBackupStore(file);
    const backup = makeBackup();
    await store.addBackups([backup]);
    await store.close();
    return { file, id: backup.id };
  }

  test('checkWritable resolves on a store that writes, and changes nothing', async (t) => {
    const file = newFile();
    const store = new SqliteBackupStore(file);
    t.after(() => store.close());
    const backup = makeBackup();
    await store.addBackups([backup]);
    await store.checkWritable();
    assert.deepEqual(await store.getBackup(DEMO_PROJECT, backup.id), backup);
    assert.equal((await store.deleteBackup(DEMO_PROJECT, backup.id, ACTOR)).verdict, 'deleted', 'and writes still go through');
  });

  test('checkWritable does not wait behind another connection that holds the write lock', async (t) => {
    const file = newFile();
    const store = new SqliteBackupStore(file);
    t.after(() => store.close());
    const writer = new Database(file);
    t.after(() => writer.close());
    writer.exec('BEGIN IMMEDIATE');
    try {
      // The database takes writes (someone is writing): no failure, and no 5 s wait.
      const elapsed = await timed(() => store.checkWritable());
      assert.ok(elapsed < PROBE_BOUND_MS, `checkWritable took ${elapsed} ms behind another writer`);
    } finally {
      writer.exec('ROLLBACK');
    }
  });

  test('a file the process cannot write is refused when the store opens, naming the file', async () => {
    const { file } = await storedFile();
    // Another process (as nobody when this one is root) on a file it may read but not write,
    // in a directory it may write (where SQLite puts the -wal and -shm files).
    chmodSync(dir, 0o777);
    chmodSync(file, 0o644);
    if (!asRoot) chmodSync(file, 0o444);
    const script = `
      import { SqliteBackupStore } from './server/store/sqlite-store.ts';
      try {
        new SqliteBackupStore(${JSON.stringify(file)});
        console.log('opened');
      } catch (error) {
        console.log(error.message);
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      ...(asRoot ? NOBODY : {}),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await once(child, 'exit');
    chmodSync(file, 0o644);
    assert.equal(output.trim(), `cannot write to the database file ${file}: attempt to write a readonly database (the file, its directory and its -wal and -shm files must be writable by the user the service runs as)`);
  });

  test('opened read-only: reads answer, writes and checkWritable fail naming the file, nothing changes', async (t) => {
    const { file, id } = await storedFile();
    const store = new SqliteBackupStore(file, { readOnly: true });
    t.after(() => store.close());
    await assertReadsOnly(store, id, new RegExp(`^cannot write to the database file ${file}: attempt to write a readonly database`));
  });

  test('opened read-only on a file that does not exist: "no database at", and no file is created', () => {
    const file = newFile();
    assert.throws(() => new SqliteBackupStore(file, { readOnly: true }), { message: `no database at ${file}` });
    assert.equal(existsSync(file), false);
  });

  test('opened read-only on a SQLite file without the schema: says so and changes nothing', () => {
    const file = newFile();
    new Database(file).exec('CREATE TABLE other (x)');
    assert.throws(() => new SqliteBackupStore(file, { readOnly: true }), { message: new RegExp(`^no backup schema in the database file ${file}`) });
    assert.deepEqual(new Database(file, { readonly: true }).prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(), [{ name: 'other' }]);
  });

  test('addBackupsCounted tells added, already stored and deleted before apart', async (t) => {
    const store = new SqliteBackupStore(newFile());
    t.after(() => store.close());
    await assertCounts(store);
  });
});

describe('PostgreSQL store that cannot write', { skip: postgresUnavailable() }, () => {
  let cluster: PostgresCluster;
  before(async () => {
    cluster = await PostgresCluster.start();
  });
  after(async () => {
    await cluster?.destroy();
  });

  /** A new database holding the schema and one backup; its URL and the backup's id. */
  async function storedDatabase(): Promise<{ url: string; id: string }> {
    const url = await cluster.createDatabase();
    const store = await PostgresBackupStore.open(url);
    const backup = makeBackup();
    await store.addBackups([backup]);
    await store.close();
    return { url, id: backup.id };
  }

  const readOnlyMessage = (url: string) =>
    new RegExp(
      `^cannot write to the PostgreSQL database ${url}: cannot execute [A-Z ]+ in a read-only transaction \\(the database is read-only: default_transaction_read_only is on for the role or the database, or the server is a hot standby\\)$`,
    );

  test('checkWritable resolves on a store that writes, and changes nothing', async (t) => {
    const { url, id } = await storedDatabase();
    const store = await PostgresBackupStore.open(url);
    t.after(() => store.close());
    await store.checkWritable();
    assert.equal((await store.getBackup(DEMO_PROJECT, id))?.id, id);
    assert.equal((await store.deleteBackup(DEMO_PROJECT, id, ACTOR)).verdict, 'deleted', 'and writes still go through');
  });

  test('checkWritable does not wait behind a lock another transaction holds', async (t) => {
    const { url } = await storedDatabase();
    const store = await PostgresBackupStore.open(url);
    t.after(() => store.close());
    await withClient(url, async (client) => {
      await client.query('BEGIN');
      await client.query('LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE');
      try {
        const elapsed = await timed(() => store.checkWritable());
        assert.ok(elapsed < PROBE_BOUND_MS, `checkWritable took ${elapsed} ms behind a lock`);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });

  test('a database in read-only mode is refused when the store opens, naming it', async () => {
    const { url } = await storedDatabase();
    await setReadOnly(cluster, url, true);
    await assert.rejects(PostgresBackupStore.open(url), (error: Error) => {
      assert.match(error.message, readOnlyMessage(url));
      return true;
    });
    // A new database too: the migrations' first statement is refused the same way.
    const fresh = await cluster.createDatabase();
    await setReadOnly(cluster, fresh, true);
    await assert.rejects(PostgresBackupStore.open(fresh), (error: Error) => {
      assert.match(error.message, readOnlyMessage(fresh));
      return true;
    });
  });

  test('a running store whose database turns read-only: reads answer, writes and checkWritable fail, nothing changes', async (t) => {
    const { url, id } = await storedDatabase();
    const store = await PostgresBackupStore.open(url, { onConnectionError: () => {} });
    t.after(() => store.close());
    await store.checkWritable();
    await setReadOnly(cluster, url, true);
    // The pool's connections were ended: the first call may fail on one, then it reconnects.
    await store.ping().catch(() => store.ping());
    await assertReadsOnly(store, id, readOnlyMessage(url));
  });

  test('the message never shows the password of the URL', async () => {
    const { url } = await storedDatabase();
    // The test cluster trusts every connection: the password is carried, and not needed.
    await setReadOnly(cluster, url, true);
    const withPassword = url.replace('postgres@', 'postgres:sekret@');
    await assert.rejects(PostgresBackupStore.open(withPassword), (error: Error) => {
      assert.doesNotMatch(error.message, /sekret/);
      assert.match(error.message, readOnlyMessage(url));
      return true;
    });
  });

  test('opened read-only: reads answer, writes and checkWritable fail, nothing changes', async (t) => {
    const { url, id } = await storedDatabase();
    const store = await PostgresBackupStore.open(url, { readOnly: true });
    t.after(() => store.close());
    await assertReadsOnly(store, id, readOnlyMessage(url));
  });

  test('opened read-only on a database without the schema: says so and creates nothing', async () => {
    const url = await cluster.createDatabase();
    await assert.rejects(PostgresBackupStore.open(url, { readOnly: true }), {
      message: `no backup schema in the PostgreSQL database ${url}: the service has never run on it (is DATABASE_URL right?)`,
    });
    const tables = await withClient(url, async (client) => (await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows);
    assert.deepEqual(tables, []);
  });

  test('addBackupsCounted tells added, already stored and deleted before apart', async (t) => {
    const store = await PostgresBackupStore.open(await cluster.createDatabase());
    t.after(() => store.close());
    await assertCounts(store);
  });
});

async function assertCounts(store: BackupStore): Promise<void> {
  const [kept, deleted, fresh] = [makeBackup(), makeBackup(), makeBackup()];
  await store.addBackups([kept, deleted]);
  assert.equal((await store.deleteBackup(DEMO_PROJECT, deleted.id, ACTOR)).verdict, 'deleted');
  assert.deepEqual(await store.addBackupsCounted([kept, deleted, fresh]), { added: 1, alreadyStored: 1, alreadyDeleted: 1 });
  assert.equal(await store.getBackup(DEMO_PROJECT, deleted.id), undefined);
  assert.deepEqual(await store.addBackupsCounted([]), { added: 0, alreadyStored: 0, alreadyDeleted: 0 });
}
