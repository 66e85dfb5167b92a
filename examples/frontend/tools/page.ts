// The example page made as its own project would make it: the client's tarball in vendor/,
// `npm install` of the example's package.json (which depends on that tarball), then Vite's
// build; and a static server for the built page. Used by the example's scripts and the tests.
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../../scripts/lib/processes.ts';
import { npmInstall, packClient } from './client-package.ts';

const run = promisify(execFile);

export const EXAMPLE_DIR = path.join(REPO_ROOT, 'examples/frontend');

/** Where the example's package.json expects the client's tarball. */
export const CLIENT_TARBALL = 'vendor/cbr-backup-api-client.tgz';

/** The example's own files: what a copy of it needs (not its node_modules, build or tarball). */
const SOURCES = ['index.html', 'package.json', '.npmrc', 'tsconfig.json', 'src'];

export interface PreparedPage {
  directory: string;
  packMs: number;
  installMs: number;
}

/**
 * Packs the client into `directory`/vendor and installs the example's dependencies there: the
 * client's tarball and, from it, openapi-fetch. Vite and TypeScript (the example's dev
 * dependencies, the same versions as this repository's) are this repository's. `directory`
 * other than EXAMPLE_DIR gets a copy of the example first, whose package.json lists no dev
 * dependencies: npm then has nothing to look up but openapi-fetch.
 */
export async function preparePage(directory: string = EXAMPLE_DIR): Promise<PreparedPage> {
  const copy = path.resolve(directory) !== EXAMPLE_DIR;
  if (copy) {
    await Promise.all(SOURCES.map((name) => cp(path.join(EXAMPLE_DIR, name), path.join(directory, name), { recursive: true })));
    const manifest = JSON.parse(await readFile(path.join(directory, 'package.json'), 'utf8')) as Record<string, unknown>;
    delete manifest.devDependencies;
    await writeFile(path.join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  await mkdir(path.join(directory, path.dirname(CLIENT_TARBALL)), { recursive: true });
  const { ms: packMs } = await packClient(path.join(directory, path.dirname(CLIENT_TARBALL)), path.basename(CLIENT_TARBALL));
  // npm keeps an installed package whose version did not change: take the new tarball's.
  await rm(path.join(directory, 'node_modules/@cbr-backup-api/client'), { recursive: true, force: true });
  const installMs = await npmInstall(directory, copy ? [] : ['--omit=dev']);
  return { directory, packMs, installMs };
}

/** `vite build` of the page in `directory`, to `directory`/dist. */
export async function buildPage(directory: string): Promise<string> {
  const { build } = await import('vite');
  const outDir = path.join(directory, 'dist');
  await build({ root: directory, configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** `tsc -p tsconfig.json` in `directory`: the page's types against the installed package's declarations. */
export async function typecheckPage(directory: string): Promise<void> {
  const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', path.join(directory, 'tsconfig.json')], { cwd: directory, timeout: 120_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the example page does not type-check:\n${stdout}${stderr}`);
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface PageServer {
  /** The page's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/** Serves the files of `root` (a built page) on a free loopback port, / as index.html. */
export async function servePage(root: string): Promise<PageServer> {
  const server = createServer(async (request, response) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://page').pathname);
    } catch {
      return void response.writeHead(400).end();
    }
    const file = path.join(root, pathname === '/' ? 'index.html' : pathname);
    const type = TYPES[path.extname(file)];
    if (!file.startsWith(root + path.sep) || type === undefined) return void response.writeHead(404).end();
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
