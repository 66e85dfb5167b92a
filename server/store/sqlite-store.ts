// The embedded store: one SQLite file (better-sqlite3, WAL), running backup-store.ts's
// sequences synchronously. Statements are prepared once; each write runs in an IMMEDIATE
// transaction, so a check and the write it guards cannot be split by another connection, in
// this process or another. Two things keep writes cheap on the event loop: the WAL is
// checkpointed (with its fsync) by a second connection in a worker thread, and the deletes
// that arrive in one turn of the event loop share one commit. Listings, whose cost depends on
// what the store holds, run on readers in other worker threads (list-readers.ts), within a
// time limit.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ListBackupsQuery } from '../contract/types.ts';
import { type Query, SqlBackupStore, type Steps, type TransactionKind, hasSchemaSteps, listSteps, migrateSteps, runSteps, writeProbeSteps } from './backup-store.ts';
import type { CheckpointWorkerData } from './checkpoint-worker.ts';
import { ListReaders, type ListWorkerData } from './list-readers.ts';
import { SQLITE_DIALECT as DIALECT, listingClock, statementRunner } from './sqlite-connection.ts';
import { DEFAULT_LIST_TIME_LIMIT_MS, type ListOutcome } from './store.ts';
import { startStoreWorker } from './worker-thread.ts';

export type { CheckpointWorkerData } from './checkpoint-worker.ts';
export type { ListWorkerData } from './list-readers.ts';

/** SQLite's own default, used again if the checkpoint worker is lost. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/** How long a write waits for another connection's write lock. */
const BUSY_TIMEOUT_MS = 5000;

export interface SqliteStoreOptions {
  now?: () => Date;
  checkpoints?: CheckpointOptions;
  /**
   * For readers (npm run audit-trail): the file must exist and hold the schema, and is opened
   * read-only: nothing is created, migrated or checkpointed, and every write fails.
   */
  readOnly?: boolean;
  listings?: ListingOptions;
}

export interface ListingOptions {
  /** How long a listing may take, from its arrival, before it fails with ListingTimeLimitError (default DEFAULT_LIST_TIME_LIMIT_MS). */
  timeLimitMs?: number;
  /**
   * How many listings run at once, each on a reader in its own worker thread (default 2).
   * 0 runs them on the serving connection, on the event loop, as a store without a WAL
   * (':memory:') always does; the time limit holds there too.
   */
  readers?: number;
  /** Starts a reader (default: list-worker.ts in a worker thread); a different one is for tests. */
  startWorker?: (data: ListWorkerData) => Worker;
}

export interface CheckpointOptions {
  /** How often the worker checkpoints (default 200 ms). */
  intervalMs?: number;
  /** The WAL size past which the serving connection finishes a checkpoint itself, and the size a WAL starting over is cut back to (default 32 MiB). */
  walLimitBytes?: number;
  /** Starts the worker thread (default: startCheckpointWorker); a different one is for tests. */
  startWorker?: (data: CheckpointWorkerData) => Worker;
}

/** The worker of checkpoint-worker.ts, next to this module, with a small heap (tsx's require hook fits in it too). */
export function startCheckpointWorker(data: CheckpointWorkerData): Worker {
  return startStoreWorker('checkpoint-worker', { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 } });
}

const DEFAULT_LIST_READERS = 2;

/** Past this many times the WAL's limit, new listings wait for a checkpoint to catch up (list-readers.ts). */
const WAL_HOLD_FACTOR = 4;

interface PendingDelete {
  steps: Steps<unknown>;
  resolve: (outcome: unknown) => void;
  reject: (error: unknown) => void;
}

export class SqliteBackupStore extends SqlBackupStore {
  readonly #db: Database.Database;
  readonly #execute: (query: Query) => unknown;
  /** The time limit of listings run on this connection (without readers). */
  readonly #listingClock: ReturnType<typeof listingClock>;
  readonly #listTimeLimitMs: number;
  /** Where listings run, when the database has a WAL and readers are not turned off. */
  #readers: ListReaders | undefined;
  /** Runs a sequence in a transaction: called inside another, in a savepoint of it. */
  readonly #transaction;
  readonly #groupTransaction;
  /** Deletes waiting for the commit of this turn of the event loop. */
  #pending: PendingDelete[] = [];
  #checkpointWorker: Worker | undefined;
  #closing = false;
  /** What errors call the database: "the database file <path>". */
  readonly #where: string;

  /**
   * Opens (creating it if need be) and migrates the file, and checks that it takes writes:
   * a file that cannot be written is refused here, naming it, rather than at the first delete.
   * With `readOnly`, opens an existing store for reading only.
   */
  constructor(file: string, options: SqliteStoreOptions = {}) {
    super(DIALECT, options.now);
    this.#where = `the database file ${file === ':memory:' ? file : path.resolve(file)}`;
    this.#db = options.readOnly === true ? this.#openExisting(file) : this.#openOrCreate(file);
    this.#execute = statementRunner(this.#db);
    this.#listTimeLimitMs = options.listings?.timeLimitMs ?? DEFAULT_LIST_TIME_LIMIT_MS;
    this.#listingClock = listingClock(this.#db, this.#listTimeLimitMs);

    this.#transaction = this.#db.transaction((steps: Steps<unknown>) => runSteps(steps, this.#execute));
    this.#groupTransaction = this.#db.transaction((group: PendingDelete[]) =>
      group.map((pending): { outcome: unknown } | { error: unknown } => {
        // Nested: a savepoint each, so a delete that fails is undone alone.
        try {
          return { outcome: this.#transaction(pending.steps) };
        } catch (error) {
          return { error };
        }
      }),
    );
    if (options.readOnly === true) {
      this.#requireSchema();
      return;
    }
    try {
      // Inside the write lock, so two processes starting at once apply each migration once.
      this.#transaction.immediate(migrateSteps(DIALECT.migrations));
      // A read-only file is "migrated" without complaint when there is nothing to apply.
      this.#probe(writeProbeSteps());
    } catch (error) {
      this.#db.close();
      throw this.#openError(error);
    }
    if (this.#db.pragma('journal_mode', { simple: true }) !== 'wal') return;
    this.#startCheckpoints(path.resolve(file), options.checkpoints ?? {});
    const readers = options.listings?.readers ?? DEFAULT_LIST_READERS;
    if (readers > 0) {
      this.#readers = new ListReaders({ file: path.resolve(file), size: readers, timeLimitMs: this.#listTimeLimitMs, startWorker: options.listings?.startWorker });
    }
  }

  override listBackups(projectId: string, query: ListBackupsQuery): Promise<ListOutcome> {
    if (this.#readers !== undefined) return this.#readers.list(projectId, query);
    // On this connection: the limit holds, but the event loop waits for the listing.
    try {
      const deadline = Date.now() + this.#listTimeLimitMs;
      return Promise.resolve(this.#listingClock.within(deadline, () => this.#transaction.deferred(listSteps(DIALECT, projectId, query)) as ListOutcome));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #openOrCreate(file: string): Database.Database {
    let db: Database.Database | undefined;
    try {
      if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      db = new Database(file);
      // WAL lets readers run beside the writer; NORMAL syncs at checkpoints, which in WAL
      // mode keeps the database consistent on any crash (a power cut may lose the last commits).
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('foreign_keys = ON');
      return db;
    } catch (error) {
      db?.close();
      throw this.#openError(error);
    }
  }

  #openExisting(file: string): Database.Database {
    if (file === ':memory:' || !existsSync(file)) throw new Error(`no database at ${path.resolve(file)}`);
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      return db;
    } catch (error) {
      throw this.#openError(error);
    }
  }

  #requireSchema(): void {
    let present: boolean;
    try {
      present = runSteps(hasSchemaSteps(DIALECT), this.#execute);
    } catch (error) {
      this.#db.close();
      // Not a database at all, say.
      throw this.#openError(error);
    }
    if (!present) {
      this.#db.close();
      throw new Error(`no backup schema in ${this.#where}: the service has never run on it (is DATABASE_URL right?)`);
    }
  }

  /**
   * A 'probe' transaction: IMMEDIATE, without waiting for another connection's write lock
   * (the event loop would wait with it). A read-only file never answers busy (SQLite starts
   * its write transactions as reads), so busy means that someone else is writing: the
   * database takes writes, and the probe has nothing more to learn.
   */
  #probe<T>(steps: Steps<T>): T | undefined {
    this.#db.pragma('busy_timeout = 0');
    try {
      return this.#transaction.immediate(steps) as T;
    } catch (error) {
      if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return undefined;
      throw error;
    } finally {
      this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  protected override writeError(error: unknown): Error {
    return new Error(`cannot write to ${this.#where}: ${(error as Error).message}${sqliteHint(error)}`, { cause: error });
  }

  /** A failure to open, create or migrate the file, naming it. */
  #openError(error: unknown): Error {
    if (sqliteHint(error) !== '') return this.writeError(error);
    return new Error(`cannot open ${this.#where}: ${(error as Error).message}`, { cause: error });
  }

  protected override run<T>(kind: TransactionKind, steps: Steps<T>): Promise<T> {
    if (kind === 'delete') {
      // Queued until the event loop has taken in what arrived in this turn; then all of them
      // are committed together (#commitPending). Each caller still gets its own outcome.
      return new Promise<T>((resolve, reject) => {
        if (this.#pending.push({ steps, resolve: resolve as (outcome: unknown) => void, reject }) === 1) setImmediate(() => this.#commitPending());
      });
    }
    try {
      switch (kind) {
        case 'read':
          return Promise.resolve(runSteps(steps, this.#execute));
        case 'snapshot':
          // A read transaction, so the marker, the page and the count see the same snapshot.
          return Promise.resolve(this.#transaction.deferred(steps) as T);
        case 'write':
        case 'migrate':
          // The write lock from the start: a check and the write it guards are one step.
          return Promise.resolve(this.#transaction.immediate(steps) as T);
        case 'probe':
          return Promise.resolve(this.#probe(steps) as T);
      }
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * One IMMEDIATE transaction for the waiting deletes, each in a savepoint with its audit
   * record: one that fails is rolled back alone and its caller gets the error. If the commit
   * itself fails, nothing of the group is stored and every caller gets the error.
   */
  #commitPending(): void {
    const group = this.#pending;
    this.#pending = [];
    if (group.length === 0) return;
    if (group.length === 1) {
      const only = group[0]!;
      try {
        only.resolve(this.#transaction.immediate(only.steps));
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    let results: ({ outcome: unknown } | { error: unknown })[];
    try {
      results = this.#groupTransaction.immediate(group);
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    results.forEach((result, i) => ('outcome' in result ? group[i]!.resolve(result.outcome) : group[i]!.reject(result.error)));
  }

  /**
   * Checkpoints move off this connection (wal_autocheckpoint = 0) to a worker thread. If the
   * worker ends other than by close(), this connection checkpoints again as SQLite does by
   * default, so the WAL never grows without bound.
   */
  #startCheckpoints(file: string, options: CheckpointOptions): void {
    const start = options.startWorker ?? startCheckpointWorker;
    const walLimitBytes = options.walLimitBytes ?? 32 * 1024 * 1024;
    const worker = start({ file, intervalMs: options.intervalMs ?? 200, walLimitBytes });
    this.#db.pragma('wal_autocheckpoint = 0');
    // A WAL that starts over is cut back to this size, so one burst does not leave it large.
    this.#db.pragma(`journal_size_limit = ${walLimitBytes}`);
    this.#checkpointWorker = worker;
    worker.on('message', (walBytes: number) => {
      // Messages run between transactions: nothing is written while this one copies the tail.
      if (walBytes > walLimitBytes && !this.#closing && this.#db.open) this.#db.pragma('wal_checkpoint(PASSIVE)');
      // Listings back to back would keep the WAL from ever starting over (list-readers.ts).
      const readers = this.#readers;
      if (readers === undefined || this.#closing || !this.#db.open) return;
      if (walBytes > WAL_HOLD_FACTOR * walLimitBytes) readers.hold();
      if (readers.checkpointDone() && this.#restartWal()) readers.release();
    });
    // Its errors are answered by the fallback below; unhandled, they would end the process.
    worker.on('error', () => {});
    worker.once('exit', () => {
      this.#checkpointWorker = undefined;
      this.#readers?.release();
      if (!this.#closing && this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    });
    // A store that is never closed must not keep the process alive.
    worker.unref();
  }

  /**
   * Starts the WAL over (and empties its file), once no reader uses it and the checkpoint
   * worker has copied it: what this copies is the little written since. Not while the worker
   * is checkpointing (busy): the next report tries again.
   */
  #restartWal(): boolean {
    this.#db.pragma('busy_timeout = 0');
    try {
      const [result] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      return result?.busy === 0;
    } catch {
      return false;
    } finally {
      this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /** Who checkpoints the WAL now: the worker thread, or this connection (after losing the worker, or without a WAL). */
  get checkpointedBy(): 'worker' | 'connection' {
    return this.#checkpointWorker === undefined ? 'connection' : 'worker';
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#commitPending();
    // The readers' connections close first, as the checkpoint worker's does below.
    await this.#readers?.close();
    const worker = this.#checkpointWorker;
    if (worker !== undefined) {
      // The worker closes its connection first, so this one is the last and leaves no WAL behind.
      // Only 'exit' is waited for: an error of the worker (answered in #startCheckpoints) must not fail the close.
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref();
      worker.postMessage('stop');
      // A worker stuck in a checkpoint is not waited for long: its connection ends with it.
      const stuck = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(stuck);
    }
    if (this.#db.open) this.#db.close();
  }
}

/** What to check, after SQLite's own message, when a file cannot be written. */
function sqliteHint(error: unknown): string {
  const code = String((error as { code?: unknown }).code);
  if (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN')) return '';
  return ' (the file, its directory and its -wal and -shm files must be writable by the user the service runs as)';
}
