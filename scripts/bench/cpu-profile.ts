// Where the service's time goes under the benchmark's delete load: runs the service in
// production configuration, as `npm start` runs it, under `node --cpu-prof`, drives it like
// the side-by-side run, stops it, and prints the functions with the most self time, and the
// same by package.
//
// Usage: npm run build && node --import tsx scripts/bench/cpu-profile.ts [seconds=8] [backups=60000]
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BENCH_PROJECT, createBackupsDb, shuffle } from './backups-db.ts';
import { runLoadProcess } from './load.ts';
import { REPO_ROOT, freePort, serviceCommand, spawnChild, waitUntilReady } from './processes.ts';
import { BENCH_TOKEN, productionEnv, writeTokensFile } from './targets.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock, as process.hrtime gives it. */
  startTime?: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Self time: the function itself was running. */
  functions: [string, number][];
  /** Self time by package. */
  packages: [string, number][];
  /** Total time: the function was on the stack. */
  inclusive: [string, number][];
  /** Self time by the part of the service whose code was running (the innermost one on the stack). */
  components: [string, number][];
}

/**
 * The service's parts, by where their code lives; the first rule that matches names the part.
 * Libraries several parts call (path-to-regexp, Node's own modules) are in none: their time
 * goes to the part that called them.
 */
const COMPONENTS: [string, RegExp][] = [
  ['request validation (express-openapi-validator, ajv)', /node_modules\/(express-openapi-validator|ajv|ajv-formats)\/|server\/http\/(validation|strict-integers|exact-paths|request-framing)\.ts/],
  ['logging (pino)', /node_modules\/(pino|pino-http|pino-std-serializers|sonic-boom|fast-redact|quick-format-unescaped|atomic-sleep|thread-stream)\/|server\/http\/logging\.ts/],
  ['metrics (prom-client)', /node_modules\/(prom-client|tdigest|bintrees)\/|server\/http\/metrics\.ts/],
  ['store (better-sqlite3)', /node_modules\/better-sqlite3\/|server\/(store|domain)\//],
  ['token check', /server\/(auth\/|http\/authenticate\.ts)/],
  ['CORS', /node_modules\/(cors|vary)\/|server\/http\/cors\.ts/],
  ['request id', /server\/http\/request-id\.ts/],
  ['handlers and responses', /server\/(operations\/|http\/(operation-routes|errors|error-handler|reject-body|ops-routes|docs-routes|exact-path-gate)\.ts)/],
  ['Express and its router', /node_modules\/(express|router|finalhandler|parseurl|send|on-finished|qs|type-is|content-type|mime-types|mime-db|statuses|depd|encodeurl|escape-html|vary|cookie|accepts|negotiator|debug|ms)\//],
  ['module loading (start-up)', /node_modules\/(tsx|esbuild|yaml|@apidevtools|json-schema-ref-parser)\/|node:internal\/modules\//],
];

function componentOf(stack: ProfileNode['callFrame'][]): string {
  for (const frame of stack) {
    for (const [name, pattern] of COMPONENTS) if (pattern.test(frame.url)) return name;
  }
  const leaf = stack[0]!;
  if (leaf.functionName === '(garbage collector)' || leaf.functionName === '(idle)' || leaf.functionName === '(program)') return leaf.functionName;
  return 'Node core (HTTP, sockets, timers)';
}

function frameName(frame: ProfileNode['callFrame']): string {
  const where = frame.url.replace(`file://${REPO_ROOT}`, '').replace(/^.*node_modules\//, 'node_modules/');
  return `${frame.functionName || '(anonymous)'} ${where}${where === '' ? '' : `:${frame.lineNumber + 1}`}`;
}

/**
 * Self and total time per function, and self time per package, in percent of the samples
 * taken within `window` (monotonic microseconds; all samples without one).
 */
export function summarize(profile: Profile, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const components = new Map<string, number>();
  let total = 0;
  let at = profile.startTime ?? 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (window !== undefined && (at < window.fromUs || at > window.toUs)) return;
    const frame = byId.get(id)!.callFrame;
    total += delta;
    const name = frameName(frame);
    functions.set(name, (functions.get(name) ?? 0) + delta);
    const stack: ProfileNode['callFrame'][] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) stack.push(byId.get(at)!.callFrame);
    for (const key of new Set(stack.map(frameName))) inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    const component = componentOf(stack);
    components.set(component, (components.get(component) ?? 0) + delta);
    const pkg =
      /node_modules\/((@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1] ??
      (frame.url.startsWith('node:') ? 'node (built-in)' : frame.url.includes(REPO_ROOT) ? 'this project' : frame.functionName.startsWith('(') ? frame.functionName : 'node (native)');
    packages.set(pkg, (packages.get(pkg) ?? 0) + delta);
  });
  const top = (map: Map<string, number>, n: number): [string, number][] =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, (100 * v) / total]);
  return { functions: top(functions, 25), packages: top(packages, 15), inclusive: top(inclusive, 40), components: top(components, 20) };
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const count = Number(process.argv[3] ?? 60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'cbr-profile-'));
  try {
    const dbFile = path.join(dir, 'backups.sqlite');
    const ids = shuffle(await createBackupsDb(dbFile, count));
    const idsFile = path.join(dir, 'ids.txt');
    writeFileSync(idsFile, ids.join('\n'));
    const port = await freePort();
    const since = performance.now();
    const { command, args } = serviceCommand();
    const service = spawnChild(
      command,
      ['--cpu-prof', '--cpu-prof-dir', dir, ...args],
      productionEnv(dbFile, writeTokensFile(dir), port),
      path.join(dir, 'service.log'),
    );
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(service, `${url}/readyz`, (r) => r.status === 200, since);
    const warmupSeconds = 1;
    const loadStarted = monotonicUs();
    const result = await runLoadProcess({
      url,
      pathTemplate: `/v3/${BENCH_PROJECT}/backups/{id}`,
      method: 'DELETE',
      headers: { 'x-auth-token': BENCH_TOKEN },
      idsFile,
      connections: 10,
      warmup: { seconds: warmupSeconds },
      measure: { seconds },
    });
    // Only the measured load: not start-up, not the load generator's own start, not the warm-up.
    const window = { fromUs: loadStarted + (warmupSeconds + 0.5) * 1e6, toUs: monotonicUs() };
    await service.stop();
    console.log(`${Math.round(result.requestsPerSecond)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, statuses ${JSON.stringify(result.statuses)}`);
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('the service wrote no profile');
    const { functions, packages, inclusive, components } = summarize(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile, window);
    console.log(`\nsamples from the ${seconds} s of measured load only`);
    console.log('\nself time by part of the service (innermost part on the stack)');
    for (const [name, pct] of components) console.log(`${pct.toFixed(1).padStart(6)}%  ${name}`);
    console.log('\nself time by function');
    for (const [name, pct] of functions) console.log(`${pct.toFixed(1).padStart(6)}%  ${name}`);
    console.log('\ntotal time by function (on the stack)');
    for (const [name, pct] of inclusive) console.log(`${pct.toFixed(1).padStart(6)}%  ${name}`);
    console.log('\nself time by package');
    for (const [name, pct] of packages) console.log(`${pct.toFixed(1).padStart(6)}%  ${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) await main();
