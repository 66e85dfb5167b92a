// The cbr-verify command as a user runs it: the bin (compiled, no TypeScript loader) as a child
// process, with its exit status, what it printed, and the report files it wrote.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../support/processes.ts';

export const CBR_VERIFY_BIN = path.join(REPO_ROOT, 'verify/bin/cbr-verify.mjs');

export interface CbrVerifyRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The --junit and --summary files (written to a temporary directory). */
  junit: string | undefined;
  summary: string | undefined;
}

export interface CbrVerifyOptions {
  /** The command and its leading arguments (default: node and the repository's bin). */
  command?: [string, ...string[]];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs cbr-verify with `args`, plus --junit and --summary into a temporary directory. */
export async function runCbrVerify(args: readonly string[], options: CbrVerifyOptions = {}): Promise<CbrVerifyRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cbr-verify-'));
  const junitFile = path.join(dir, 'junit.xml');
  const summaryFile = path.join(dir, 'summary.md');
  const [command, ...leading] = options.command ?? [process.execPath, CBR_VERIFY_BIN];
  // No GitHub variables from the environment the tests run in (the run decides on annotations
  // itself), and none of npm's (an outer `npm test` sets them for this repository).
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...options.env }).filter(([name]) => name !== 'GITHUB_ACTIONS' && name !== 'GITHUB_STEP_SUMMARY' && !/^npm_/i.test(name)),
  );
  const child = spawn(command, [...leading, ...args, '--junit', junitFile, '--summary', summaryFile], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    const read = (file: string) => readFile(file, 'utf8').catch(() => undefined);
    return { code, stdout, stderr, junit: await read(junitFile), summary: await read(summaryFile) };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

/** The counts on the JUnit report's root element. */
export function junitTotals(xml: string): { tests: number; failures: number; skipped: number } {
  const root = /<testsuites tests="(\d+)" failures="(\d+)" errors="\d+" skipped="(\d+)"/.exec(xml);
  if (root === null) throw new Error(`not a JUnit report:\n${xml.slice(0, 500)}`);
  return { tests: Number(root[1]), failures: Number(root[2]), skipped: Number(root[3]) };
}

/** What a failed run printed, for an assertion's message. */
export function explain(run: CbrVerifyRun): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout.slice(-8000)}\n--- stderr\n${run.stderr.slice(-4000)}`;
}
