// The Prism validation proxy of the proxy pass, run by the verifier itself on a loopback port in
// front of the target: `prism proxy openapi.yaml <target> --errors --validate-request=false`.
// Prism validates every answer and reports a violation in an `sl-violations` header (with
// --errors, as its own 500 problem+json); without request validation it forwards malformed
// requests instead of answering them itself, so the target's own 400s are checked too. It still
// answers a missing token, an unknown path and an undeclared method itself (scenarios.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { SPEC_FILE } from './files.ts';

export interface PrismCommand {
  command: string;
  args: string[];
  /** Where it was found, for the report. */
  from: string;
}

function fromPackage(requireFrom: string): PrismCommand | undefined {
  try {
    const manifest = createRequire(requireFrom).resolve('@stoplight/prism-cli/package.json');
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
    const entry = typeof bin === 'string' ? bin : bin?.prism;
    if (entry === undefined) return undefined;
    const file = path.join(path.dirname(manifest), entry);
    return { command: process.execPath, args: [file], from: file };
  } catch {
    return undefined;
  }
}

/**
 * Prism: the executable `explicit` names (a .js file runs with this node), else the
 * @stoplight/prism-cli package next to the verifier or in the working directory's node_modules.
 */
export function findPrism(explicit?: string): PrismCommand | undefined {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) return undefined;
    return /\.[cm]?js$/.test(explicit) ? { command: process.execPath, args: [explicit], from: explicit } : { command: explicit, args: [], from: explicit };
  }
  return fromPackage(import.meta.url) ?? fromPackage(path.join(process.cwd(), 'package.json'));
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningProxy {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function startPrismProxy(prism: PrismCommand, upstreamUrl: string, readyTimeoutMs = 60_000): Promise<RunningProxy> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [...prism.args, 'proxy', SPEC_FILE, upstreamUrl, '--errors', '--validate-request=false', '--host', '127.0.0.1', '--port', String(port)];
  const child = spawn(prism.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await once(child, 'exit');
      clearTimeout(timer);
    }
    children.delete(child);
  };
  const deadline = Date.now() + readyTimeoutMs;
  // Prism has no health endpoint: any HTTP answer from it means it is listening.
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prism proxy exited (${child.exitCode}):\n${output}`);
    const answered = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status > 0, () => false);
    if (answered) return { url, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`prism proxy did not start within ${readyTimeoutMs} ms:\n${output}`);
}
