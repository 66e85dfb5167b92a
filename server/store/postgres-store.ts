// The shared store for several instances: one PostgreSQL database through a node-postgres
// pool, running backup-store.ts's sequences with an await per query. Every call is bounded in
// time, so a database that is down or stuck fails requests fast instead of holding them, and
// the pool heals itself when it is back.
import pg from 'pg';
import type { PostgresPoolConfig } from '../config.ts';
import type { ListBackupsQuery } from '../contract/types.ts';
import { type Query, SqlBackupStore, type Steps, type StoreDialect, type TransactionKind, listSteps, migrateSteps, runStepsAsync } from './backup-store.ts';
import { STATEMENTS, numberPlaceholders } from './sql.ts';
import { DEFAULT_LIST_TIME_LIMIT_MS, type ListOutcome, ListingTimeLimitError } from './store.ts';

const DIALECT: StoreDialect = {
  migrations: 'postgres',
  contains: (column) => `strpos(${column}, ?) > 0`,
  // A concurrent delete (or status change) of this row waits for this transaction. Under
  // READ COMMITTED the waiter then re-reads the row: gone means not_found, a new status is
  // decided on afresh.
  findForDelete: `${STATEMENTS.findBackup} FOR UPDATE`,
  // No projectCount: a row per project updated by every delete would serialise the instances
  // deleting concurrently, so listings count.
  hasSchema: "SELECT 1 AS present WHERE to_regclass('schema_migrations') IS NOT NULL",
};

/** How long the write probe waits for a lock another transaction holds (see 'probe'). */
const PROBE_LOCK_TIMEOUT_MS = 200;

/** SQLSTATEs: a write refused by a read-only transaction (read-only mode, a hot standby); a lock not granted in time. */
const READ_ONLY_SQL_TRANSACTION = '25006';
const LOCK_NOT_AVAILABLE = '55P03';
/** SQLSTATE of a statement cancelled, by statement_timeout among others. */
const QUERY_CANCELED = '57014';

/** A listing's statement_timeout is set again before a statement when this much more of its time has gone. */
const LISTING_TIMEOUT_STEP_MS = 50;

const POOL_DEFAULTS: PostgresPoolConfig = { poolSize: 10, connectTimeoutMs: 5000, statementTimeoutMs: 5000 };

/** Migrations may rewrite big tables: they get far longer than a request's statement. */
const MIGRATION_TIMEOUT_MS = 10 * 60_000;

/** How each kind of transaction starts; a 'read' has none. */
const BEGIN: Record<Exclude<TransactionKind, 'read'>, readonly string[]> = {
  delete: ['BEGIN'],
  write: ['BEGIN'],
  // One snapshot for the marker, the page and the count.
  snapshot: ['BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'],
  // Instances starting together queue on an advisory lock held for the transaction.
  migrate: ['BEGIN', `SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`, "SELECT pg_advisory_xact_lock(hashtext('cbr-backup-api schema migrations'))"],
  // As a write starts (read-only when the database is), but without waiting long for a lock.
  probe: ['BEGIN', `SET LOCAL lock_timeout = ${PROBE_LOCK_TIMEOUT_MS}`],
};

export interface PostgresStoreOptions extends Partial<PostgresPoolConfig> {
  now?: () => Date;
  /** Told about connections lost while idle in the pool (the database restarted or went away). */
  onConnectionError?: (error: Error) => void;
  /**
   * For readers (npm run audit-trail): the database must hold the schema already; nothing is
   * created or migrated, and every transaction is read-only.
   */
  readOnly?: boolean;
  /**
   * How long a listing may take (its marker, page and count, and any wait for a turn), from its
   * arrival, before it fails with ListingTimeLimitError (default DEFAULT_LIST_TIME_LIMIT_MS).
   */
  listTimeLimitMs?: number;
  /** How many listings run at once, so that deletes always find a free connection (default half the pool, at least 1). */
  listConcurrency?: number;
}

/** At most `size` listings at once; the others wait in arrival order, each until its deadline. */
class ListingSlots {
  #free: number;
  readonly #waiting: { resolve: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  take(deadline: number, late: () => Error): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.#waiting.splice(this.#waiting.indexOf(entry), 1);
          reject(late());
        }, Math.max(0, deadline - Date.now())),
      };
      this.#waiting.push(entry);
    });
  }

  give(): void {
    const next = this.#waiting.shift();
    if (next === undefined) {
      this.#free++;
      return;
    }
    clearTimeout(next.timer);
    next.resolve();
  }
}

export class PostgresBackupStore extends SqlBackupStore {
  readonly #pool: pg.Pool;
  readonly #onConnectionError: (error: Error) => void;
  readonly #connectTimeoutMs: number;
  /** Statements as node-postgres wants them ($1, $2, ...), converted once. */
  readonly #numbered = new Map<string, string>();
  /** What errors call the database: its URL without the password. */
  readonly #where: string;
  readonly #listTimeLimitMs: number;
  readonly #listingSlots: ListingSlots;

  /**
   * Connects, brings the schema up to date (one instance at a time) and checks that the
   * database takes writes: one in read-only mode is refused here, naming it, rather than at
   * the first delete. With `readOnly`, connects for reading a schema that must exist.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresBackupStore> {
    const store = new PostgresBackupStore(url, options);
    try {
      if (options.readOnly === true) {
        if (!(await store.hasSchema())) throw new Error(`no backup schema in ${store.#where}: the service has never run on it (is DATABASE_URL right?)`);
      } else {
        try {
          await store.run('migrate', migrateSteps(DIALECT.migrations));
        } catch (error) {
          // A read-only database refuses the migrations' first statement already.
          if ((error as { code?: unknown }).code === READ_ONLY_SQL_TRANSACTION) throw store.writeError(error);
          throw error;
        }
        await store.checkWritable();
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private constructor(url: string, options: PostgresStoreOptions) {
    super(DIALECT, options.now);
    this.#where = `the PostgreSQL database ${withoutPassword(url)}`;
    const { poolSize, connectTimeoutMs, statementTimeoutMs } = { ...POOL_DEFAULTS, ...withoutUndefined(options) };
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#listTimeLimitMs = options.listTimeLimitMs ?? DEFAULT_LIST_TIME_LIMIT_MS;
    this.#listingSlots = new ListingSlots(options.listConcurrency ?? Math.max(1, Math.floor(poolSize / 2)));
    this.#onConnectionError = options.onConnectionError ?? (() => {});
    this.#pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      // Also the longest wait for a free connection when all are busy.
      connectionTimeoutMillis: connectTimeoutMs,
      // The server ends a statement (lock waits included) after this...
      statement_timeout: statementTimeoutMs,
      // ...and the client stops waiting a little later, for a server that no longer answers at all.
      query_timeout: statementTimeoutMs + 1000,
      // A transaction left open (an instance stalled mid-delete) would hold its row locks.
      idle_in_transaction_session_timeout: 2 * statementTimeoutMs,
      keepAlive: true,
      application_name: 'cbr-backup-api',
      // A reader's session cannot write, whatever it runs.
      ...(options.readOnly === true ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    // An idle connection that the server closes (restart, failover) is reported here; without
    // a listener the 'error' event would crash the process. The pool drops it and reconnects.
    this.#pool.on('error', (error) => this.#onConnectionError(error));
  }

  protected override run<T>(kind: TransactionKind, steps: Steps<T>): Promise<T> {
    // Outside a transaction each query takes any pooled connection.
    if (kind === 'read') return runStepsAsync(steps, (query) => this.#execute(this.#pool, query, undefined));
    const timeout = kind === 'migrate' ? MIGRATION_TIMEOUT_MS : undefined;
    const done = this.#transaction(BEGIN[kind], timeout, (client) => runStepsAsync(steps, (query) => this.#execute(client, query, timeout)));
    if (kind !== 'probe') return done;
    // A lock held by another transaction (a migration, say) is no sign of a read-only
    // database: the probe does not wait for it.
    return done.catch((error: unknown) => {
      if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) return undefined as T;
      throw error;
    });
  }

  /**
   * In the listing's snapshot, each statement under a statement_timeout of what is left of the
   * listing's time; a statement cancelled by it, or time run out between statements or waiting
   * for a turn, is ListingTimeLimitError.
   */
  override async listBackups(projectId: string, query: ListBackupsQuery): Promise<ListOutcome> {
    const limitMs = this.#listTimeLimitMs;
    const late = () => new ListingTimeLimitError(limitMs);
    const deadline = Date.now() + limitMs;
    await this.#listingSlots.take(deadline, late);
    // The client waits a little longer than the server, which answers a timeout itself.
    const clientTimeout = limitMs + 1000;
    let timeout = Number.POSITIVE_INFINITY;
    try {
      return await this.#transaction(BEGIN.snapshot, clientTimeout, (client) =>
        runStepsAsync(listSteps(DIALECT, projectId, query), async (step) => {
          const left = Math.ceil(deadline - Date.now());
          if (left <= 0) throw late();
          if (left < timeout - LISTING_TIMEOUT_STEP_MS) {
            await client.query({ text: `SET LOCAL statement_timeout = ${left}`, query_timeout: clientTimeout } as pg.QueryConfig);
            timeout = left;
          }
          return this.#execute(client, step, clientTimeout);
        }),
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === QUERY_CANCELED) throw late();
      throw error;
    } finally {
      this.#listingSlots.give();
    }
  }

  protected override writeError(error: unknown): Error {
    const readOnly = (error as { code?: unknown }).code === READ_ONLY_SQL_TRANSACTION;
    const hint = readOnly ? ' (the database is read-only: default_transaction_read_only is on for the role or the database, or the server is a hot standby)' : '';
    return new Error(`cannot write to ${this.#where}: ${(error as Error).message}${hint}`, { cause: error });
  }

  /** `timeout` replaces the pool's query_timeout (the client's wait), when given. */
  async #execute(client: pg.Pool | pg.PoolClient, query: Query, timeout: number | undefined): Promise<unknown> {
    const exec = query.kind === 'exec';
    const text = exec ? query.sql : this.#numberedSql(query.sql);
    // A script goes without parameters: only the simple protocol takes several statements.
    const values = exec ? undefined : (query.params as unknown[]);
    // node-postgres honours a per-query query_timeout; its typings do not declare it.
    const result = await client.query(timeout === undefined ? { text, values } : ({ text, values, query_timeout: timeout } as pg.QueryConfig));
    switch (query.kind) {
      case 'get':
        return result.rows[0];
      case 'all':
        return result.rows;
      case 'run':
        return result.rowCount ?? 0;
      case 'exec':
        return undefined;
    }
  }

  #numberedSql(sql: string): string {
    let numbered = this.#numbered.get(sql);
    if (numbered === undefined) {
      numbered = numberPlaceholders(sql);
      this.#numbered.set(sql, numbered);
    }
    return numbered;
  }

  async close(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }

  /** Runs `work` in one transaction on one pooled connection; any failure rolls it back. */
  async #transaction<T>(begin: readonly string[], timeout: number | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    // The pool listens for errors only on idle connections: one lost while checked out
    // would otherwise be an unhandled 'error' event. The failing query reports it here.
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      for (const text of begin) await client.query(timeout === undefined ? text : ({ text, query_timeout: timeout } as pg.QueryConfig));
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await this.#rollback(client, error as Error);
      throw error;
    } finally {
      client.removeListener('error', ignore);
      client.release(broken);
    }
  }

  /**
   * Rolls back after a failure; returns an error when the connection must be dropped instead
   * of going back to the pool. Dropping is always safe: the server rolls back a transaction
   * whose connection closes.
   */
  async #rollback(client: pg.PoolClient, failure: Error): Promise<Error | undefined> {
    // The server did not answer in time: a ROLLBACK would only queue behind the stuck query.
    if (failure.message === 'Query read timeout') return failure;
    return client.query({ text: 'ROLLBACK', query_timeout: this.#connectTimeoutMs } as pg.QueryConfig).then(
      () => undefined,
      (rollbackError: Error) => rollbackError,
    );
  }
}

/** The URL with neither password nor query (which may hold one), for messages. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
