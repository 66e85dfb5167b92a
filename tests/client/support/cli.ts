// Runs the `backups` command two ways: in this process through runCli (fast, for behaviour),
// and as `node client/bin/backups.mjs` in a child process (for real exit codes and streams).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { type CliIo, runCli } from '../../../client/cli.ts';
import type { FetchFunction } from '../../../client/transport.ts';
import { REPO_ROOT } from '../../support/processes.ts';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runInProcess(args: string[], env: Record<string, string>, fetch?: FetchFunction): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...(fetch === undefined ? {} : { fetch }),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

export const BIN = path.join(REPO_ROOT, 'client/bin/backups.mjs');

/**
 * `node client/bin/backups.mjs ARGS` with only PATH, HOME and `env` in its environment, so
 * the caller's own OS_AUTH_TOKEN or OS_PROJECT_ID never leak in. Killed after 60 s.
 */
export function runBin(args: string[], env: Record<string, string>, command: string[] = [process.execPath, BIN]): Promise<CliRun> {
  const [file, ...first] = command as [string, ...string[]];
  const child = spawn(file, [...first, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
