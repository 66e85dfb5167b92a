// The SQLite store's checkpoint worker, run in a worker thread (sqlite-store.ts starts it) with
// its own connection to the database file. PASSIVE copies what it can from the WAL into the
// database (and syncs it) without waiting for anyone; then the worker reports the WAL's size.
// The WAL starts over from its beginning only when a write finds all of it copied, which never
// happens while writes keep coming faster than a checkpoint ends: past the limit, the serving
// connection copies the few frames written since, between two transactions. A busy database is
// tried again next time; any other error ends the worker. Any message from the store stops it.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  /** The database file. */
  file: string;
  intervalMs: number;
  /** Past this size the serving connection finishes a checkpoint itself. */
  walLimitBytes: number;
}

if (parentPort === null) throw new Error('checkpoint-worker runs in a worker thread started by the SQLite store');
const port = parentPort;
const data = workerData as CheckpointWorkerData;
const db = new Database(data.file);

function walBytes(): number {
  try {
    return statSync(`${data.file}-wal`).size;
  } catch {
    return 0;
  }
}

let stopped = false;
let passes = 0;

function checkpoint(): void {
  if (stopped) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') throw error;
  }
  const bytes = walBytes();
  // Past the limit, passes follow at once: each has fewer new frames to copy than the one
  // before, so what is left for the serving connection is small.
  if (bytes > data.walLimitBytes && ++passes < 4) {
    setImmediate(checkpoint);
    return;
  }
  passes = 0;
  port.postMessage(bytes);
}

const timer = setInterval(checkpoint, data.intervalMs);
port.on('message', () => {
  stopped = true;
  clearInterval(timer);
  db.close();
  port.close();
});
