// What every connection to the SQLite store shares, the serving one (sqlite-store.ts) and the
// listing readers' (list-worker.ts): the dialect, the way queries are run, and the time limit
// of listings.
import type Database from 'better-sqlite3';
import type { Query, StoreDialect } from './backup-store.ts';
import { STATEMENTS } from './sql.ts';
import { ListingTimeLimitError } from './store.ts';

/** The SQL function a listing's conditions call (below). */
const IN_TIME = 'listing_in_time';

export const SQLITE_DIALECT: StoreDialect = {
  migrations: 'sqlite',
  contains: (column) => `instr(${column}, ?) > 0`,
  // The IMMEDIATE transaction already holds the database's write lock.
  findForDelete: STATEMENTS.findBackup,
  // Kept by the triggers of migration 2.
  projectCount: STATEMENTS.projectCount,
  // A count, or a page in an order of several keys, reads the project's rows through an index.
  // Left to itself, SQLite takes the narrowest, (project_id, id), whose order is the ids':
  // random, so each row read is a jump in the table (a count over 300,000 backups with random
  // ids: 873 ms, against 140 ms in creation order, which is about the table's; a page sorted by
  // five keys: 1080 ms against 270 ms). Creation order also gives the first key of an order
  // starting with created_at; the status filter's index seeks the statuses asked for.
  scanFrom: (query) => `backups INDEXED BY ${query.status !== undefined && query.status.length > 0 ? 'backups_project_status' : 'backups_project_created'}`,
  hasSchema: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
  listingCheck: `${IN_TIME}()`,
};

/** Runs queries on `db`, each statement prepared once (the fixed ones, and listing and audit shapes: a few thousand at most). */
export function statementRunner(db: Database.Database): (query: Query) => unknown {
  const prepared = new Map<string, Database.Statement<unknown[]>>();
  return (query) => {
    if (query.kind === 'exec') return void db.exec(query.sql);
    let statement = prepared.get(query.sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[]>(query.sql);
      prepared.set(query.sql, statement);
    }
    switch (query.kind) {
      case 'get':
        return statement.get(query.params);
      case 'all':
        return statement.all(query.params);
      case 'run':
        return statement.run(query.params).changes;
    }
  };
}

/** How many rows a listing reads between two looks at the clock. */
const ROWS_PER_CHECK = 256;

/**
 * The time limit of listings on `db`. better-sqlite3 has neither a progress handler nor an
 * interrupt, so a listing's conditions call a function (SQLITE_DIALECT.listingCheck) that
 * SQLite evaluates for every index entry a query reads, before its row: past the deadline
 * it fails the statement, and the listing with it. `within(deadline, work)` runs `work` with
 * the deadline (epoch milliseconds); outside it the function never fails.
 */
export function listingClock(db: Database.Database, limitMs: number): { within<T>(deadline: number, work: () => T): T } {
  let deadline = Number.POSITIVE_INFINITY;
  let rows = 0;
  db.function(IN_TIME, { deterministic: false, directOnly: true }, () => {
    if (++rows % ROWS_PER_CHECK === 0 && Date.now() > deadline) throw new ListingTimeLimitError(limitMs);
    return 1;
  });
  return {
    within(until, work) {
      deadline = until;
      try {
        if (Date.now() > deadline) throw new ListingTimeLimitError(limitMs);
        return work();
      } finally {
        deadline = Number.POSITIVE_INFINITY;
      }
    },
  };
}
