// Names for the demo data in server/demo/*.json, for the start-up banner, docs and tests.
export const DEMO_PROJECT = '0605767d1e6f4c4a9c8ff3a0a6f27a21';
export const DEMO_OTHER_PROJECT = '9b2e7c1a4d3f4e5b8a6c7d8e9f0a1b2c';

export const DEMO_TOKENS = {
  member: 'demo-member-token',
  reader: 'demo-reader-token',
  admin: 'demo-admin-token',
  otherProject: 'demo-other-project-token',
  expired: 'demo-expired-token',
} as const;

const id = (n: number) => `3f6c1e2a-7d4b-4c1e-9a5f-${String(n).padStart(12, '0')}`;

/** Demo backups of DEMO_PROJECT by what deleting them gives, plus one of the other project. */
export const DEMO_BACKUPS = {
  available: [id(1), id(2), id(3)],
  error: id(4),
  busy: {
    protecting: id(5),
    waiting_protect: id(6),
    restoring: id(7),
    waiting_restore: id(8),
    deleting: id(9),
    waiting_delete: id(10),
  },
  registeredAsImage: id(11),
  otherProject: id(12),
  /** Well-formed, never stored. */
  absent: '6df2b54c-dd62-4059-a07c-1b8f24f2725d',
} as const;
