// The store conformance suite on the PostgreSQL store: one throwaway cluster for the file,
// a new database per test. Also what only a shared database has: instances that start
// together on a new database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MIGRATIONS } from '../../server/store/migrations.ts';
import { PostgresBackupStore } from '../../server/store/postgres-store.ts';
import { postgresBackupEngine } from '../support/backup-engine.ts';
import { PostgresCluster, postgresUnavailable, withClient } from '../support/postgres.ts';
import { storeConformance } from './conformance.ts';

describe('PostgreSQL store', { skip: postgresUnavailable() }, () => {
  let cluster: PostgresCluster;
  before(async () => {
    cluster = await PostgresCluster.start();
  });
  after(async () => {
    await cluster?.destroy();
  });

  storeConformance({
    async freshDatabase() {
      const url = await cluster.createDatabase();
      return { open: (options) => PostgresBackupStore.open(url, options), engine: () => postgresBackupEngine(url) };
    },
  });

  describe('schema', () => {
    test('stores opened at once on a new database apply each migration once', async () => {
      const url = await cluster.createDatabase();
      const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresBackupStore.open(url, { poolSize: 2 })));
      try {
        await Promise.all(stores.map((store) => store.ping()));
        const versions = await withClient(url, async (client) => (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows);
        assert.deepEqual(versions.map((r) => r.version), MIGRATIONS.map((m) => m.version));
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    test('text columns order by code point whatever the database locale', async () => {
      const url = await cluster.createDatabase();
      const store = await PostgresBackupStore.open(url);
      await store.close();
      await withClient(url, async (client) => {
        const { rows } = await client.query("SELECT datcollate, daticulocale FROM pg_database WHERE datname = current_database()");
        assert.equal(rows[0].daticulocale, 'en-US', 'the test database sorts by a human locale');
        const { rows: columns } = await client.query(
          "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C' AND table_name <> 'schema_migrations'",
        );
        assert.deepEqual(columns, []);
      });
    });
  });
});
