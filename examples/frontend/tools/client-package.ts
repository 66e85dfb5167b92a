// The client package as another project gets it: `npm pack -w client` (its prepack compiles
// what changed) and `npm install` of the tarball. For the example's scripts and the tests.
import { execFile } from 'node:child_process';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../../scripts/lib/processes.ts';

const run = promisify(execFile);

/**
 * This process's environment without npm's own variables: an `npm run` or `npm test` above
 * sets npm_config_* ones, which the npm started here would read as its configuration.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

export interface PackedClient {
  /** The tarball's path. */
  tarball: string;
  /** The paths inside it (under package/ in the tarball), as `npm pack --json` lists them. */
  files: string[];
  /** How long `npm pack` took. */
  ms: number;
}

/** `npm pack -w client` into `directory`; `name` renames the tarball (default: npm's name). */
export async function packClient(directory: string, name?: string): Promise<PackedClient> {
  const started = performance.now();
  const { stdout } = await run('npm', ['pack', '-w', 'client', '--pack-destination', directory, '--json', '--loglevel=error'], {
    cwd: REPO_ROOT,
    env: npmEnv(),
    timeout: 120_000,
  });
  const ms = performance.now() - started;
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  let tarball = path.join(directory, packed.filename);
  if (name !== undefined) {
    await rename(tarball, path.join(directory, name));
    tarball = path.join(directory, name);
  }
  return { tarball, files: packed.files.map((file) => file.path), ms };
}

/**
 * `npm install --no-audit --no-fund ARGS` in `directory`; the time it took. --prefer-offline:
 * what npm's cache holds (openapi-fetch, after `npm ci` here) is not fetched again.
 */
export async function npmInstall(directory: string, args: string[] = []): Promise<number> {
  const started = performance.now();
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...args], {
    cwd: directory,
    env: npmEnv(),
    timeout: 180_000,
  });
  return performance.now() - started;
}
