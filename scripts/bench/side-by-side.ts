// Part 1: the same delete load against the five targets in turn, several rounds, interleaved
// (A B C D E A B C D E ...), so that a slow moment of the machine is spread over all of them.
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_PROJECT, createBackupsDb, shuffle } from './backups-db.ts';
import { type LoadResult, runLoadProcess } from './load.ts';
import { median } from './stats.ts';
import { BENCH_TOKEN, type RunningTarget, TARGET_LABELS, type TargetName, startTarget, writeTokensFile } from './targets.ts';

export interface SideBySideOptions {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Backups stored for the service (and the hand-written one) to delete, enough for every round. */
  backups: number;
}

export interface TargetFigures {
  name: TargetName;
  label: string;
  /** Medians over the rounds. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The target's CPU time per request (user + system). */
  cpuUsPerRequest: number;
  /** The load generator's. */
  generatorCpuUsPerRequest: number;
  /** VmHWM at the end: the most memory the process ever had resident. */
  peakRssMb: number;
  readyMs: number;
  rounds: LoadResult[];
}

export const TARGET_ORDER: readonly TargetName[] = ['bare', 'validator', 'hand', 'ours', 'prism'];

/** The targets that delete stored backups: each must have one left for every request. */
const DELETING: ReadonlySet<TargetName> = new Set(['hand', 'ours']);

export async function runSideBySide(
  dir: string,
  options: SideBySideOptions,
  progress: (line: string) => void,
): Promise<TargetFigures[]> {
  const dbFile = path.join(dir, 'side-by-side.sqlite');
  const idsFile = path.join(dir, 'side-by-side-ids.txt');
  writeFileSync(idsFile, shuffle(await createBackupsDb(dbFile, options.backups)).join('\n'));
  // Closed by the loader, the store is one file (no -wal beside it): a copy is all of it.
  if (existsSync(`${dbFile}-wal`)) throw new Error(`${dbFile}-wal exists: the store cannot be copied as one file`);
  const handWrittenDbFile = path.join(dir, 'side-by-side-hand-written.sqlite');
  copyFileSync(dbFile, handWrittenDbFile);
  const tokensFile = writeTokensFile(dir);

  // Started one at a time, so that no start-up competes with another; idle while not measured.
  const targets = new Map<TargetName, RunningTarget>();
  try {
    for (const name of TARGET_ORDER) targets.set(name, await startTarget(name, { dir, dbFile, handWrittenDbFile, tokensFile }));
    const results = new Map<TargetName, LoadResult[]>(TARGET_ORDER.map((name) => [name, []]));
    // Every target walks the same ids: for the service and the hand-written one (each with its
    // own copy of the store) each is a stored backup deleted once.
    const nextId = new Map<TargetName, number>(TARGET_ORDER.map((name) => [name, 0]));
    for (let round = 1; round <= options.rounds; round++) {
      for (const name of TARGET_ORDER) {
        const target = targets.get(name)!;
        const result = await runLoadProcess({
          url: target.url,
          pathTemplate: `/v3/${BENCH_PROJECT}/backups/{id}`,
          method: 'DELETE',
          headers: { 'X-Auth-Token': BENCH_TOKEN },
          idsFile,
          firstId: nextId.get(name),
          connections: options.connections,
          warmup: { seconds: options.warmupSeconds },
          measure: { seconds: options.seconds },
          targetPid: target.process.pid,
        });
        nextId.set(name, nextId.get(name)! + result.idsUsed);
        if (DELETING.has(name) && result.idsExhausted) {
          throw new Error(`${TARGET_LABELS[name]} ran out of stored backups to delete: raise the side-by-side backup count`);
        }
        results.get(name)!.push(result);
        progress(
          `  round ${round} ${TARGET_LABELS[name].padEnd(32)} ${Math.round(result.requestsPerSecond).toString().padStart(6)} req/s  ` +
            `p99 ${result.latencyMs.p99.toFixed(1)} ms  ${JSON.stringify(result.statuses)}`,
        );
      }
    }
    return TARGET_ORDER.map((name) => {
      const rounds = results.get(name)!;
      const target = targets.get(name)!;
      return {
        name,
        label: TARGET_LABELS[name],
        requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
        p50Ms: median(rounds.map((r) => r.latencyMs.p50)),
        p99Ms: median(rounds.map((r) => r.latencyMs.p99)),
        cpuUsPerRequest: median(rounds.map((r) => r.cpuUsPerRequest ?? Number.NaN)),
        generatorCpuUsPerRequest: median(rounds.map((r) => r.generatorCpuUsPerRequest)),
        peakRssMb: target.process.peakRssMb(),
        readyMs: target.readyMs,
        rounds,
      };
    });
  } finally {
    for (const target of targets.values()) await target.process.stop();
  }
}
