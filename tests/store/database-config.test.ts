// DATABASE_URL picks the store; the DATABASE_* pool settings apply to PostgreSQL only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.ts';

const PG_URL = 'postgres://backups:secret@db.internal:5432/backups';

test('a postgres:// or postgresql:// URL selects PostgreSQL with the default pool settings', () => {
  for (const url of [PG_URL, 'postgresql://db.internal/backups']) {
    assert.deepEqual(loadConfig({ DATABASE_URL: url }).database, { kind: 'postgres', url, poolSize: 10, connectTimeoutMs: 5000, statementTimeoutMs: 5000 });
  }
});

test('DATABASE_POOL_SIZE and the DATABASE_*_TIMEOUT_MS variables set the pool', () => {
  const env = { DATABASE_URL: PG_URL, DATABASE_POOL_SIZE: '4', DATABASE_CONNECT_TIMEOUT_MS: '750', DATABASE_STATEMENT_TIMEOUT_MS: '2500' };
  assert.deepEqual(loadConfig(env).database, { kind: 'postgres', url: PG_URL, poolSize: 4, connectTimeoutMs: 750, statementTimeoutMs: 2500 });
});

test('a bad pool setting stops the service with a message naming the variable', () => {
  for (const [name, value] of [['DATABASE_POOL_SIZE', '0'], ['DATABASE_POOL_SIZE', 'ten'], ['DATABASE_CONNECT_TIMEOUT_MS', '5s'], ['DATABASE_STATEMENT_TIMEOUT_MS', '10']]) {
    assert.throws(() => loadConfig({ DATABASE_URL: PG_URL, [name!]: value }), (error: unknown) => error instanceof ConfigError && error.message.startsWith(name!), `${name}=${value}`);
  }
});

test('SQLite stays the default, and ignores the pool settings', () => {
  assert.equal(loadConfig({}).database.kind, 'sqlite');
  assert.equal(loadConfig({ DATABASE_POOL_SIZE: 'not checked' }).database.kind, 'sqlite');
});
