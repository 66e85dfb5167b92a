// The SQLite store's listings, answered by readers in worker threads (list-worker.ts) so that
// none of them runs on the event loop. Up to `size` readers, started when listings first need
// them; each answers one listing at a time and the others wait here, in arrival order.
//
// A listing has `timeLimitMs` from its arrival (or from its reader's start, if later): a reader
// ends one that runs out of time itself, and one still waiting when its time is up is not
// started. Both are answered with ListingTimeLimitError. A reader that does not answer a
// little after the deadline (a step of SQLite that does not read rows: a big sort) is
// terminated and replaced; the step ends in its own thread, which then exits.
//
// A reader's snapshot keeps what was written after it from being checkpointed, and listings
// back to back always leave one running: the WAL would grow for as long as they come. Past a
// size, the store holds new listings (hold) until the running ones are done and a checkpoint
// pass has copied everything (checkpointDone), starts the WAL over, and releases them.
import type { Worker } from 'node:worker_threads';
import type { ListBackupsQuery } from '../contract/types.ts';
import type { ListAnswer, ListRequest, ListWorkerData, ReadyMessage } from './list-worker.ts';
import { type ListOutcome, ListingTimeLimitError } from './store.ts';
import { startStoreWorker } from './worker-thread.ts';

export type { ListWorkerData } from './list-worker.ts';

/** How long after its deadline a reader may still answer before it is terminated. */
const GRACE_MS = 1000;

/** A reader's heap: a page of 1000 backups and its statements fit with room to spare. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

export interface ListReadersOptions {
  file: string;
  size: number;
  timeLimitMs: number;
  /** Starts a reader (default: list-worker.ts in a worker thread); a different one is for tests. */
  startWorker?: (data: ListWorkerData) => Worker;
}

/** The list worker of this directory, with its own heap limits. */
export function startListWorker(data: ListWorkerData): Worker {
  return startStoreWorker('list-worker', { workerData: data, resourceLimits: RESOURCE_LIMITS });
}

interface Listing {
  request: ListRequest;
  resolve: (outcome: ListOutcome) => void;
  reject: (error: unknown) => void;
}

interface Reader {
  worker: Worker;
  /** When it was ready (epoch milliseconds); undefined while it starts. */
  readyAt: number | undefined;
  current: Listing | undefined;
  /** Terminates the reader when its listing is not answered in time. */
  stuck: NodeJS.Timeout | undefined;
}

export class ListReaders {
  readonly #options: ListReadersOptions;
  readonly #readers = new Set<Reader>();
  readonly #waiting: Listing[] = [];
  #nextId = 0;
  #closed = false;
  /** While new listings wait for the WAL to start over: how many checkpoint passes have ended since none runs. */
  #holding: { checkpointsSinceDone: number } | undefined;
  /** Answers the first waiting listing when its time is up (and keeps the process alive while one waits). */
  #waitTimer: NodeJS.Timeout | undefined;

  constructor(options: ListReadersOptions) {
    this.#options = options;
  }

  list(projectId: string, query: ListBackupsQuery): Promise<ListOutcome> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ request: { id: ++this.#nextId, projectId, query, arrivedAt: Date.now() }, resolve, reject });
      this.#dispatch();
    });
  }

  /** Hands waiting listings to idle readers, starting readers up to the limit. */
  #dispatch(): void {
    this.#handOut();
    clearTimeout(this.#waitTimer);
    this.#waitTimer = undefined;
    const first = this.#waiting[0];
    if (first === undefined || this.#closed) return;
    this.#waitTimer = setTimeout(() => this.#dispatch(), Math.max(0, first.request.arrivedAt + this.#options.timeLimitMs - Date.now()) + 1);
  }

  #handOut(): void {
    while (this.#waiting.length > 0 && !this.#closed) {
      const listing = this.#waiting[0]!;
      // Out of time while every reader was busy: answered without one. (A listing handed to a
      // reader that is starting waits for it: that time is not the listing's.)
      if (Date.now() > listing.request.arrivedAt + this.#options.timeLimitMs) {
        this.#waiting.shift();
        listing.reject(new ListingTimeLimitError(this.#options.timeLimitMs));
        continue;
      }
      if (this.#holding !== undefined) return;
      const reader = this.#idleReader() ?? (this.#readers.size < this.#options.size ? this.#startReader() : undefined);
      if (reader === undefined) return;
      this.#waiting.shift();
      this.#assign(reader, listing);
    }
  }

  /** New listings wait (the WAL is to start over; the store says when it has: release). */
  hold(): void {
    this.#holding ??= { checkpointsSinceDone: 0 };
  }

  /**
   * Told that the checkpoint worker has done a pass. True when, holding, no listing has run
   * during a whole pass: everything the readers held back has been copied, and the store may
   * start the WAL over.
   */
  checkpointDone(): boolean {
    if (this.#holding === undefined) return false;
    if ([...this.#readers].some((reader) => reader.current !== undefined)) this.#holding.checkpointsSinceDone = 0;
    else this.#holding.checkpointsSinceDone++;
    // Those waiting whose time is up are answered meanwhile.
    this.#dispatch();
    return this.#holding.checkpointsSinceDone >= 2;
  }

  /** New listings start again. */
  release(): void {
    this.#holding = undefined;
    this.#dispatch();
  }

  #idleReader(): Reader | undefined {
    for (const reader of this.#readers) if (reader.current === undefined) return reader;
    return undefined;
  }

  #assign(reader: Reader, listing: Listing): void {
    reader.current = listing;
    // A reader at work keeps the process alive until it answers.
    reader.worker.ref();
    reader.worker.postMessage(listing.request);
    if (reader.readyAt !== undefined) this.#watch(reader);
  }

  /** Arms the timer that replaces a reader that does not answer its listing in time. */
  #watch(reader: Reader): void {
    const listing = reader.current!;
    const deadline = Math.max(listing.request.arrivedAt, reader.readyAt!) + this.#options.timeLimitMs;
    reader.stuck = setTimeout(() => {
      reader.current = undefined;
      this.#remove(reader);
      void reader.worker.terminate();
      listing.reject(new ListingTimeLimitError(this.#options.timeLimitMs));
      this.#dispatch();
    }, Math.max(0, deadline - Date.now()) + GRACE_MS);
  }

  #startReader(): Reader {
    const start = this.#options.startWorker ?? startListWorker;
    const worker = start({ file: this.#options.file, timeLimitMs: this.#options.timeLimitMs });
    const reader: Reader = { worker, readyAt: undefined, current: undefined, stuck: undefined };
    this.#readers.add(reader);
    worker.on('message', (message: ReadyMessage | ListAnswer) => {
      if ('ready' in message) {
        reader.readyAt = message.at;
        if (reader.current !== undefined) this.#watch(reader);
        return;
      }
      const listing = reader.current;
      if (listing === undefined || listing.request.id !== message.id) return;
      clearTimeout(reader.stuck);
      reader.current = undefined;
      if (!this.#closed) reader.worker.unref();
      if ('outcome' in message) listing.resolve(message.outcome);
      else if ('timedOut' in message) listing.reject(new ListingTimeLimitError(this.#options.timeLimitMs));
      else listing.reject(Object.assign(new Error(message.error.message), message.error.code === undefined ? {} : { code: message.error.code }));
      this.#dispatch();
    });
    // An error ends the worker: 'exit' follows, which answers its listing.
    worker.on('error', (error) => {
      const listing = reader.current;
      reader.current = undefined;
      listing?.reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(reader.stuck);
      this.#remove(reader);
      reader.current?.reject(new Error(`the listing reader stopped (exit code ${code})`));
      reader.current = undefined;
      this.#dispatch();
    });
    return reader;
  }

  #remove(reader: Reader): void {
    clearTimeout(reader.stuck);
    this.#readers.delete(reader);
  }

  /**
   * Refuses what still waits, lets each reader answer its listing and close its connection
   * (before the serving connection's, which is then the last and leaves no WAL behind); a
   * reader still busy after `stuckMs` is terminated.
   */
  async close(stuckMs = 2000): Promise<void> {
    this.#closed = true;
    for (const listing of this.#waiting.splice(0)) listing.reject(new Error('the store is closed'));
    await Promise.all(
      [...this.#readers].map(async (reader) => {
        const exited = new Promise((resolve) => reader.worker.once('exit', resolve));
        reader.worker.ref();
        reader.worker.postMessage('stop');
        const stuck = setTimeout(() => void reader.worker.terminate(), stuckMs);
        await exited;
        clearTimeout(stuck);
      }),
    );
  }

  /** How many readers are running (for tests). */
  get size(): number {
    return this.#readers.size;
  }
}
