// The service as a child process, for the scripts and the tests alike: its command as
// `npm start` runs it, a free loopback port to listen on, and a start that waits for
// /readyz. Every child started here is killed when this process exits, even after a failure.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The service's command as package.json's `start` script writes it (`exec node <flags> <entry>`),
 * with this node: tests, the benchmark and the docs screenshot run exactly what `npm start`
 * runs (after the build that `prestart` does, which `npm test` does before the tests).
 */
export function serviceCommand(): { command: string; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = scripts.start!.trim().split(/\s+/);
  // `exec node ...`: the shell npm runs the script in becomes node, so npm's SIGTERM reaches it.
  const [program, ...args] = words[0] === 'exec' ? words.slice(1) : words;
  if (program !== 'node') throw new Error(`package.json's start script is not a node command: ${scripts.start}`);
  return { command: process.execPath, args };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `user`: another user to run as (this process must be root). */
export function spawnTracked(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  user: { uid: number; gid: number } | undefined = undefined,
): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...user });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000, proc?: { child: ChildProcess; output: () => string }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc !== undefined && proc.child.exitCode !== null) throw new Error(`${what}: process exited (${proc.child.exitCode}):\n${proc.output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${proc === undefined ? '' : `:\n${proc.output()}`}`);
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
}

/**
 * Starts `command` with `args` and waits until `isReady` says yes; the running process, or
 * (a process that does not get ready is killed first) the error, with what it printed.
 */
export async function startTracked(
  what: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  url: string,
  isReady: () => Promise<boolean>,
  readyTimeoutMs: number,
): Promise<RunningProcess> {
  const proc = spawnTracked(command, args, env);
  try {
    await waitFor(isReady, what, readyTimeoutMs, proc);
  } catch (error) {
    // A child still starting would keep this process alive after the failure.
    await stopProcess(proc.child, 'SIGKILL');
    throw error;
  }
  return { url, child: proc.child, output: proc.output, stop: (signal) => stopProcess(proc.child, signal) };
}

/**
 * The service as `npm start` runs it (serviceCommand), on a free loopback port, ready when
 * /readyz says so. `env` comes on top of this process's environment.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv = {}, options: { readyTimeoutMs?: number } = {}): Promise<RunningProcess> {
  const port = await freePort();
  const { command, args } = serviceCommand();
  const url = `http://127.0.0.1:${port}`;
  return startTracked(
    'server',
    command,
    args,
    { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    url,
    async () => (await fetch(`${url}/readyz`)).ok,
    options.readyTimeoutMs ?? 20_000,
  );
}
