// A bounded, expiring cache with single-flight loading: while one load for a key is under
// way, every other caller for that key waits for it instead of starting another. Keys are
// whatever the caller chooses (the verifier uses token digests, never tokens).
//
// Two caches in one: the values `admit` accepts (valid tokens) and the others (rejected
// tokens), each bounded and least-recently-used on its own, so that however many rejections
// come in, none of them takes an admitted value's place. Loads under way are bounded too:
// past `maxLoads`, a lookup that would need a new load is refused at once, not queued.

export interface Loaded<V> {
  value: V;
  /** Epoch ms after which the value must be loaded again; at or before now: not cached. */
  expiresAt: number;
}

/**
 * How a lookup was answered: from either cache, by joining a load under way, by a new
 * load, or refused because `maxLoads` loads were under way.
 */
export type LookupOutcome = 'hit' | 'shared' | 'miss' | 'refused';

export interface ValidationCacheOptions<V> {
  /** Admitted values kept at most. */
  maxEntries: number;
  /** Which values go to the main cache; default: all of them. */
  admit?: (value: V) => boolean;
  /** The other values kept at most, in a cache of their own; default: 1. */
  maxRejectedEntries?: number;
  /** Loads under way at most; default: no bound. */
  maxLoads?: number;
  /** The error a lookup refused for maxLoads fails with. */
  refusal?: () => Error;
  now?: () => number;
  onLookup?: (outcome: LookupOutcome) => void;
}

export class ValidationCache<V> {
  readonly #admitted: ExpiringLru<V>;
  readonly #rejected: ExpiringLru<V>;
  readonly #inFlight = new Map<string, Promise<V>>();
  readonly #admit: (value: V) => boolean;
  readonly #maxLoads: number;
  readonly #refusal: () => Error;
  readonly #now: () => number;
  readonly #onLookup: (outcome: LookupOutcome) => void;

  constructor(options: ValidationCacheOptions<V>) {
    const maxLoads = options.maxLoads ?? Number.POSITIVE_INFINITY;
    if (maxLoads !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxLoads) || maxLoads < 1)) {
      throw new RangeError('maxLoads must be a positive integer');
    }
    this.#now = options.now ?? Date.now;
    this.#admitted = new ExpiringLru(positive(options.maxEntries, 'maxEntries'), this.#now);
    this.#rejected = new ExpiringLru(positive(options.maxRejectedEntries ?? 1, 'maxRejectedEntries'), this.#now);
    this.#admit = options.admit ?? (() => true);
    this.#maxLoads = maxLoads;
    this.#refusal = options.refusal ?? (() => new Error(`${maxLoads} loads already under way`));
    this.#onLookup = options.onLookup ?? (() => {});
  }

  /** Admitted values cached now. */
  get size(): number {
    return this.#admitted.size;
  }

  /** Other values cached now. */
  get rejectedSize(): number {
    return this.#rejected.size;
  }

  /** Loads under way now. */
  get loading(): number {
    return this.#inFlight.size;
  }

  /**
   * The cached value for key, or the result of load(); a load that throws caches nothing.
   * With maxLoads loads under way, a key that is not cached nor loading fails at once.
   */
  get(key: string, load: () => Promise<Loaded<V>>): Promise<V> {
    const cached = this.#admitted.get(key) ?? this.#rejected.get(key);
    if (cached !== undefined) {
      this.#onLookup('hit');
      return Promise.resolve(cached.value);
    }
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) {
      this.#onLookup('shared');
      return pending;
    }
    if (this.#inFlight.size >= this.#maxLoads) {
      this.#onLookup('refused');
      return Promise.reject(this.#refusal());
    }
    this.#onLookup('miss');
    const loading = this.#load(key, load);
    this.#inFlight.set(key, loading);
    return loading;
  }

  async #load(key: string, load: () => Promise<Loaded<V>>): Promise<V> {
    try {
      const loaded = await load();
      if (this.#admit(loaded.value)) {
        this.#rejected.delete(key);
        this.#admitted.set(key, loaded);
      } else {
        this.#admitted.delete(key);
        this.#rejected.set(key, loaded);
      }
      return loaded.value;
    } finally {
      this.#inFlight.delete(key);
    }
  }
}

/** At most maxEntries entries, least recently used out first; expired ones are never returned. */
class ExpiringLru<V> {
  // A Map keeps insertion order: re-inserting on each hit makes the first key the least
  // recently used one, which is the one evicted when the cache is full.
  readonly #entries = new Map<string, Loaded<V>>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(maxEntries: number, now: () => number) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The live entry for key, now the most recently used; an expired one is dropped. */
  get(key: string): Loaded<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return entry;
  }

  /** Keeps the entry unless it has already expired. */
  set(key: string, loaded: Loaded<V>): void {
    this.#entries.delete(key);
    if (loaded.expiresAt <= this.#now()) return;
    this.#entries.set(key, loaded);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
