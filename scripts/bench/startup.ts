// Part 3: start-up on an existing large store: from spawning the process to GET /readyz
// answering 200, and to the first delete answered (which also pays for whatever the service
// prepares lazily on its first API request). Both as `npm start` runs it (tsx) and precompiled.
import { BENCH_PROJECT } from './backups-db.ts';
import { median } from './stats.ts';
import { BENCH_TOKEN, type ServiceRuntime, startService, writeTokensFile } from './targets.ts';

export interface StartupRun {
  /** Medians over the starts. */
  readyMs: number;
  firstDeleteMs: number;
  starts: { readyMs: number; firstDeleteMs: number; firstDeleteStatus: number }[];
}

export interface StartupFigures {
  backups: number;
  /** As `npm start` runs it. */
  tsx: StartupRun;
  /** Precompiled (precompile.ts), plain node. */
  js: StartupRun;
}

async function startTimes(dir: string, dbFile: string, runtime: ServiceRuntime, ids: readonly string[], logPrefix: string): Promise<StartupRun> {
  const tokensFile = writeTokensFile(dir);
  const starts: StartupRun['starts'] = [];
  for (const [i, id] of ids.entries()) {
    const service = await startService({ dir, dbFile, tokensFile, logName: `${logPrefix}-${i}`, runtime });
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
  return { readyMs: median(starts.map((s) => s.readyMs)), firstDeleteMs: median(starts.map((s) => s.firstDeleteMs)), starts };
}

/** Starts the service `times` times each way, alternating ways; `spareIds` are stored backups, one deleted per start. */
export async function runStartup(
  dir: string,
  dbFile: string,
  jsEntry: string,
  backups: number,
  spareIds: readonly string[],
  times: number,
): Promise<StartupFigures> {
  if (spareIds.length < 2 * times) throw new Error('not enough spare backups for the start-up runs');
  const tsx: StartupRun[] = [];
  const js: StartupRun[] = [];
  for (let i = 0; i < times; i++) {
    tsx.push(await startTimes(dir, dbFile, { kind: 'tsx' }, [spareIds[2 * i]!], `startup-tsx-${i}`));
    js.push(await startTimes(dir, dbFile, { kind: 'js', entry: jsEntry }, [spareIds[2 * i + 1]!], `startup-js-${i}`));
  }
  const merge = (runs: StartupRun[]): StartupRun => {
    const starts = runs.flatMap((r) => r.starts);
    return { readyMs: median(starts.map((s) => s.readyMs)), firstDeleteMs: median(starts.map((s) => s.firstDeleteMs)), starts };
  };
  return { backups, tsx: merge(tsx), js: merge(js) };
}
