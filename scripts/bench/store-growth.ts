// Part 2: how the cost of a delete (and of a page of the listing) grows with the store. For
// each size the service starts on a store of that many backups plus the ones the run deletes,
// so it holds the size named when the run ends; one connection, so latency is service time.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_PROJECT, createBackupsDb, shuffle } from './backups-db.ts';
import { runLoadProcess } from './load.ts';
import { BENCH_TOKEN, startService, writeTokensFile } from './targets.ts';

export interface GrowthOptions {
  sizes: readonly number[];
  /** Deletes measured at each size (after a warm-up of a tenth as many). */
  deletes: number;
  /** Seconds of requests for the first page of 100 at each size (a page costs more as the store grows). */
  listSeconds: number;
}

export interface GrowthFigures {
  backups: number;
  /** Seconds to write the store in bulk (not part of what is measured). */
  loadSeconds: number;
  deleteP50Ms: number;
  deleteP99Ms: number;
  listP50Ms: number;
  listP99Ms: number;
  statuses: { delete: Record<string, number>; list: Record<string, number> };
}

/** Runs every size; the largest store is left in `dir` (its path returned) for the start-up part. */
export async function runStoreGrowth(
  dir: string,
  options: GrowthOptions,
  progress: (line: string) => void,
): Promise<{ figures: GrowthFigures[]; largestDbFile: string; spareIds: string[] }> {
  const tokensFile = writeTokensFile(dir);
  const figures: GrowthFigures[] = [];
  const warmup = Math.max(10, Math.round(options.deletes / 10));
  let largestDbFile = '';
  let spareIds: string[] = [];
  for (const [index, size] of options.sizes.entries()) {
    const dbFile = path.join(dir, `growth-${size}.sqlite`);
    const loadStarted = performance.now();
    const ids = shuffle(await createBackupsDb(dbFile, size + warmup + options.deletes));
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const idsFile = path.join(dir, `growth-${size}-ids.txt`);
    writeFileSync(idsFile, ids.slice(0, warmup + options.deletes).join('\n'));

    const service = await startService({ dir, dbFile, tokensFile, logName: `growth-${size}` });
    try {
      const common = { url: service.url, headers: { 'X-Auth-Token': BENCH_TOKEN }, connections: 1 };
      const deletes = await runLoadProcess({
        ...common,
        method: 'DELETE',
        pathTemplate: `/v3/${BENCH_PROJECT}/backups/{id}`,
        idsFile,
        warmup: { requests: warmup },
        measure: { requests: options.deletes },
      });
      const list = await runLoadProcess({
        ...common,
        method: 'GET',
        pathTemplate: `/v3/${BENCH_PROJECT}/backups?limit=100`,
        warmup: { requests: 3 },
        measure: { seconds: options.listSeconds },
      });
      figures.push({
        backups: size,
        loadSeconds,
        deleteP50Ms: deletes.latencyMs.p50,
        deleteP99Ms: deletes.latencyMs.p99,
        listP50Ms: list.latencyMs.p50,
        listP99Ms: list.latencyMs.p99,
        statuses: { delete: deletes.statuses, list: list.statuses },
      });
      progress(
        `  ${size.toLocaleString('en-US').padStart(9)} backups (written in ${loadSeconds.toFixed(1)} s): ` +
          `delete p50 ${deletes.latencyMs.p50.toFixed(2)} ms, list p50 ${list.latencyMs.p50.toFixed(2)} ms`,
      );
    } finally {
      await service.process.stop();
    }
    if (index === options.sizes.length - 1) {
      largestDbFile = dbFile;
      spareIds = ids.slice(warmup + options.deletes, warmup + options.deletes + 100);
    } else {
      rmSync(dbFile, { force: true });
      rmSync(`${dbFile}-wal`, { force: true });
      rmSync(`${dbFile}-shm`, { force: true });
    }
  }
  return { figures, largestDbFile, spareIds };
}
