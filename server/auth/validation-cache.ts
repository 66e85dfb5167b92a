// A bounded, expiring cache with single-flight loading: while one load for a key is under
// way, every other caller for that key waits for it instead of starting another. Keys are
// whatever the caller chooses (the verifier uses token digests, never tokens).

export interface Loaded<V> {
  value: V;
  /** Epoch ms after which the value must be loaded again; at or before now: not cached. */
  expiresAt: number;
}

/** How a lookup was answered: from the cache, by joining a load under way, or by a new load. */
export type LookupOutcome = 'hit' | 'shared' | 'miss';

export interface ValidationCacheOptions {
  maxEntries: number;
  now?: () => number;
  onLookup?: (outcome: LookupOutcome) => void;
}

export class ValidationCache<V> {
  // A Map keeps insertion order: re-inserting on each hit makes the first key the least
  // recently used one, which is the one evicted when the cache is full.
  readonly #entries = new Map<string, Loaded<V>>();
  readonly #inFlight = new Map<string, Promise<V>>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #onLookup: (outcome: LookupOutcome) => void;

  constructor(options: ValidationCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
    this.#onLookup = options.onLookup ?? (() => {});
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value for key, or the result of load(); a load that throws caches nothing. */
  get(key: string, load: () => Promise<Loaded<V>>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      this.#entries.delete(key);
      if (entry.expiresAt > this.#now()) {
        this.#entries.set(key, entry);
        this.#onLookup('hit');
        return Promise.resolve(entry.value);
      }
    }
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) {
      this.#onLookup('shared');
      return pending;
    }
    this.#onLookup('miss');
    const loading = this.#load(key, load);
    this.#inFlight.set(key, loading);
    return loading;
  }

  async #load(key: string, load: () => Promise<Loaded<V>>): Promise<V> {
    try {
      const loaded = await load();
      if (loaded.expiresAt > this.#now()) this.#store(key, loaded);
      return loaded.value;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  #store(key: string, loaded: Loaded<V>): void {
    this.#entries.delete(key);
    this.#entries.set(key, loaded);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
