// Part 4: the most expensive listings found on a store of 300,000 backups in one project (the
// benchmark's data: every name `nightly-N`, every size 40, no expiry), and a load that runs
// them without pause, a few at a time, while health checks and deletes are timed. The
// benchmark times each listing alone, then runs the worst one two at a time and reports the
// health checks' and deletes' latency meanwhile; tests/server/expensive-listings.test.ts
// checks the same load with a generous bound.
//
// What costs most, once every one-key order is read from an index and offsets are capped:
// orders of several keys, which no index gives, so every match is sorted (the more so when
// the rows come in the reverse of the order asked), and a name filter (a substring, so no
// index serves it) in the page and in the count. Each of these reads every backup of the
// project.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { BENCH_PROJECT, createBackupsDb, shuffle } from './backups-db.ts';
import { median, percentile } from './stats.ts';
import { BENCH_TOKEN, startService, writeTokensFile } from './targets.ts';

export const EXPENSIVE_LISTINGS: readonly string[] = [
  // Matches every backup: five keys to sort 300,000 rows by, 11,000 of them kept, and a count of all.
  'name=nightly&sort=resource_size:asc,expired_at:desc,protected_at:asc,updated_at:desc,name:asc&offset=10000&limit=1000',
  // Two keys, the second against the order the rows are read in, at the deepest offset.
  'sort=status:asc,created_at:desc&offset=10000&limit=1000',
  'sort=name:asc,created_at:asc&offset=10000&limit=1000',
  // Matches none: the page and the count each read every backup.
  'name=zzz&sort=status:asc,name:desc',
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

export interface ExpensiveListingsOptions {
  backups: number;
  /** Times each listing is run alone. */
  runs: number;
  /** Seconds of the worst listing two at a time. */
  seconds: number;
}

export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by status (0: none within the timeout). */
  statuses: Record<string, number>;
}

export interface ExpensiveListingsFigures {
  backups: number;
  /** Each listing alone: the median of its runs. */
  alone: { query: string; p50Ms: number; statuses: Record<string, number> }[];
  /** The slowest of them alone, run two at a time below. */
  worst: string;
  concurrency: number;
  seconds: number;
  listings: LatencyFigures;
  health: LatencyFigures;
  deletes: LatencyFigures;
  /** VmHWM of the service at the end (its listing readers' threads included). */
  peakRssMb: number;
}

function latency(answers: readonly Timed[]): LatencyFigures {
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  return { count: answers.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? Number.NaN, statuses };
}

/** A health check every 50 ms and a delete every 50 ms, each after the previous answer, counted unanswered after 2 s. */
const INTERVAL_MS = 50;
const TIMEOUT_MS = 2000;

export async function runExpensiveListings(dir: string, options: ExpensiveListingsOptions, progress: (line: string) => void): Promise<ExpensiveListingsFigures> {
  const dbFile = path.join(dir, 'expensive-listings.sqlite');
  // Enough to delete one every interval for the whole run.
  const spare = Math.ceil((options.seconds * 1000) / INTERVAL_MS) + 100;
  const ids = shuffle(await createBackupsDb(dbFile, options.backups + spare));
  const service = await startService({ dir, dbFile, tokensFile: writeTokensFile(dir), logName: 'expensive-listings' });
  try {
    const headers = { 'X-Auth-Token': BENCH_TOKEN };
    const alone = [];
    for (const query of EXPENSIVE_LISTINGS) {
      const runs: Timed[] = [];
      for (let run = 0; run < options.runs; run++) runs.push(await timed(`${service.url}/v3/${BENCH_PROJECT}/backups?${query}`, { headers }, 60_000));
      alone.push({ query, p50Ms: median(runs.map((r) => r.ms)), statuses: latency(runs).statuses });
      progress(`  alone: ${median(runs.map((r) => r.ms)).toFixed(0).padStart(5)} ms  ${query}`);
    }
    const worst = alone.reduce((a, b) => (b.p50Ms > a.p50Ms ? b : a)).query;
    const load = await runListingLoad({
      url: service.url,
      token: BENCH_TOKEN,
      queries: [worst],
      deleteIds: ids.slice(0, spare),
      seconds: options.seconds,
      concurrency: 2,
      intervalMs: INTERVAL_MS,
      timeoutMs: TIMEOUT_MS,
    });
    const figures = {
      backups: options.backups,
      alone,
      worst,
      concurrency: 2,
      seconds: options.seconds,
      listings: latency(load.listings),
      health: latency(load.health),
      deletes: latency(load.deletes),
      peakRssMb: service.process.peakRssMb(),
    };
    progress(
      `  worst two at a time for ${options.seconds} s: ${figures.listings.count} listings (p50 ${figures.listings.p50Ms.toFixed(0)} ms); ` +
        `health max ${figures.health.maxMs.toFixed(1)} ms, delete max ${figures.deletes.maxMs.toFixed(1)} ms`,
    );
    return figures;
  } finally {
    await service.process.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
  }
}
