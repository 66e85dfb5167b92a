// The store conformance suite on the embedded SQLite store, one new file per test.
import { mkdtemp, rm } from 'node:fs/promises';
import { after, before, describe } from 'node:test';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { sqliteBackupEngine } from '../support/backup-engine.ts';
import { storeConformance } from './conformance.ts';

describe('SQLite store', () => {
  let dir: string;
  let files = 0;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-store-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  storeConformance({
    async freshDatabase() {
      const file = path.join(dir, `store-${++files}.sqlite`);
      return { open: async (options) => new SqliteBackupStore(file, options), engine: () => sqliteBackupEngine(file) };
    },
  });
});
