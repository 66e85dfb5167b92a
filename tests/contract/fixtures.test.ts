// The published provider states (fixtures/verification/): what verify/make-fixtures.ts writes,
// readable by this service in the formats it loads (SEED_FILE, TOKENS_FILE, ACCESS_KEYS_FILE),
// and what verify/fixtures.ts says each entry is for; and the rule that keeps them reusable:
// no check of the verifier can delete a fixed backup from a correct target.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AccessKeysVerifier } from '../../server/auth/access-keys.ts';
import { TokensFileVerifier } from '../../server/auth/tokens-file.ts';
import { readSeedFile } from '../../server/store/seed-file.ts';
import { FIXTURE_ACCESS_KEYS_FILE, FIXTURE_BACKUPS_FILE, FIXTURE_TOKENS_FILE } from '../../verify/files.ts';
import {
  FIXTURE_ACCESS_KEY,
  FIXTURE_BACKUPS,
  FIXTURE_OTHER_PROJECT,
  FIXTURE_PROJECT,
  FIXTURE_TOKENS,
  POOL,
  POOL_PROJECT,
  TOKEN_NAMES,
  TOKEN_ROLES,
  UNDELETABLE_BACKUPS,
  fixedFixtureBackups,
  readFixtureBackups,
} from '../../verify/fixtures.ts';
import { accessKeysFileText, backupsFileText, poolBackup, tokensFileText, usersOf } from '../../verify/make-fixtures.ts';
import { buildScenarios } from '../../verify/scenarios.ts';

describe('fixtures/verification', () => {
  it('is what verify/make-fixtures.ts writes', () => {
    assert.equal(readFileSync(FIXTURE_BACKUPS_FILE, 'utf8'), backupsFileText(fixedFixtureBackups()), 'backups.json: run node --import tsx verify/make-fixtures.ts');
    assert.equal(readFileSync(FIXTURE_TOKENS_FILE, 'utf8'), tokensFileText(usersOf(FIXTURE_TOKENS_FILE)), 'tokens.json: run node --import tsx verify/make-fixtures.ts');
    assert.equal(readFileSync(FIXTURE_ACCESS_KEYS_FILE, 'utf8'), accessKeysFileText(), 'access-keys.json: run node --import tsx verify/make-fixtures.ts');
  });

  it('loads into this service as SEED_FILE, TOKENS_FILE and ACCESS_KEYS_FILE', async () => {
    const backups = readSeedFile(FIXTURE_BACKUPS_FILE);
    assert.equal(backups.length, 12 + POOL.size);
    const tokens = TokensFileVerifier.fromFile(FIXTURE_TOKENS_FILE);
    for (const name of TOKEN_NAMES) {
      const verdict = await tokens.verify(FIXTURE_TOKENS[name]);
      const role = TOKEN_ROLES[name];
      if (role.expired === true) {
        assert.deepEqual(verdict, { ok: false, reason: 'expired token' }, name);
      } else {
        assert.ok(verdict.ok, name);
        assert.equal(verdict.principal.projectId, role.project, name);
        assert.deepEqual(verdict.principal.roles, role.roles, name);
      }
    }
    AccessKeysVerifier.fromFile(FIXTURE_ACCESS_KEYS_FILE);
    const [key] = (JSON.parse(readFileSync(FIXTURE_ACCESS_KEYS_FILE, 'utf8')) as { access_keys: { access_key: string; secret_key: string; project_id: string }[] }).access_keys;
    assert.deepEqual([key?.access_key, key?.secret_key, key?.project_id], [FIXTURE_ACCESS_KEY.accessKey, FIXTURE_ACCESS_KEY.secretKey, POOL_PROJECT]);
  });

  it('holds each fixed backup in the state verify/fixtures.ts names it for', () => {
    const byId = new Map(readFixtureBackups().map((b) => [b.id, b]));
    const statusOf = (id: string) => byId.get(id)?.status;
    for (const id of FIXTURE_BACKUPS.available) assert.equal(statusOf(id), 'available', id);
    assert.equal(statusOf(FIXTURE_BACKUPS.error), 'error');
    for (const [status, id] of Object.entries(FIXTURE_BACKUPS.busy)) assert.equal(statusOf(id), status, id);
    const image = byId.get(FIXTURE_BACKUPS.registeredAsImage) as { extend_info: { os_images_data: unknown[] } } | undefined;
    assert.ok((image?.extend_info.os_images_data.length ?? 0) > 0, 'the backup registered as an image has no image');
    assert.equal(byId.get(FIXTURE_BACKUPS.otherProject)?.project_id, FIXTURE_OTHER_PROJECT);
    assert.equal(statusOf(FIXTURE_BACKUPS.otherProject), 'protecting');
    assert.equal(byId.has(FIXTURE_BACKUPS.absent), false);
    assert.deepEqual(new Set(fixedFixtureBackups().map((b) => b.project_id)), new Set([FIXTURE_PROJECT, FIXTURE_OTHER_PROJECT]));
  });

  it(`has a pool of ${POOL.size} disposable backups of project ${POOL_PROJECT}, ${POOL.id(1)} to ${POOL.id(POOL.size)}, every ${POOL.errorEvery}th in error`, () => {
    const pool = readFixtureBackups().filter((b) => b.project_id === POOL_PROJECT);
    assert.equal(pool.length, POOL.size);
    pool.forEach((backup, i) => {
      assert.equal(backup.id, POOL.id(i + 1));
      assert.equal(backup.status, (i + 1) % POOL.errorEvery === 0 ? 'error' : 'available');
    });
    assert.deepEqual(pool[0], poolBackup(1));
  });

  it('is not deleted by a faulty target: refusals aim at backups that cannot be deleted, successes at the pool', () => {
    const byStatus = (id: string) => readFixtureBackups().find((b) => b.id === id)?.status;
    const deletable = new Set(fixedFixtureBackups().filter((b) => b.status === 'available' || b.status === 'error').map((b) => b.id));
    const scenarios = buildScenarios({ tokens: FIXTURE_TOKENS, pool: { byMember: POOL.id(1), byAdmin: POOL.id(5), signed: POOL.id(2) }, signing: true, mock: true });
    for (const scenario of scenarios.filter((s) => s.request.method === 'DELETE')) {
      const id = /\/backups\/([^/?]+)$/.exec(scenario.request.path)?.[1] ?? '';
      // Only the check of the image rule itself is aimed at the backup registered as an image.
      if (scenario.expect.errorCode !== '6201') assert.ok(!deletable.has(id), `${scenario.name} is aimed at ${id}, which a faulty target could delete`);
      if (scenario.expect.status === 204) assert.ok(id.startsWith('d15905ab-'), `${scenario.name} deletes ${id}, not a pool backup`);
    }
    // The generated deletes are aimed at these (and at pool backups).
    for (const id of UNDELETABLE_BACKUPS) assert.ok(byStatus(id) !== undefined && !deletable.has(id), id);
  });
});
