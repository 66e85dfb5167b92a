// The package as others use it: the client imported by name ('cbr-backup-api/client') from
// plain JavaScript run by `node` alone, which needs the compiled dist/; and the `backups`
// bin run through `npx` from the repository.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
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

test('plain JavaScript imports the client by package name and uses it', async () => {
  const consumer = path.join(REPO_ROOT, 'tests/client/fixtures/plain-consumer.mjs');
  const args = [consumer, server.url, DEMO_TOKENS.member, DEMO_PROJECT, DEMO_BACKUPS.available[0], DEMO_BACKUPS.absent];
  // No --import tsx, and no NODE_OPTIONS that could bring it in: node alone.
  const env = { PATH: process.env.PATH ?? '' };
  const { stdout } = await run(process.execPath, args, { cwd: REPO_ROOT, env, timeout: 60_000 });
  assert.deepEqual(JSON.parse(stdout), {
    deleted: 'deleted',
    refused: { status: 400, errorCode: 'CSBS.3001' },
    listed: 2,
    count: 10,
  });
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
