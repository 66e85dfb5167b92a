// Child processes for tests: the service as `npm start` runs it, and the Prism mock. Each
// listens on a free loopback port and is killed when the test ends, even when it fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The service's command as package.json's `start` script writes it (`node <flags> <entry>`),
 * with this node: tests and the benchmark run exactly what `npm start` runs (after the build
 * that `prestart` does, which `npm test` does before the tests).
 */
export function serviceCommand(): { command: string; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [program, ...args] = scripts.start!.split(/\s+/);
  if (program !== 'node') throw new Error(`package.json's start script is not a node command: ${scripts.start}`);
  return { command: process.execPath, args };
}

export interface RunningProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function spawnTracked(command: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
}

/**
 * The service as `npm start` runs it (serviceCommand), ready when /readyz says so.
 * A process that does not get ready is stopped before the error is thrown.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv = {}, options: { readyTimeoutMs?: number } = {}): Promise<RunningProcess> {
  const port = await freePort();
  const { command, args } = serviceCommand();
  const proc = spawnTracked(command, args, {
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 'server', options.readyTimeoutMs ?? 20_000, proc);
  } catch (error) {
    await stopProcess(proc.child, 'SIGKILL');
    throw error;
  }
  return { url, child: proc.child, output: proc.output, stop: (signal) => stopProcess(proc.child, signal) };
}

/** The Prism mock of openapi.yaml, as `npm run mock` runs it, on a free port. */
export async function startMock(extraArgs: string[] = []): Promise<RunningProcess> {
  const port = await freePort();
  const prism = path.join(REPO_ROOT, 'node_modules/.bin/prism');
  const proc = spawnTracked(prism, ['mock', path.join(REPO_ROOT, 'openapi.yaml'), '--host', '127.0.0.1', '--port', String(port), ...extraArgs]);
  const url = `http://127.0.0.1:${port}`;
  // Any HTTP answer means Prism is listening (it has no health endpoint).
  try {
    await waitFor(async () => (await fetch(`${url}/`)).status > 0, 'prism mock', 60_000, proc);
  } catch (error) {
    // A child still starting would keep the test process alive after the failure.
    await stopProcess(proc.child, 'SIGKILL');
    throw error;
  }
  return { url, child: proc.child, output: proc.output, stop: (signal) => stopProcess(proc.child, signal) };
}

/**
 * A Prism validation proxy in front of `upstreamUrl` (`prism proxy openapi.yaml <upstream>
 * --errors`) on a free port: it forwards each request and reports contract violations of
 * the answer in an `sl-violations` header (with --errors, a violation that is an error
 * becomes Prism's own 500 problem+json).
 */
export async function startProxy(upstreamUrl: string, extraArgs: string[] = []): Promise<RunningProcess> {
  const port = await freePort();
  const prism = path.join(REPO_ROOT, 'node_modules/.bin/prism');
  const args = ['proxy', path.join(REPO_ROOT, 'openapi.yaml'), upstreamUrl, '--errors', '--host', '127.0.0.1', '--port', String(port), ...extraArgs];
  const proc = spawnTracked(prism, args);
  const url = `http://127.0.0.1:${port}`;
  try {
    // Prism loads slowly on a busy machine (several Prism processes start at once in CI).
    await waitFor(async () => (await fetch(`${url}/`)).status > 0, 'prism proxy', 60_000, proc);
  } catch (error) {
    // A child still starting would keep the test process alive after the failure.
    await stopProcess(proc.child, 'SIGKILL');
    throw error;
  }
  return { url, child: proc.child, output: proc.output, stop: (signal) => stopProcess(proc.child, signal) };
}
