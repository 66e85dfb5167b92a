// `npm run bench`: the service as `npm start` runs it, side by side with a bare Express app,
// the same app behind express-openapi-validator's defaults, the same delete written by hand
// (Express + better-sqlite3, no contract layer) and the Prism mock; then how a delete's cost
// grows with the store; then start-up on a large store; then the most expensive listings on a
// store of 300,000 backups, and health checks and deletes while the worst runs two at a time.
// Prints the tables and writes the figures to bench/results/latest.json. Takes 4 to 5
// minutes on 2 cores.
//
// Usage: node --import tsx scripts/bench/run.ts [--quick]
//   --quick: short rounds and small stores, to check that the benchmark itself works; its
//   figures go to the system's temporary folder, not to bench/results/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './processes.ts';
import { type BenchReport, checkGoals, formatReport, oursRelative } from './report.ts';
import { type ExpensiveListingsOptions, runExpensiveListings } from './expensive-listings.ts';
import { type SideBySideOptions, runSideBySide } from './side-by-side.ts';
import { type GrowthOptions, runStoreGrowth } from './store-growth.ts';
import { runStartup } from './startup.ts';

const quick = process.argv.includes('--quick');
const SIDE_BY_SIDE: SideBySideOptions = quick
  ? { rounds: 2, seconds: 1, warmupSeconds: 0.5, connections: 10, backups: 30_000 }
  : { rounds: 5, seconds: 4, warmupSeconds: 1, connections: 10, backups: 200_000 };
const GROWTH: GrowthOptions = quick
  ? { sizes: [1_000, 10_000], deletes: 200, listSeconds: 0.5 }
  : { sizes: [1_000, 100_000, 1_000_000], deletes: 2_000, listSeconds: 2 };
const STARTS = 5;
const EXPENSIVE: ExpensiveListingsOptions = quick ? { backups: 30_000, runs: 1, seconds: 2 } : { backups: 300_000, runs: 3, seconds: 10 };

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const loadAverageBefore = loadavg();
  const dir = mkdtempSync(path.join(tmpdir(), 'cbr-bench-'));
  try {
    log('side by side ...');
    const targets = await runSideBySide(dir, SIDE_BY_SIDE, log);
    log('store growth ...');
    const growth = await runStoreGrowth(dir, GROWTH, log);
    log('start-up ...');
    const largest = GROWTH.sizes[GROWTH.sizes.length - 1]!;
    const startup = await runStartup(dir, growth.largestDbFile, largest, growth.spareIds.slice(0, STARTS));
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${growth.largestDbFile}${suffix}`, { force: true });
    log('expensive listings ...');
    const listings = await runExpensiveListings(dir, EXPENSIVE, log);

    const report: BenchReport = {
      generatedAt: new Date().toISOString(),
      command: quick ? 'npm run bench -- --quick' : 'npm run bench',
      durationSeconds: (performance.now() - started) / 1000,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.versions.node, loadAverageBefore, loadAverageAfter: loadavg() },
      sideBySide: { options: SIDE_BY_SIDE, targets, oursRelative: oursRelative(targets) },
      storeGrowth: growth.figures,
      startup,
      expensiveListings: listings,
      goals: checkGoals(targets, growth.figures, startup, listings),
    };
    const resultsDir = path.join(REPO_ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const file = quick ? path.join(tmpdir(), 'cbr-bench-quick.json') : path.join(resultsDir, 'latest.json');
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(formatReport(report));
    log(`\nfigures written to ${quick ? file : path.relative(REPO_ROOT, file)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
