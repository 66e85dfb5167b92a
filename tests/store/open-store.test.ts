// Opening the configured store and seeding it: what the seed log line counts, and a reader's
// open that never creates a store.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { DEMO_PROJECT } from '../../server/demo/demo.ts';
import { openStore, seedStore } from '../../server/store/open-store.ts';
import { makeBackup } from './fixtures.ts';

describe('openStore and seedStore', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-open-store-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('the seed log line counts added, already stored and deleted backups, each as what it is', async (t) => {
    const store = await openStore({ kind: 'sqlite', file: path.join(dir, 'seeded.sqlite') });
    t.after(() => store.close());
    const [kept, deleted, fresh] = [makeBackup(), makeBackup(), makeBackup()];
    await store.addBackups([kept, deleted]);
    await store.deleteBackup(DEMO_PROJECT, deleted.id, { userId: 'u', userName: 'n', requestId: 'r' });
    const seedFile = path.join(dir, 'seed.json');
    await writeFile(seedFile, JSON.stringify({ backups: [kept, deleted, fresh] }));
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    await seedStore(store, { seedFile, production: false, logger });
    const line = lines.find((l) => l.msg === 'seed file loaded');
    assert.ok(line, JSON.stringify(lines));
    assert.deepEqual({ added: line.added, already_stored: line.already_stored, already_deleted: line.already_deleted }, { added: 1, already_stored: 1, already_deleted: 1 });
    assert.equal(await store.getBackup(DEMO_PROJECT, deleted.id), undefined, 'the deleted backup stays deleted');
  });

  test('readOnly: a store that does not exist is an error, and is not created', async () => {
    const file = path.join(dir, 'missing', 'backups.sqlite');
    await assert.rejects(openStore({ kind: 'sqlite', file }, { readOnly: true }), { message: `no database at ${file}` });
    assert.equal(existsSync(path.dirname(file)), false, 'not even its directory');
  });

  test('readOnly: an existing store is read, and takes no writes', async () => {
    const file = path.join(dir, 'existing.sqlite');
    const backup = makeBackup();
    const writer = await openStore({ kind: 'sqlite', file });
    await writer.addBackups([backup]);
    await writer.close();
    const reader = await openStore({ kind: 'sqlite', file }, { readOnly: true });
    try {
      assert.deepEqual(await reader.getBackup(DEMO_PROJECT, backup.id), backup);
      await assert.rejects(reader.checkWritable(), /^Error: cannot write to the database file/);
    } finally {
      await reader.close();
    }
  });
});
