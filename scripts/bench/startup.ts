// Part 3: start-up on an existing large store, as `npm start` runs the service: from spawning
// the process to GET /readyz answering 200, and to the first delete answered (which also pays
// for whatever the service prepares lazily on its first API request).
import { BENCH_PROJECT } from './backups-db.ts';
import { median } from './stats.ts';
import { BENCH_TOKEN, startService, writeTokensFile } from './targets.ts';

export interface StartupFigures {
  backups: number;
  /** Medians over the starts. */
  readyMs: number;
  firstDeleteMs: number;
  starts: { readyMs: number; firstDeleteMs: number; firstDeleteStatus: number }[];
}

/** Starts the service once per spare id (stored backups, one deleted per start). */
export async function runStartup(dir: string, dbFile: string, backups: number, spareIds: readonly string[]): Promise<StartupFigures> {
  const tokensFile = writeTokensFile(dir);
  const starts: StartupFigures['starts'] = [];
  for (const [i, id] of spareIds.entries()) {
    const service = await startService({ dir, dbFile, tokensFile, logName: `startup-${i}` });
    try {
      // readyMs counts from spawn; the first delete follows at once.
      const sinceReady = performance.now();
      const response = await fetch(`${service.url}/v3/${BENCH_PROJECT}/backups/${id}`, { method: 'DELETE', headers: { 'X-Auth-Token': BENCH_TOKEN } });
      await response.arrayBuffer();
      starts.push({ readyMs: service.readyMs, firstDeleteMs: service.readyMs + (performance.now() - sinceReady), firstDeleteStatus: response.status });
    } finally {
      await service.process.stop();
    }
  }
  return { backups, readyMs: median(starts.map((s) => s.readyMs)), firstDeleteMs: median(starts.map((s) => s.firstDeleteMs)), starts };
}
