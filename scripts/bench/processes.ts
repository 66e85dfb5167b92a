// The benchmark's child processes: each target runs as its own process, its output going to
// a log file (not through a pipe this process would have to drain while measuring), and
// every child is killed when the benchmark exits, whatever happens.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { REPO_ROOT, freePort, serviceCommand } from '../lib/processes.ts';

export { REPO_ROOT, freePort, serviceCommand };

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

export interface Child {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Peak resident memory so far (VmHWM), in MiB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export function spawnChild(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  const log = openSync(logFile, 'w');
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  closeSync(log);
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (child.pid === undefined) throw new Error(`cannot start ${command}`);
  const pid = child.pid;
  return {
    child,
    pid,
    logFile,
    peakRssMb: () => peakRssMb(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

/** VmHWM of a live process: the most resident memory it has had since it started. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmHWM for process ${pid}`);
  return Number(kb) / 1024;
}

/**
 * Polls `url` until `isReady` accepts the answer; returns the milliseconds since `since`.
 * Polls every few milliseconds so that start-up times are not rounded up to the interval.
 */
export async function waitUntilReady(
  child: Child,
  url: string,
  isReady: (response: Response) => boolean,
  since: number,
  timeoutMs = 30_000,
): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (child.child.exitCode !== null) {
      throw new Error(`${url}: the process exited (${child.child.exitCode}); see ${child.logFile}:\n${readFileSync(child.logFile, 'utf8').slice(-2000)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (isReady(response)) return performance.now() - since;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url}: not ready after ${timeoutMs} ms; see ${child.logFile}`);
}
