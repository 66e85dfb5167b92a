// A listing reader of the SQLite store, run in a worker thread (list-readers.ts starts it) with
// its own read-only connection to the database file. Each listing (backup-store.ts's
// listSteps: the marker, the page and the count) runs in one read transaction, so all three
// see one snapshot; in WAL mode a reader and the serving connection's writes never wait for
// each other. Whatever a listing costs, it costs this thread, not the event loop that answers
// health checks and deletes; and it ends at its deadline (listingClock). One listing at a
// time; a message 'stop' closes the connection and ends the thread.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ListBackupsQuery } from '../contract/types.ts';
import { listSteps, runSteps } from './backup-store.ts';
import { SQLITE_DIALECT, listingClock, statementRunner } from './sqlite-connection.ts';
import { type ListOutcome, ListingTimeLimitError } from './store.ts';

export interface ListWorkerData {
  /** The database file. */
  file: string;
  /** How long a listing may take, from when it arrived (or this reader was ready, if later). */
  timeLimitMs: number;
}

export interface ListRequest {
  id: number;
  projectId: string;
  query: ListBackupsQuery;
  /** When the store was asked (epoch milliseconds). */
  arrivedAt: number;
}

export type ListAnswer =
  | { id: number; outcome: ListOutcome }
  | { id: number; timedOut: true }
  | { id: number; error: { message: string; code?: string } };

/** The first message: the reader is open, since `at` (epoch milliseconds). */
export interface ReadyMessage {
  ready: true;
  at: number;
}

/** How much of the database file a reader maps. */
const MMAP_BYTES = 1024 * 1024 * 1024;

/** A reader's niceness: when the cores are all busy, the event loop (health checks, deletes) goes first. */
const READER_NICENESS = 10;

if (parentPort === null) throw new Error('list-worker runs in a worker thread started by the SQLite store');
const port = parentPort;
const data = workerData as ListWorkerData;
try {
  // Linux gives each thread its own niceness; /proc/thread-self names this one.
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), READER_NICENESS);
} catch {
  // Elsewhere the reader runs at the process's priority.
}
const db = new Database(data.file, { readonly: true, fileMustExist: true });
// A listing that reads a whole project through an index in the order of its ids (a sort key
// with many ties, the id tie-break, a filter no index serves) jumps from row to row in the
// table: read through a memory map, each row costs a memory access instead of a read call
// (name=zzz by id, 300,000 backups with random ids: 0.56 s instead of 1.1 s). What is mapped
// is the file's pages in the system's cache, shared and dropped first when memory is short,
// not this thread's heap; the process's resident size counts them, though.
db.pragma(`mmap_size = ${MMAP_BYTES}`);
const clock = listingClock(db, data.timeLimitMs);
const execute = statementRunner(db);
const snapshot = db.transaction((request: ListRequest) => runSteps(listSteps(SQLITE_DIALECT, request.projectId, request.query), execute));
const readyAt = Date.now();
port.postMessage({ ready: true, at: readyAt } satisfies ReadyMessage);

function answer(request: ListRequest): ListAnswer {
  // Time spent starting this reader is not the listing's.
  const deadline = Math.max(request.arrivedAt, readyAt) + data.timeLimitMs;
  try {
    return { id: request.id, outcome: clock.within(deadline, () => snapshot.deferred(request)) };
  } catch (error) {
    if (error instanceof ListingTimeLimitError) return { id: request.id, timedOut: true };
    const { message, code } = error as { message?: unknown; code?: unknown };
    return { id: request.id, error: { message: String(message), ...(typeof code === 'string' ? { code } : {}) } };
  }
}

port.on('message', (message: ListRequest | 'stop') => {
  if (message === 'stop') {
    db.close();
    port.close();
    return;
  }
  port.postMessage(answer(message));
});
