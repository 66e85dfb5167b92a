// The package as others use it: the client imported by name ('cbr-backup-api/client') from
// plain JavaScript run by `node` alone, which needs the compiled dist/; the `backups` bin run
// through `npx` from the repository; and the client's own package (`npm pack -w client`)
// installed into an empty project, from which JavaScript, TypeScript and the bin use it.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { npmInstall, packClient, type PackedClient } from '../../examples/frontend/tools/client-package.ts';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { runBin } from './support/cli.ts';

const run = promisify(execFile);

let server: TestServer;
before(async () => {
  // dist/ is built from the current source by `npm test` before any test runs (and by `npm ci`
  // through the prepare script); rebuilding it here would race the tests that run dist/server.
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

const PLAIN_CONSUMER = path.join(REPO_ROOT, 'tests/client/fixtures/plain-consumer.mjs');

/** Runs a copy of plain-consumer.mjs with node alone in `cwd`: what it printed, parsed. */
async function runConsumer(script: string, cwd: string, url: string, deletable: string): Promise<unknown> {
  const args = [script, url, DEMO_TOKENS.member, DEMO_PROJECT, deletable, DEMO_BACKUPS.absent];
  // No --import tsx, and no NODE_OPTIONS that could bring it in: node alone.
  const env = { PATH: process.env.PATH ?? '' };
  const { stdout } = await run(process.execPath, args, { cwd, env, timeout: 60_000 });
  return JSON.parse(stdout);
}

/** What plain-consumer.mjs prints against a fresh service: one delete, one refused, a page of 2 of the 10 left. */
const CONSUMER_OUTPUT = { deleted: 'deleted', refused: { status: 400, errorCode: 'CSBS.3001' }, listed: 2, count: 10 };

test('plain JavaScript imports the client by package name and uses it', async () => {
  assert.deepEqual(await runConsumer(PLAIN_CONSUMER, REPO_ROOT, server.url, DEMO_BACKUPS.available[0]), CONSUMER_OUTPUT);
});

test('`npx backups` runs the bin from the repository, with its exit code', async () => {
  const npx = ['npx', '--offline', '--yes', 'backups'];
  const help = await runBin(['--help'], {}, npx);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^backups: delete, show and list backups/);

  const usage = await runBin(['show', DEMO_BACKUPS.available[1]], {}, npx);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /no project: pass --project <id> or set OS_PROJECT_ID/);
});

test('a reader that closes early (`backups ... | head`) ends the command quietly, exit 0', async () => {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'client/bin/backups.mjs'), '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed before the command writes anything: its first write meets EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|at /);
});

describe('the client package (npm pack -w client) installed into an empty project', () => {
  let dir: string;
  let project: string;
  let packed: PackedClient;
  let api: TestServer;
  let installMs: number;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-client-package-'));
    project = path.join(dir, 'project');
    await mkdir(project);
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // What another project does: only openapi-fetch comes from the registry (or npm's cache).
    [packed, api] = await Promise.all([packClient(dir), startTestServer()]);
    installMs = await npmInstall(project, [packed.tarball]);
  });
  after(async () => {
    await api?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test('the tarball holds the compiled client, its declarations, the generated types and the bin: nothing of the server', async (t) => {
    t.diagnostic(`npm pack -w client: ${Math.round(packed.ms)} ms; npm install of the tarball: ${Math.round(installMs)} ms`);
    for (const file of packed.files) {
      assert.match(file, /^(package\.json|README\.md|bin\/backups\.mjs|dist\/(client|generated)\/[a-z-]+\.(js|d\.ts))$/, `unexpected file in the package: ${file}`);
    }
    for (const file of ['dist/client/index.js', 'dist/client/index.d.ts', 'dist/client/cli.js', 'dist/generated/openapi.d.ts', 'bin/backups.mjs']) {
      assert.ok(packed.files.includes(file), `${file} is in the package`);
    }
    const installed = path.join(project, 'node_modules/@cbr-backup-api/client');
    const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    const root = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.deepEqual(manifest.dependencies, { 'openapi-fetch': root.dependencies['openapi-fetch'] }, 'openapi-fetch alone, the version the repository uses');
    assert.equal(manifest.devDependencies, undefined);
    assert.equal(manifest.optionalDependencies, undefined);

    // The installed tree: the client, openapi-fetch and what openapi-fetch depends on.
    const fetchManifest = JSON.parse(await readFile(path.join(project, 'node_modules/openapi-fetch/package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const allowed = new Set(['@cbr-backup-api', 'openapi-fetch', ...Object.keys(fetchManifest.dependencies ?? {})]);
    const tree = (await readdir(path.join(project, 'node_modules'))).filter((name) => !name.startsWith('.'));
    assert.deepEqual(tree.filter((name) => !allowed.has(name)), [], 'nothing else is installed (no better-sqlite3, no express)');

    // What the JavaScript imports: its own files and openapi-fetch; node: modules in the command's file only.
    const imported = new Set<string>();
    for (const file of packed.files.filter((name) => name.endsWith('.js'))) {
      const code = (await readFile(path.join(installed, file), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const [, specifier] of code.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const allowedHere = specifier!.startsWith('./') || specifier === 'openapi-fetch' || (file === 'dist/client/cli.js' && specifier!.startsWith('node:'));
        assert.ok(allowedHere, `${file} imports ${specifier}`);
        imported.add(specifier!);
      }
    }
    assert.ok(imported.has('openapi-fetch') && imported.has('node:util'), `the imports were read: ${[...imported].join(', ')}`);
  });

  test('plain JavaScript in that project imports it by name and calls a running service', async () => {
    const script = path.join(project, 'consumer.mjs');
    const source = await readFile(PLAIN_CONSUMER, 'utf8');
    await writeFile(script, source.replace("from 'cbr-backup-api/client'", "from '@cbr-backup-api/client'"));
    assert.deepEqual(await runConsumer(script, project, api.url, DEMO_BACKUPS.available[2]), CONSUMER_OUTPUT);
  });

  test('its `backups` command runs from the project\'s node_modules/.bin', async () => {
    const bin = path.join(project, 'node_modules/.bin/backups');
    const help = await runBin(['--help'], {}, [bin]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^backups: delete, show and list backups/);
    const shown = await runBin(['show', DEMO_BACKUPS.available[1], '--json', '--endpoint', api.url], { OS_AUTH_TOKEN: DEMO_TOKENS.member, OS_PROJECT_ID: DEMO_PROJECT }, [bin]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal((JSON.parse(shown.stdout) as { backup: { id: string } }).backup.id, DEMO_BACKUPS.available[1]);
  });

  test('TypeScript in that project type-checks against its declarations (Bundler and NodeNext resolution, skipLibCheck off)', async () => {
    await writeFile(
      path.join(project, 'consumer.ts'),
      [
        "import { ApiError, createBackupClient, type BackupDetail, type ErrorCode } from '@cbr-backup-api/client';",
        "const client = createBackupClient({ baseUrl: 'http://127.0.0.1:8080', token: 'token' });",
        "const backup: BackupDetail = await client.showBackup('project', 'backup');",
        'const status: string = backup.status;',
        '// @ts-expect-error: the declarations are typed (not any): this is no error code of the contract',
        "const code: ErrorCode = 'CSBS.0000';",
        'export { ApiError, status, code };',
        '',
      ].join('\n'),
    );
    const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const configs = [
      { name: 'bundler', module: 'ESNext', moduleResolution: 'Bundler' },
      { name: 'nodenext', module: 'NodeNext', moduleResolution: 'NodeNext' },
    ];
    await Promise.all(
      configs.map(async ({ name, ...options }) => {
        const compilerOptions = { ...options, target: 'ES2022', lib: ['ES2023', 'DOM'], types: [], strict: true, noEmit: true, skipLibCheck: false };
        const config = path.join(project, `tsconfig.${name}.json`);
        await writeFile(config, JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
        const result = await run(process.execPath, [tsc, '-p', config], { cwd: project, timeout: 120_000 }).catch((error: { stdout?: string }) => error);
        assert.ok(!(result instanceof Error), `${name}: ${(result as { stdout?: string }).stdout}`);
      }),
    );
  });
});
