// A reader cannot freeze the service: on a store of 300,000 backups in one project, the most
// expensive listings the API takes run without pause, two at a time, and meanwhile every
// health check and every delete is answered (within a 2 s client timeout here, generous for a
// shared CI machine; `npm run bench` measures the real figure). The service runs as `npm
// start` runs it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BENCH_PROJECT, createBackupsDb, shuffle } from '../../scripts/bench/backups-db.ts';
import { EXPENSIVE_LISTINGS, REPORTED_LISTINGS, type Timed, runListingLoad } from '../../scripts/bench/expensive-listings.ts';
import { BENCH_TOKEN, writeTokensFile } from '../../scripts/bench/targets.ts';
import { TokensFileVerifier } from '../../server/auth/tokens-file.ts';
import { SqliteBackupStore } from '../../server/store/sqlite-store.ts';
import { call } from '../support/http.ts';
import { type RunningProcess, startServerProcess } from '../support/processes.ts';
import { startTestServer } from '../support/test-server.ts';

const BACKUPS = 300_000;
const SECONDS = 8;
const TIMEOUT_MS = 2000;

const summary = (answers: readonly Timed[]) => {
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  return `${answers.length} answered, max ${Math.round(sorted.at(-1) ?? 0)} ms, p50 ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms`;
};

describe(`listings on a store of ${BACKUPS.toLocaleString('en-US')} backups in one project`, () => {
  let dir: string;
  let dbFile: string;
  let ids: string[];
  let tokensFile: string;
  let server: RunningProcess;
  const list = (query: string) => call(`${server.url}/v3/${BENCH_PROJECT}/backups?${query}`, { headers: { 'X-Auth-Token': BENCH_TOKEN } });

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-expensive-listings-'));
    dbFile = path.join(dir, 'backups.sqlite');
    ids = shuffle(await createBackupsDb(dbFile, BACKUPS + 200));
    tokensFile = writeTokensFile(dir);
    server = await startServerProcess(
      { NODE_ENV: 'production', TOKENS_FILE: tokensFile, DATABASE_URL: `sqlite:${dbFile}` },
      { readyTimeoutMs: 60_000 },
    );
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('while the most expensive listings run two at a time, every health check and every delete is answered', async (t) => {
    // With the listings of the report, which the service now refuses (offsets past the cap) or answers.
    const queries = [...EXPENSIVE_LISTINGS, ...REPORTED_LISTINGS];
    const load = await runListingLoad({ url: server.url, token: BENCH_TOKEN, queries, deleteIds: ids.slice(0, 150), seconds: SECONDS, concurrency: 2, intervalMs: 50, timeoutMs: TIMEOUT_MS });
    t.diagnostic(`listings: ${summary(load.listings)}; health checks: ${summary(load.health)}; deletes: ${summary(load.deletes)}`);
    const unanswered = load.health.filter((h) => h.status !== 200);
    assert.deepEqual(unanswered, [], `health checks not answered within ${TIMEOUT_MS} ms`);
    assert.ok(load.health.length >= 10, `only ${load.health.length} health checks in ${SECONDS} s`);
    const failedDeletes = load.deletes.filter((d) => d.status !== 204);
    assert.deepEqual(failedDeletes, [], `deletes not answered 204 within ${TIMEOUT_MS} ms`);
    assert.ok(load.deletes.length >= 10, `only ${load.deletes.length} deletes in ${SECONDS} s`);
    // The listings ran meanwhile: each answered with its page, refused for its offset, or refused at the store's time limit.
    // (On a loaded machine, most may be the time limit's answer: they ran all the same.)
    const ran = load.listings.filter((l) => l.status === 200 || l.status === 500).length;
    assert.ok(ran >= 2, `only ${ran} expensive listings answered`);
    for (const listing of load.listings) {
      if (listing.status === 200) continue;
      if (listing.status === 400 && JSON.parse(listing.body).error_msg.includes('offset')) continue;
      assert.equal(listing.status, 500, listing.body);
      assert.match(JSON.parse(listing.body).error_msg, /^The listing took longer than \d+ ms; narrow it with filters or page with marker$/);
    }
  });

  it('each of the expensive listings is answered with its page and count (alone, each takes well under the time limit here)', async () => {
    for (const query of EXPENSIVE_LISTINGS) {
      const reply = await list(query);
      // A machine slow enough to take longer gets the time limit's answer, which is right too.
      if (reply.status === 500 && reply.body.error_msg.startsWith('The listing took longer than')) continue;
      assert.equal(reply.status, 200, `${query}: ${reply.text.slice(0, 300)}`);
      assert.equal(typeof reply.body.count, 'number', query);
    }
  });

  it('an offset past 10000 is refused with 400 CSBS.9001; marker pages reach every backup', async () => {
    const refused = await list('limit=1&sort=name&offset=300000');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error_code, 'CSBS.9001');
    assert.match(refused.body.error_msg, /offset/);
    const last = await list('limit=1&sort=name:desc');
    const deep = await list('limit=1&sort=name:asc&offset=10000');
    assert.equal(deep.status, 200);
    // The page after the next-to-last backup (in name order) is the last one, found by a seek.
    const beforeLast = await list('limit=2&sort=name:desc');
    const afterMarker = await list(`limit=5&sort=name:asc&marker=${beforeLast.body.backups[1].id}`);
    assert.deepEqual(afterMarker.body.backups.map((b: { id: string }) => b.id), [last.body.backups[0].id]);
  });

  it('a listing longer than the time limit is answered 500 CSBS.9998, saying so', async () => {
    // A second store on the same file, with a limit no scan of the project can meet.
    const store = new SqliteBackupStore(dbFile, { listings: { timeLimitMs: 5 } });
    const inProcess = await startTestServer({ store, backups: [], verifier: TokensFileVerifier.fromFile(tokensFile) });
    try {
      const reply = await call(`${inProcess.url}/v3/${BENCH_PROJECT}/backups?name=zzz`, { headers: { 'X-Auth-Token': BENCH_TOKEN } });
      assert.equal(reply.status, 500);
      assert.deepEqual(Object.keys(reply.body).sort(), ['error_code', 'error_msg', 'request_id']);
      assert.equal(reply.body.error_code, 'CSBS.9998');
      assert.equal(reply.body.error_msg, 'The listing took longer than 5 ms; narrow it with filters or page with marker');
    } finally {
      await inProcess.close();
    }
  });
});
