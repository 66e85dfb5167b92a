// The provider states the verifier needs, as published in fixtures/verification/: which backups
// (in which states) and which tokens a target must hold, by the role each plays in the checks.
//
// - Fixed backups: twelve backups of two projects (FIXTURE_PROJECT and FIXTURE_OTHER_PROJECT),
//   read by every run and never deleted by a correct target: the deleting checks only ever
//   delete pool backups, and aim their refusals at backups that cannot be deleted.
// - The disposable pool: POOL.size backups of a third project (POOL_PROJECT) with the ids
//   POOL.id(1) ... POOL.id(POOL.size), every POOL.errorEvery-th in status `error`, the others
//   `available`. Each run picks, in id order, backups still there (a show that answers 404 means
//   an earlier run deleted it) and deletes only those.
import { readFileSync } from 'node:fs';
import { FIXTURE_BACKUPS_FILE } from './files.ts';

export const FIXTURE_PROJECT = '0605767d1e6f4c4a9c8ff3a0a6f27a21';
export const FIXTURE_OTHER_PROJECT = '9b2e7c1a4d3f4e5b8a6c7d8e9f0a1b2c';
export const POOL_PROJECT = 'd15905ab1e0000000000000000000000';

const fixedId = (n: number) => `3f6c1e2a-7d4b-4c1e-9a5f-${String(n).padStart(12, '0')}`;

/** The fixed backups by what the checks use them for. */
export const FIXTURE_BACKUPS = {
  available: [fixedId(1), fixedId(2), fixedId(3)],
  error: fixedId(4),
  busy: {
    protecting: fixedId(5),
    waiting_protect: fixedId(6),
    restoring: fixedId(7),
    waiting_restore: fixedId(8),
    deleting: fixedId(9),
    waiting_delete: fixedId(10),
  },
  registeredAsImage: fixedId(11),
  /** Of FIXTURE_OTHER_PROJECT, and busy: a target that ignored the project could still not delete it. */
  otherProject: fixedId(12),
  /** Well-formed, never stored. */
  absent: '6df2b54c-dd62-4059-a07c-1b8f24f2725d',
} as const;

/**
 * Backups no target can delete, however it gets the order of its checks wrong (they are busy):
 * refusals that could turn into a deletion are aimed at these. The one fixed backup a faulty
 * target can lose is the one registered as an image, to the scenario that checks just that rule.
 */
export const UNDELETABLE_BACKUPS: readonly string[] = [...Object.values(FIXTURE_BACKUPS.busy), FIXTURE_BACKUPS.otherProject];

export const POOL = {
  size: 600,
  errorEvery: 5,
  /** The pool's n-th backup, 1-based. */
  id: (n: number) => `d15905ab-1e00-4000-8000-${String(n).padStart(12, '0')}`,
  statusOf: (n: number) => (n % 5 === 0 ? 'error' : 'available') as 'error' | 'available',
} as const;

/** Token names as `--token NAME=VALUE` takes them. */
export const TOKEN_NAMES = ['member', 'reader', 'admin', 'other-project', 'expired', 'pool-member', 'pool-admin'] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];

/** What each token must be on the target: its project and roles (or expired). */
export const TOKEN_ROLES: Record<TokenName, { project: string; roles: readonly string[]; expired?: true }> = {
  member: { project: FIXTURE_PROJECT, roles: ['member', 'reader'] },
  reader: { project: FIXTURE_PROJECT, roles: ['reader'] },
  admin: { project: FIXTURE_PROJECT, roles: ['admin', 'member', 'reader'] },
  'other-project': { project: FIXTURE_OTHER_PROJECT, roles: ['member', 'reader'] },
  expired: { project: FIXTURE_PROJECT, roles: ['member', 'reader'], expired: true },
  'pool-member': { project: POOL_PROJECT, roles: ['member', 'reader'] },
  'pool-admin': { project: POOL_PROJECT, roles: ['admin', 'member', 'reader'] },
};

/** The token values of fixtures/verification/tokens.json. */
export const FIXTURE_TOKENS: Readonly<Record<TokenName, string>> = {
  member: 'demo-member-token',
  reader: 'demo-reader-token',
  admin: 'demo-admin-token',
  'other-project': 'demo-other-project-token',
  expired: 'demo-expired-token',
  'pool-member': 'verify-pool-member-token',
  'pool-admin': 'verify-pool-admin-token',
};

/** The access key of fixtures/verification/access-keys.json: a member of the pool's project. */
export const FIXTURE_ACCESS_KEY = { accessKey: 'VERIFYPOOLMEMBERAK01', secretKey: 'verify-pool-member-secret-key-0001' } as const;

export type FixtureBackup = Record<string, unknown> & { id: string; project_id: string; status: string; name: string };

let fixtureBackups: FixtureBackup[] | undefined;

/** Every backup of fixtures/verification/backups.json, fixed ones and the pool. */
export function readFixtureBackups(): FixtureBackup[] {
  fixtureBackups ??= (JSON.parse(readFileSync(FIXTURE_BACKUPS_FILE, 'utf8')) as { backups: FixtureBackup[] }).backups;
  return fixtureBackups;
}

/** The fixed backups (all but the pool), as the target must show them. */
export function fixedFixtureBackups(): FixtureBackup[] {
  return readFixtureBackups().filter((backup) => backup.project_id !== POOL_PROJECT);
}
