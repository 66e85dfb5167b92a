// Done when another project can verify its implementation with this package: `npm pack` of this
// repository, installed into an empty directory as a consumer installs it (production
// dependencies only, no install scripts: the verifier needs no native module), and `npx
// cbr-verify` there against this service started elsewhere on loopback, the Prism proxy pass
// included (the consumer installs @stoplight/prism-cli beside it).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FIXTURE_ACCESS_KEYS_FILE, FIXTURE_BACKUPS_FILE, FIXTURE_TOKENS_FILE } from '../../verify/files.ts';
import { FIXTURE_ACCESS_KEY } from '../../verify/fixtures.ts';
import { REPO_ROOT, type RunningProcess, startServerProcess } from '../support/processes.ts';
import { explain, junitTotals, runCbrVerify } from './support/cbr-verify.ts';

const run = promisify(execFile);

/** This environment without npm's own variables (an outer `npm test` sets them for its project). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('npm', args, { cwd, env: cleanEnv(), timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed: ${(error as Error).message}\n${stdout}${stderr}`);
  }
}

const PRISM_VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@stoplight/prism-cli'];

describe('cbr-verify from a packed tarball, in an empty directory', () => {
  let dir = '';
  let server: RunningProcess | undefined;
  let consumer = '';

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-verify-package-'));
    server = await startServerProcess({ DATABASE_URL: path.join(dir, 'backups.sqlite'), SEED_FILE: FIXTURE_BACKUPS_FILE, TOKENS_FILE: FIXTURE_TOKENS_FILE, ACCESS_KEYS_FILE: FIXTURE_ACCESS_KEYS_FILE });
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('packs only what the package needs: the compiled verifier, the contract and the fixtures', async (t) => {
    assert.ok(existsSync(path.join(REPO_ROOT, 'dist/verify/main.js')), 'dist/verify is not built: npm run build first');
    const started = Date.now();
    // The build is npm test's (and prepare's) job; packing here must not rebuild under other tests.
    const listing = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], REPO_ROOT)) as [{ filename: string; files: { path: string }[] }];
    const files = listing[0].files.map((f) => f.path);
    for (const needed of ['verify/bin/cbr-verify.mjs', 'dist/verify/main.js', 'dist/verify/run.js', 'openapi.yaml', 'fixtures/verification/backups.json', 'fixtures/verification/tokens.json', 'fixtures/verification/access-keys.json']) {
      assert.ok(files.includes(needed), `${needed} is not in the tarball`);
    }
    const stray = files.filter((f) => /^(tests|server|scripts|bench|docs|verify\/[^/]+\.ts$)/.test(f) || f.endsWith('.map'));
    assert.deepEqual(stray, [], 'files the package does not need');
    t.diagnostic(`npm pack: ${files.length} files in ${Date.now() - started} ms`);

    consumer = path.join(dir, 'consumer');
    await mkdir(consumer);
    await writeFile(path.join(consumer, 'package.json'), `${JSON.stringify({ name: 'verify-consumer', private: true })}\n`);
    const installStarted = Date.now();
    await npm(['install', '--no-audit', '--no-fund', '--omit=dev', '--ignore-scripts', '--prefer-offline', path.join(dir, listing[0].filename), `@stoplight/prism-cli@${PRISM_VERSION}`], consumer);
    t.diagnostic(`npm install of the tarball and Prism: ${((Date.now() - installStarted) / 1000).toFixed(1)} s, ${(await readdir(path.join(consumer, 'node_modules'))).length} entries in node_modules`);
  });

  it('npx cbr-verify verifies the service started elsewhere, the proxy pass included', async (t) => {
    assert.notEqual(consumer, '', 'the package was not installed');
    const started = Date.now();
    const result = await runCbrVerify(
      ['--base-url', server!.url, '--budget', '50', '--min-coverage', '100', '--ignore-coverage', '*:500:CSBS.9998', '--access-key', FIXTURE_ACCESS_KEY.accessKey],
      { command: ['npx', '--no-install', 'cbr-verify'], cwd: consumer },
    );
    assert.equal(result.code, 0, explain(result));
    assert.equal(junitTotals(result.junit!).failures, 0);
    assert.match(result.stdout, /proxy: \d+ passed, 0 failed, 0 skipped/);
    // The verifier that ran is the installed one, with the installed package's contract.
    assert.ok(existsSync(path.join(consumer, 'node_modules/cbr-backup-api/dist/verify/main.js')));
    t.diagnostic(`npx cbr-verify: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
