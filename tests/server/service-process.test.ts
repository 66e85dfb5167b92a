// The service as `npm start` runs it: configuration checks, demo data, seed and tokens
// files, restarts that keep the data, and a clean stop on SIGTERM.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { deleteBackup, showBackup } from '../support/http.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { NOBODY, asRoot } from '../support/read-only.ts';
import { freePort, serviceCommand, spawnTracked, startServerProcess, waitFor } from '../support/processes.ts';
import { demoBackups } from '../support/test-server.ts';

/** Runs the service expecting it to refuse to start; returns its exit code and output. One that starts is killed after a while. */
async function failedStart(env: NodeJS.ProcessEnv, user?: { uid: number; gid: number }): Promise<{ code: number | null; output: string }> {
  const { command, args } = serviceCommand();
  const proc = spawnTracked(command, args, { PORT: '0', LOG_LEVEL: 'warn', ...env }, user);
  const started = setTimeout(() => proc.child.kill('SIGKILL'), 30_000);
  const [code] = (await once(proc.child, 'exit')) as [number | null];
  clearTimeout(started);
  return { code, output: proc.output() };
}

/** The processes below `pid`, children first. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Ended while we looked.
    }
  }
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length > 0; ) {
    frontier = [...parents].filter(([, parent]) => frontier.includes(parent)).map(([child]) => child);
    found.push(...frontier);
  }
  return found;
}

/** Running: neither gone nor a zombie waiting for its parent. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('the service process', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-process-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('starts with demo data, prints a curl that deletes a backup, keeps data across a restart', async () => {
    const database = path.join(dir, 'restart', 'backups.sqlite');
    const first = await startServerProcess({ DATABASE_URL: database, LOG_LEVEL: 'info' });
    try {
      const curl = first.output().split('\n').find((line) => line.trim().startsWith('curl '));
      assert.ok(curl, `a curl line in:\n${first.output()}`);
      assert.match(curl, new RegExp(DEMO_TOKENS.member));
      // Run the printed command as printed, against this instance's port.
      const output = execFileSync('sh', ['-c', `${curl.trim()} -s -o /dev/null -w '%{http_code}'`], { encoding: 'utf8' });
      assert.equal(output, '204');
      assert.equal((await deleteBackup(first.url, DEMO_BACKUPS.error)).status, 204);
    } finally {
      assert.equal(await first.stop('SIGTERM'), 0, 'a clean exit on SIGTERM');
    }
    assert.match(first.output(), /"msg":"stopped"/);

    const second = await startServerProcess({ DATABASE_URL: `sqlite:${database}` });
    try {
      assert.equal((await showBackup(second.url, DEMO_BACKUPS.available[0])).status, 404, 'deleted before the restart: still gone');
      assert.equal((await showBackup(second.url, DEMO_BACKUPS.error)).status, 404);
      assert.equal((await showBackup(second.url, DEMO_BACKUPS.available[1])).status, 200, 'the rest is kept');
      assert.equal((await deleteBackup(second.url, DEMO_BACKUPS.error)).body.error_code, 'CSBS.3001', 'demo data is not loaded again');
    } finally {
      await second.stop();
    }
  });

  it('names the bad variable and exits 2 on a bad configuration', async () => {
    for (const [env, pattern] of [
      [{ PORT: 'eighty' }, /PORT must be an integer/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
      [{ VALIDATE_RESPONSES: 'maybe' }, /VALIDATE_RESPONSES must be true or false/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: unsupported scheme/],
      [{ NODE_ENV: 'production' }, /TOKENS_FILE is required when NODE_ENV=production/],
    ] as const) {
      const { code, output } = await failedStart({ DATABASE_URL: path.join(dir, 'config.sqlite'), ...env });
      assert.equal(code, 2, output);
      assert.match(output, pattern);
    }
  });

  it('says plainly that the port is taken, and exits 1', async () => {
    const first = await startServerProcess({ DATABASE_URL: path.join(dir, 'port.sqlite') });
    try {
      const port = new URL(first.url).port;
      const { code, output } = await failedStart({ PORT: port, HOST: '127.0.0.1', DATABASE_URL: path.join(dir, 'port-2.sqlite') });
      assert.equal(code, 1, output);
      assert.match(output, new RegExp(`cannot start: cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`));
      assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
    } finally {
      await first.stop();
    }
  });

  it('stops, service and all, on a SIGTERM sent to `npm start` as a supervisor sends it', async (t) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const npm = spawnTracked('npm', ['start'], { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: path.join(dir, 'npm-start.sqlite') });
    // prestart builds first.
    await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 'npm start', 180_000, npm);
    const below = descendants(npm.child.pid!);
    assert.ok(below.length > 0, 'npm runs the service as its child');
    t.after(() => {
      for (const pid of below.filter(running)) process.kill(pid, 'SIGKILL');
    });
    npm.child.kill('SIGTERM');
    const exited = once(npm.child, 'exit');
    await waitFor(async () => npm.child.exitCode !== null || npm.child.signalCode !== null, 'npm exits', 30_000);
    await exited;
    const answers = () => fetch(`${url}/healthz`).then(() => true, () => false);
    await waitFor(async () => !(await answers()), 'the port stops answering', 30_000);
    assert.deepEqual(below.filter(running), [], 'nothing npm started is left running');
    assert.match(npm.output(), /"msg":"stopped"/, 'the service itself stopped cleanly');
  });

  it('refuses to start on a database file it cannot write, naming the file, and exits 1', async () => {
    // A store file of root's (mode 0644) for nobody, or read-only for this user, in a
    // directory the service may write (SQLite keeps its -wal and -shm files there).
    const roDir = await mkdtemp(path.join(tmpdir(), 'cbr-readonly-'));
    try {
      const database = path.join(roDir, 'backups.sqlite');
      const store = new SqliteBackupStore(database);
      await store.addBackups(demoBackups());
      await store.close();
      chmodSync(roDir, 0o777);
      chmodSync(database, asRoot ? 0o644 : 0o444);
      const { code, output } = await failedStart({ DATABASE_URL: database }, asRoot ? NOBODY : undefined);
      assert.equal(code, 1, output);
      assert.match(output, new RegExp(`^cannot start: cannot write to the database file ${database}: attempt to write a readonly database \\(`, 'm'));
      assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
    } finally {
      await rm(roDir, { recursive: true, force: true });
    }
  });

  it('in production loads neither demo tokens nor demo backups', async () => {
    const tokensFile = path.join(dir, 'prod-tokens.json');
    await writeFile(tokensFile, JSON.stringify({ tokens: [{ token: 'prod-token', project_id: DEMO_PROJECT, user: { id: 'u1', name: 'ops' }, roles: ['member'], expires_at: '2999-01-01T00:00:00Z' }] }));
    const server = await startServerProcess({ NODE_ENV: 'production', TOKENS_FILE: tokensFile, DATABASE_URL: path.join(dir, 'prod.sqlite') });
    try {
      assert.equal((await deleteBackup(server.url, DEMO_BACKUPS.available[0], { token: DEMO_TOKENS.member })).status, 401, 'demo token refused');
      assert.equal((await deleteBackup(server.url, DEMO_BACKUPS.available[0], { token: 'prod-token' })).body.error_code, 'CSBS.3001', 'no demo backups');
      assert.doesNotMatch(server.output(), /demo-member-token/);
    } finally {
      await server.stop();
    }
  });

  it('loads SEED_FILE idempotently: ids already stored are left as they are', async () => {
    const seedFile = path.join(dir, 'seed.json');
    const database = path.join(dir, 'seeded.sqlite');
    const [one, two] = demoBackups();
    await writeFile(seedFile, JSON.stringify({ backups: [one] }));
    let server = await startServerProcess({ SEED_FILE: seedFile, DATABASE_URL: database });
    await server.stop();
    await writeFile(seedFile, JSON.stringify({ backups: [{ ...one, status: 'protecting' }, two] }));
    server = await startServerProcess({ SEED_FILE: seedFile, DATABASE_URL: database });
    try {
      assert.equal((await showBackup(server.url, one!.id)).body.backup.status, 'available', 'the stored backup is kept as it was');
      assert.equal((await showBackup(server.url, two!.id)).status, 200, 'the new one is added');
      assert.equal((await showBackup(server.url, DEMO_BACKUPS.busy.protecting)).status, 404, 'with SEED_FILE, no demo backups');
      assert.equal((await deleteBackup(server.url, two!.id)).status, 204);
    } finally {
      await server.stop();
    }
    server = await startServerProcess({ SEED_FILE: seedFile, DATABASE_URL: database });
    try {
      assert.equal((await showBackup(server.url, two!.id)).status, 404, 'a deleted backup stays deleted when the seed file is loaded again');
    } finally {
      await server.stop();
    }
  });

  it('rejects a malformed seed file at start, naming the bad entry, and loads nothing of it', async () => {
    const seedFile = path.join(dir, 'bad-seed.json');
    const database = path.join(dir, 'bad-seed.sqlite');
    const [one] = demoBackups();
    await writeFile(seedFile, JSON.stringify({ backups: [one, { ...one, id: 'not-a-uuid' }] }));
    const { code, output } = await failedStart({ SEED_FILE: seedFile, DATABASE_URL: database });
    assert.equal(code, 1, output);
    assert.match(output, /backups\[1\] \(id not-a-uuid\) is not a valid backup: .*\/id must match pattern/);
    await writeFile(seedFile, JSON.stringify({ backups: [] }));
    const server = await startServerProcess({ SEED_FILE: seedFile, DATABASE_URL: database });
    try {
      assert.equal((await showBackup(server.url, one!.id)).status, 404, 'the valid entry of the bad file was not loaded either');
    } finally {
      await server.stop();
    }
  });

  it('rejects a malformed tokens file at start, naming the entry and never printing tokens', async () => {
    const tokensFile = path.join(dir, 'bad-tokens.json');
    await writeFile(tokensFile, JSON.stringify({ tokens: [{ token: 'sekret-value', project_id: 'nope', user: { id: 'u', name: 'n' }, roles: [], expires_at: '2999-01-01T00:00:00Z' }] }));
    const { code, output } = await failedStart({ TOKENS_FILE: tokensFile, DATABASE_URL: path.join(dir, 'tokens.sqlite') });
    assert.equal(code, 1, output);
    assert.match(output, /tokens\[0\]: project_id must be 32 lowercase hex characters/);
    assert.doesNotMatch(output, /sekret-value/);
  });
});
