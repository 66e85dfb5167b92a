// The most expensive listings found on a store of 300,000 backups in one project (the
// benchmark's data: every name `nightly-N`, every size 40, no expiry), and a load that runs
// them without pause, a few at a time, while health checks and deletes are timed. The
// benchmark reports that load's figures; tests/server/expensive-listings.test.ts checks them
// with a generous bound.
//
// What costs most, once every one-key order is read from an index and offsets are capped: a
// name filter (a substring, so no index serves it) in the page and in the count, and orders
// of several keys, whose ties are sorted. Each of these reads every backup of the project.
import { BENCH_PROJECT } from './backups-db.ts';

export const EXPENSIVE_LISTINGS: readonly string[] = [
  // Matches every backup: five keys to sort 300,000 rows by, 11,000 of them kept, and a count of all.
  'name=nightly&sort=resource_size:asc,expired_at:desc,protected_at:asc,updated_at:desc,name:asc&offset=10000&limit=1000',
  // Matches none: the page and the count each read every backup.
  'name=zzz&sort=status:asc,name:desc',
  // Matches a third: the sort of ties within one status, at the deepest offset.
  'name=1&sort=status:asc,name:desc&offset=10000&limit=1000',
];

/**
 * The listings of the report that made the service freeze (2.9 s, 3.0 s and 0.76 s each on
 * the event loop, before listings ran on readers with indexes and a capped offset).
 */
export const REPORTED_LISTINGS: readonly string[] = ['limit=1&sort=name&offset=300000', 'limit=1&sort=resource_size:asc&offset=300000', 'name=zzz'];

export interface Timed {
  /** Milliseconds from sending to the end of the answer, or to the timeout. */
  ms: number;
  /** The status, or 0 when there was no answer within the timeout. */
  status: number;
  body: string;
}

async function timed(url: string, init: RequestInit, timeoutMs: number): Promise<Timed> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return { ms: performance.now() - started, status: response.status, body };
  } catch (error) {
    return { ms: performance.now() - started, status: 0, body: String(error) };
  }
}

export interface ListingLoadPlan {
  url: string;
  token: string;
  /** Backups to delete, one request each, while the listings run. */
  deleteIds: readonly string[];
  seconds: number;
  /** The listings' query strings (default EXPENSIVE_LISTINGS). */
  queries?: readonly string[];
  /** Listings in flight at once, each loop taking the next of `queries`. */
  concurrency: number;
  /** A health check (and a delete) every this many milliseconds, each after the previous answer. */
  intervalMs: number;
  /** How long a health check or a delete may take before it counts as unanswered. */
  timeoutMs: number;
}

export interface ListingLoadResult {
  listings: Timed[];
  health: Timed[];
  deletes: Timed[];
}

/** Runs the listings in loops until the time is up, with health checks and deletes beside them. */
export async function runListingLoad(plan: ListingLoadPlan): Promise<ListingLoadResult> {
  const until = performance.now() + plan.seconds * 1000;
  const headers = { 'X-Auth-Token': plan.token };
  const result: ListingLoadResult = { listings: [], health: [], deletes: [] };
  const queries = plan.queries ?? EXPENSIVE_LISTINGS;
  let nextListing = 0;
  const listingLoop = async () => {
    while (performance.now() < until) {
      const query = queries[nextListing++ % queries.length]!;
      // A listing's own bound is the store's time limit; this one only keeps a hung answer from stalling the run.
      result.listings.push(await timed(`${plan.url}/v3/${BENCH_PROJECT}/backups?${query}`, { headers }, 60_000));
    }
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, plan.intervalMs));
  const healthLoop = async () => {
    while (performance.now() < until) {
      result.health.push(await timed(`${plan.url}/healthz`, {}, plan.timeoutMs));
      await pause();
    }
  };
  const deleteLoop = async () => {
    for (const id of plan.deleteIds) {
      if (performance.now() >= until) return;
      result.deletes.push(await timed(`${plan.url}/v3/${BENCH_PROJECT}/backups/${id}`, { method: 'DELETE', headers }, plan.timeoutMs));
      await pause();
    }
    throw new Error('the listing load ran out of backups to delete: give it more ids');
  };
  await Promise.all([...Array.from({ length: plan.concurrency }, listingLoop), healthLoop(), deleteLoop()]);
  return result;
}
