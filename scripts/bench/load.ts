// The load generator, run as its own process so it never shares an event loop with the
// target: autocannon against one URL, every request a DELETE of the next id from a file,
// so no two requests name the same backup. Prints one JSON line (LoadResult) on stdout.
//
// Usage: load.ts '<LoadPlan as JSON>'
// autocannon's own latency histogram has 1 ms resolution, too coarse on loopback, so each
// response's time (which autocannon measures with hrtime) is recorded here as well.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadPlan {
  /** The target's base URL, e.g. http://127.0.0.1:4321 */
  url: string;
  /** The path of each request; `{id}` is replaced by the next id. */
  pathTemplate: string;
  method: 'DELETE' | 'GET';
  headers: Record<string, string>;
  /** A file of ids, one a line, used in order from `firstId`; none when the path has no `{id}`. */
  idsFile?: string;
  firstId?: number;
  connections: number;
  /** A discarded run first, for the JIT and caches. */
  warmup?: Span;
  /** The measured run. */
  measure: Span;
  /** The target's process id: its CPU time during the measured run is reported. */
  targetPid?: number;
}

/** How long a run lasts: seconds, or a number of requests. */
export type Span = { seconds: number } | { requests: number };

export interface LoadResult {
  requestsPerSecond: number;
  responses: number;
  /** Responses by status class, e.g. {"2xx": 1000}. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** The target's CPU time (user + system) per response during the measured run, in microseconds. */
  cpuUsPerRequest?: number;
  /** This load generator's own CPU time per response: near a full core per response rate, it is the limit. */
  generatorCpuUsPerRequest: number;
  /** How many ids were taken from the file (warm-up included). */
  idsUsed: number;
  /** True when the file ran out of ids: later requests repeated the last one. */
  idsExhausted: boolean;
}

/** User plus system CPU time a process has used so far, from /proc/PID/stat (in clock ticks of 10 ms). */
function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), counted from field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Runs one load in its own process (this file as a script) and returns what it measured. */
export async function runLoadProcess(plan: LoadPlan): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`load generator failed (${code}): ${stderr.slice(-2000)}`);
  return JSON.parse(stdout) as LoadResult;
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const ids = plan.idsFile === undefined ? [''] : readFileSync(plan.idsFile, 'utf8').split('\n').filter((line) => line !== '');
  const firstId = plan.firstId ?? 0;
  let next = firstId;
  let exhausted = false;
  const nextPath = (): string => {
    if (next >= ids.length) exhausted = true;
    return plan.pathTemplate.replace('{id}', ids[Math.min(next++, ids.length - 1)]!);
  };
  const options = (): autocannon.Options => ({
    url: plan.url,
    connections: plan.connections,
    pipelining: 1,
    headers: plan.headers,
    requests: [
      {
        method: plan.method,
        setupRequest: (request: autocannon.Request) => ({ ...request, path: nextPath() }),
      },
    ],
  });

  const span = (s: Span) => ('seconds' in s ? { duration: s.seconds } : { amount: s.requests });
  if (plan.warmup !== undefined) {
    const warmup = plan.warmup;
    await new Promise<void>((resolve, reject) => autocannon({ ...options(), ...span(warmup) }, (error) => (error ? reject(error) : resolve())));
  }

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const cpuBefore = plan.targetPid === undefined ? 0 : cpuTimeMs(plan.targetPid);
  const ownCpuBefore = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options(), ...span(plan.measure) }, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
      const kind = `${Math.floor(statusCode / 100)}xx`;
      statuses[kind] = (statuses[kind] ?? 0) + 1;
    });
  });
  const cpuMs = plan.targetPid === undefined ? undefined : cpuTimeMs(plan.targetPid) - cpuBefore;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const sorted = Float64Array.from(latencies).sort();
  const total = latencies.reduce((sum, value) => sum + value, 0);
  return {
    // Responses over the run's wall time: autocannon's own figure is a mean of per-second samples.
    requestsPerSecond: latencies.length / result.duration,
    responses: latencies.length,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
      mean: total / Math.max(1, latencies.length),
    },
    ...(cpuMs === undefined ? {} : { cpuUsPerRequest: (cpuMs * 1000) / Math.max(1, latencies.length) }),
    generatorCpuUsPerRequest: (ownCpu.user + ownCpu.system) / Math.max(1, latencies.length),
    idsUsed: next - firstId,
    idsExhausted: exhausted,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const plan = JSON.parse(process.argv[2] ?? '') as LoadPlan;
  const result = await runLoad(plan);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
