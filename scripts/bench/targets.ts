// The five things the benchmark puts side by side, each started as its own process on a
// free loopback port. `ours` is the service as production runs it; `hand` is the same delete
// written by hand, deleting from its own copy of the same store.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Child, REPO_ROOT, freePort, serviceCommand, spawnChild, waitUntilReady } from './processes.ts';
import { BENCH_PROJECT } from './backups-db.ts';

export type TargetName = 'bare' | 'validator' | 'hand' | 'ours' | 'prism';

export const TARGET_LABELS: Record<TargetName, string> = {
  bare: 'bare Express 5',
  validator: 'Express + validator (defaults)',
  hand: 'hand-written Express + SQLite',
  ours: 'this service (production)',
  prism: 'Prism mock',
};

export interface RunningTarget {
  name: TargetName;
  url: string;
  process: Child;
  /** Milliseconds from spawn to ready. */
  readyMs: number;
}

/** The token the benchmark sends; the service knows it from its TOKENS_FILE. */
export const BENCH_TOKEN = 'bench-member-token-0b7d3f9e2c';

/** A tokens file with the benchmark's token: a member of BENCH_PROJECT. */
export function writeTokensFile(dir: string): string {
  const file = path.join(dir, 'tokens.json');
  const entry = {
    token: BENCH_TOKEN,
    project_id: BENCH_PROJECT,
    user: { id: 'b3e1c2d4a5f60718293a4b5c6d7e8f90', name: 'bench' },
    roles: ['member', 'reader'],
    expires_at: '2099-12-31T23:59:59Z',
  };
  writeFileSync(file, JSON.stringify({ tokens: [entry] }));
  return file;
}

/** The environment of a production start: the store, the tokens file, logs at info. */
export function productionEnv(dbFile: string, tokensFile: string, port: number): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    TOKENS_FILE: tokensFile,
    DATABASE_URL: `sqlite:${dbFile}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
  };
}

/** The service in production configuration, as `npm start` runs it (the build is done first); logs go to `<dir>/<logName>.log`. */
export async function startService(options: { dir: string; dbFile: string; tokensFile: string; logName: string }): Promise<RunningTarget> {
  const { command, args } = serviceCommand();
  const port = await freePort();
  const since = performance.now();
  const child = spawnChild(command, args, productionEnv(options.dbFile, options.tokensFile, port), path.join(options.dir, `${options.logName}.log`));
  const url = `http://127.0.0.1:${port}`;
  const readyMs = await waitUntilReady(child, `${url}/readyz`, (r) => r.status === 200, since);
  return { name: 'ours', url, process: child, readyMs };
}

export interface TargetContext {
  dir: string;
  /** The service's store. */
  dbFile: string;
  /** The hand-written service's: a copy of the same store, so that both delete the same backups. */
  handWrittenDbFile: string;
  tokensFile: string;
}

const SCRIPTS: Record<'bare' | 'validator' | 'hand', string> = {
  bare: 'bare-express.ts',
  validator: 'bare-validator.ts',
  hand: 'hand-written.ts',
};

export async function startTarget(name: TargetName, context: TargetContext): Promise<RunningTarget> {
  if (name === 'ours') return startService({ ...context, logName: 'service' });
  const port = await freePort();
  const since = performance.now();
  const logFile = path.join(context.dir, `${name}.log`);
  const child =
    name === 'prism'
      // As `npm run mock` runs it.
      ? spawnChild(path.join(REPO_ROOT, 'node_modules/.bin/prism'), ['mock', path.join(REPO_ROOT, 'openapi.yaml'), '--host', '127.0.0.1', '--port', String(port)], {}, logFile)
      : spawnChild(
          process.execPath,
          ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/bench/targets', SCRIPTS[name])],
          { PORT: String(port), DB_FILE: context.handWrittenDbFile, TOKENS_FILE: context.tokensFile },
          logFile,
        );
  const url = `http://127.0.0.1:${port}`;
  // These have no readiness endpoint: any HTTP answer means listening.
  const readyMs = await waitUntilReady(child, `${url}/`, () => true, since);
  return { name, url, process: child, readyMs };
}
