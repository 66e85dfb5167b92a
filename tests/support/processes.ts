// Child processes for tests: the service as `npm start` runs it, and the Prism mock and
// proxy. Each listens on a free loopback port and is killed when the test ends, even when
// it fails. The service's command and start are shared with the scripts (scripts/lib/processes.ts).
import path from 'node:path';
import { REPO_ROOT, type RunningProcess, freePort, startTracked } from '../../scripts/lib/processes.ts';

export {
  REPO_ROOT,
  type RunningProcess,
  freePort,
  serviceCommand,
  spawnTracked,
  startServerProcess,
  waitFor,
} from '../../scripts/lib/processes.ts';

const PRISM = path.join(REPO_ROOT, 'node_modules/.bin/prism');

/** Prism with `args`, on a free port; any HTTP answer means it is listening (it has no health endpoint). */
async function startPrism(what: string, args: (port: number) => string[]): Promise<RunningProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Prism loads slowly on a busy machine (several Prism processes start at once in CI).
  return startTracked(what, PRISM, args(port), {}, url, async () => (await fetch(`${url}/`)).status > 0, 60_000);
}

/** The Prism mock of openapi.yaml, as `npm run mock` runs it, on a free port. */
export async function startMock(extraArgs: string[] = []): Promise<RunningProcess> {
  return startPrism('prism mock', (port) => ['mock', path.join(REPO_ROOT, 'openapi.yaml'), '--host', '127.0.0.1', '--port', String(port), ...extraArgs]);
}

/**
 * A Prism validation proxy in front of `upstreamUrl` (`prism proxy openapi.yaml <upstream>
 * --errors`) on a free port: it forwards each request and reports contract violations of
 * the answer in an `sl-violations` header (with --errors, a violation that is an error
 * becomes Prism's own 500 problem+json).
 */
export async function startProxy(upstreamUrl: string, extraArgs: string[] = []): Promise<RunningProcess> {
  return startPrism('prism proxy', (port) => [
    'proxy', path.join(REPO_ROOT, 'openapi.yaml'), upstreamUrl, '--errors', '--host', '127.0.0.1', '--port', String(port), ...extraArgs,
  ]);
}

/** The stateful mock, as `npm run mock:stateful` runs it (after the build), on a free port; `env` comes on top (MOCK_DELAY_MS, ...). */
export async function startStatefulMock(env: NodeJS.ProcessEnv = {}): Promise<RunningProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return startTracked('stateful mock', process.execPath, ['dist/server/mock/main.js'], { PORT: String(port), ...env }, url, async () => (await fetch(`${url}/healthz`)).ok, 20_000);
}
