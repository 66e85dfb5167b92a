// The benchmark's report: the targets checked against the figures, a table for the terminal
// (also pasted into the README), and the JSON written to bench/results/.
import type { ExpensiveListingsFigures } from './expensive-listings.ts';
import type { GrowthFigures } from './store-growth.ts';
import type { StartupFigures } from './startup.ts';
import type { SideBySideOptions, TargetFigures } from './side-by-side.ts';
import { TARGET_LABELS, type TargetName } from './targets.ts';

export interface BenchReport {
  generatedAt: string;
  command: string;
  durationSeconds: number;
  machine: { cpus: number; cpuModel: string; node: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  sideBySide: { options: SideBySideOptions; targets: TargetFigures[]; oursRelative: OursRelative[] };
  storeGrowth: GrowthFigures[];
  startup: StartupFigures;
  expensiveListings: ExpensiveListingsFigures;
  goals: Goal[];
}

export interface Goal {
  name: string;
  goal: string;
  /** This service as `npm start` runs it. */
  measured: string;
  met: boolean;
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

/** This service's figures over another target's: above 1 for req/s is faster, below 1 for p99 is quicker. */
export interface OursRelative {
  target: TargetName;
  requestsPerSecond: number;
  p99: number;
}

export function oursRelative(targets: readonly TargetFigures[]): OursRelative[] {
  const ours = targets.find((t) => t.name === 'ours')!;
  return targets
    .filter((t) => t !== ours)
    .map((t) => ({ target: t.name, requestsPerSecond: ours.requestsPerSecond / t.requestsPerSecond, p99: ours.p99Ms / t.p99Ms }));
}

export function checkGoals(targets: readonly TargetFigures[], growth: readonly GrowthFigures[], startup: StartupFigures, listings: ExpensiveListingsFigures): Goal[] {
  const of = (name: TargetName) => targets.find((t) => t.name === name)!;
  const smallest = growth[0]!;
  const largest = growth[growth.length - 1]!;
  const growthRatio = largest.deleteP50Ms / smallest.deleteP50Ms;
  const growthGoal = { measured: `${fixed(growthRatio)}x`, met: growthRatio <= 1.25 };
  const goals: { name: string; goal: string; check: () => { measured: string; met: boolean } }[] = [
    ...(['bare', 'validator', 'hand', 'prism'] as const).map((other) => {
      const floor = { bare: 0.75, validator: 1, hand: 1, prism: 3 }[other];
      return {
        name: `throughput vs ${TARGET_LABELS[other]}`,
        goal: other === 'validator' ? '> 1x' : `>= ${floor}x`,
        check: () => {
          const ratio = of('ours').requestsPerSecond / of(other).requestsPerSecond;
          return { measured: `${fixed(ratio)}x`, met: other === 'validator' ? ratio > floor : ratio >= floor };
        },
      };
    }),
    ...(['bare', 'hand'] as const).map((other) => {
      const ceiling = { bare: 2, hand: 1 }[other];
      return {
        name: `p99 vs ${TARGET_LABELS[other]} p99`,
        goal: `<= ${ceiling}x`,
        check: () => {
          const ratio = of('ours').p99Ms / of(other).p99Ms;
          return { measured: `${fixed(ratio)}x`, met: ratio <= ceiling };
        },
      };
    }),
    {
      name: `delete p50 at ${largest.backups.toLocaleString('en-US')} vs ${smallest.backups.toLocaleString('en-US')} backups`,
      goal: '<= 1.25x',
      check: () => growthGoal,
    },
    {
      name: 'peak RSS under load',
      goal: '<= 120 MB',
      check: () => ({ measured: `${fixed(of('ours').peakRssMb, 0)} MB`, met: of('ours').peakRssMb <= 120 }),
    },
    {
      name: `ready after start (${startup.backups.toLocaleString('en-US')} backups)`,
      goal: '<= 1000 ms',
      check: () => ({ measured: `${fixed(startup.readyMs, 0)} ms`, met: startup.readyMs <= 1000 }),
    },
    ...(['health', 'deletes'] as const).map((what) => ({
      name: `every ${what === 'health' ? 'health check' : 'delete'} while the worst listing runs two at a time (${listings.backups.toLocaleString('en-US')} backups)`,
      goal: '<= 250 ms',
      check: () => {
        const figures = listings[what];
        // Every one answered (none timed out), and in time.
        const answered = Object.keys(figures.statuses).every((status) => status !== '0');
        return { measured: `max ${fixed(figures.maxMs, 0)} ms`, met: answered && figures.maxMs <= 250 };
      },
    })),
  ];
  return goals.map(({ name, goal, check }) => ({ name, goal, ...check() }));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function expensiveListingsTables(listings: ExpensiveListingsFigures): string[] {
  const row = (label: string, f: ExpensiveListingsFigures['health']) => [label, String(f.count), fixed(f.p50Ms), fixed(f.p99Ms), fixed(f.maxMs), JSON.stringify(f.statuses)];
  return [
    `Expensive listings, ${listings.backups.toLocaleString('en-US')} backups in one project: each alone (median of its runs), then the worst ` +
      `${listings.concurrency} at a time for ${listings.seconds} s with a health check and a delete every 50 ms beside it ` +
      `(the service's peak RSS: ${fixed(listings.peakRssMb, 0)} MB).`,
    '',
    table(['GET /v3/{project_id}/backups?...', 'alone ms'], listings.alone.map((a) => [`${a.query}${a.query === listings.worst ? ' (worst)' : ''}`, fixed(a.p50Ms, 0)])),
    '',
    table(
      ['while the worst runs', 'answers', 'p50 ms', 'p99 ms', 'max ms', 'statuses'],
      [row('the worst listing', listings.listings), row('GET /healthz', listings.health), row('DELETE (a different backup each)', listings.deletes)],
    ),
  ];
}

/** The report as Markdown tables (readable on a terminal as they are). */
export function formatReport(report: BenchReport): string {
  const { options, targets } = report.sideBySide;
  const relative = new Map(oursRelative(targets).map((r) => [r.target, r]));
  const out: string[] = [];
  out.push(
    `Side by side: DELETE /v3/{project_id}/backups/{backup_id}, a different id each request, ${options.connections} connections, ` +
      `${options.rounds} rounds of ${options.seconds} s (after ${options.warmupSeconds} s warm-up) per target, interleaved; medians of the rounds.`,
    '',
    table(
      ['target', 'req/s', 'p50 ms', 'p99 ms', 'peak RSS MB', 'CPU µs/req', 'load gen. CPU µs/req', 'this service: req/s, p99'],
      targets.map((t) => {
        const r = relative.get(t.name);
        return [
          t.label,
          fixed(t.requestsPerSecond, 0),
          fixed(t.p50Ms),
          fixed(t.p99Ms),
          fixed(t.peakRssMb, 0),
          fixed(t.cpuUsPerRequest, 0),
          fixed(t.generatorCpuUsPerRequest, 0),
          r === undefined ? '' : `${fixed(r.requestsPerSecond)}x, ${fixed(r.p99)}x`,
        ];
      }),
    ),
    '',
    'Store growth: one connection; the store holds the size named once the measured deletes are done.',
    '',
    table(
      ['backups stored', 'delete p50 ms', 'delete p99 ms', 'list (page of 100) p50 ms', 'list p99 ms'],
      report.storeGrowth.map((g) => [g.backups.toLocaleString('en-US'), fixed(g.deleteP50Ms, 3), fixed(g.deleteP99Ms, 3), fixed(g.listP50Ms, 3), fixed(g.listP99Ms, 3)]),
    ),
    '',
    `Start-up with ${report.startup.backups.toLocaleString('en-US')} backups stored, as npm start runs it, medians of ${report.startup.starts.length} starts:`,
    '',
    table(['GET /readyz 200 after ms', 'first delete answered after ms'], [[fixed(report.startup.readyMs, 0), fixed(report.startup.firstDeleteMs, 0)]]),
    '',
    ...expensiveListingsTables(report.expensiveListings),
    '',
    table(
      ['goal', 'target', 'this service (npm start)', 'met'],
      report.goals.map((g) => [g.name, g.goal, g.measured, g.met ? 'yes' : 'NO']),
    ),
    '',
    `${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}, load average ${report.machine.loadAverageBefore.map((l) => l.toFixed(1)).join(' ')} ` +
      `before and ${report.machine.loadAverageAfter.map((l) => l.toFixed(1)).join(' ')} after; ${fixed(report.durationSeconds, 0)} s in all.`,
  );
  return out.join('\n');
}
