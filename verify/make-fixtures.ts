// Writes fixtures/verification/: backups.json (the fixed backups as they are in it, then the
// disposable pool, made here), tokens.json and access-keys.json (made from fixtures.ts).
// Usage: node --import tsx verify/make-fixtures.ts [--fixed-from SEED_FILE]
// (tests/contract/fixtures.test.ts checks that the files are what this writes.)
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FIXTURE_ACCESS_KEYS_FILE, FIXTURE_BACKUPS_FILE, FIXTURE_TOKENS_FILE } from './files.ts';
import { FIXTURE_ACCESS_KEY, FIXTURE_TOKENS, POOL, POOL_PROJECT, TOKEN_NAMES, TOKEN_ROLES, type FixtureBackup } from './fixtures.ts';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The pool's n-th backup: the smallest backup the spec allows, plus the fields every backup has. */
export function poolBackup(n: number): FixtureBackup {
  const status = POOL.statusOf(n);
  // One minute apart, from 2026-10-01T00:00:00.
  const created = new Date(Date.UTC(2026, 9, 1) + n * 60_000).toISOString().replace(/\.\d{3}Z$/, '');
  return {
    id: POOL.id(n),
    name: `verify-pool-${pad(n, 4)}`,
    description: 'Disposable: cbr-verify deletes it',
    project_id: POOL_PROJECT,
    vault_id: 'd15905ab-1e00-4000-8000-a00000000000',
    checkpoint_id: `d15905ab-1e00-4000-8000-c${pad(n, 11)}`,
    parent_id: null,
    resource_id: `d15905ab-1e00-4000-8000-e${pad(n, 11)}`,
    resource_name: 'verify-pool-volume',
    resource_type: 'OS::Cinder::Volume',
    resource_size: 10,
    resource_az: 'az1.dc1',
    image_type: 'backup',
    status,
    created_at: created,
    updated_at: created,
    expired_at: null,
    protected_at: status === 'available' ? created : null,
    enterprise_project_id: '0',
    provider_id: 'd290f1ee-6c54-4b01-90e6-d701748f0851',
    extend_info: {
      auto_trigger: false,
      bootable: false,
      incremental: false,
      support_lld: false,
      supported_restore_mode: 'backup',
      os_images_data: [],
      contain_system_disk: false,
      encrypted: false,
      system_disk: false,
      is_multi_az: false,
    },
    incremental: false,
    version: 2,
    replication_records: [],
  };
}

export function poolBackups(): FixtureBackup[] {
  return Array.from({ length: POOL.size }, (_, i) => poolBackup(i + 1));
}

/** Fixed backups written out in full, the pool one backup a line. */
export function backupsFileText(fixed: readonly FixtureBackup[]): string {
  const indent = (text: string) => text.replace(/\n/g, '\n    ');
  const entries = [...fixed.map((b) => `    ${indent(JSON.stringify(b, null, 2))}`), ...poolBackups().map((b) => `    ${JSON.stringify(b)}`)];
  return `{\n  "backups": [\n${entries.join(',\n')}\n  ]\n}\n`;
}

const POOL_USERS: Record<string, { id: string; name: string }> = {
  'pool-member': { id: 'd15905ab1e00400080000000000000a1', name: 'verify-pool-member' },
  'pool-admin': { id: 'd15905ab1e00400080000000000000a2', name: 'verify-pool-admin' },
};

/** tokens.json: the tokens of fixtures.ts, in TOKENS_FILE's format; `users` for the ones kept from an earlier file. */
export function tokensFileText(users: Readonly<Record<string, { id: string; name: string }>>): string {
  const tokens = TOKEN_NAMES.map((name) => ({
    token: FIXTURE_TOKENS[name],
    project_id: TOKEN_ROLES[name].project,
    user: POOL_USERS[name] ?? users[FIXTURE_TOKENS[name]] ?? { id: '00000000000000000000000000000000', name },
    roles: [...TOKEN_ROLES[name].roles],
    expires_at: TOKEN_ROLES[name].expired === true ? '2020-01-01T00:00:00Z' : '2099-12-31T23:59:59Z',
  }));
  return `${JSON.stringify({ tokens }, null, 2)}\n`;
}

export function accessKeysFileText(): string {
  const key = {
    access_key: FIXTURE_ACCESS_KEY.accessKey,
    secret_key: FIXTURE_ACCESS_KEY.secretKey,
    project_id: POOL_PROJECT,
    user: POOL_USERS['pool-member'],
    roles: [...TOKEN_ROLES['pool-member'].roles],
  };
  return `${JSON.stringify({ access_keys: [key] }, null, 2)}\n`;
}

/** The users of a tokens file by token, so that regenerating keeps them. */
export function usersOf(tokensFile: string): Record<string, { id: string; name: string }> {
  const { tokens } = JSON.parse(readFileSync(tokensFile, 'utf8')) as { tokens: { token: string; user: { id: string; name: string } }[] };
  return Object.fromEntries(tokens.map((t) => [t.token, t.user]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'fixed-from': { type: 'string' }, 'users-from': { type: 'string' } } });
  const from = values['fixed-from'] ?? FIXTURE_BACKUPS_FILE;
  const fixed = (JSON.parse(readFileSync(from, 'utf8')) as { backups: FixtureBackup[] }).backups.filter((b) => b.project_id !== POOL_PROJECT);
  writeFileSync(FIXTURE_BACKUPS_FILE, backupsFileText(fixed));
  writeFileSync(FIXTURE_TOKENS_FILE, tokensFileText(usersOf(values['users-from'] ?? FIXTURE_TOKENS_FILE)));
  writeFileSync(FIXTURE_ACCESS_KEYS_FILE, accessKeysFileText());
  console.log(`wrote ${FIXTURE_BACKUPS_FILE} (${fixed.length} fixed backups, ${POOL.size} in the pool), ${FIXTURE_TOKENS_FILE}, ${FIXTURE_ACCESS_KEYS_FILE}`);
}
