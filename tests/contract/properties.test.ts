// The verifier's generated-request properties (verify/properties.ts) at full size against the
// real app over the published fixtures: 1,000 requests generated from openapi.yaml, and use
// after free on 25 pool backups. `npm run verify` runs the same checks with a smaller budget;
// here the generator itself is held to exercising every check, not only the easy answers.
// The seed is fixed and printed; CONTRACT_SEED=<n> replays (or varies) a run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccessKeysVerifier } from '../../server/auth/access-keys.ts';
import { TokensFileVerifier } from '../../server/auth/tokens-file.ts';
import { readSeedFile } from '../../server/store/seed-file.ts';
import { FIXTURE_ACCESS_KEYS_FILE, FIXTURE_BACKUPS_FILE, FIXTURE_TOKENS_FILE } from '../../verify/files.ts';
import { FIXTURE_TOKENS, POOL } from '../../verify/fixtures.ts';
import { REPLY_CHECKS, runProperties, runUseAfterFree } from '../../verify/properties.ts';
import { describeRequest } from '../../verify/send.ts';
import { type TestServer, startTestServer } from '../support/test-server.ts';

const SEED = Number(process.env.CONTRACT_SEED ?? 20261129);
const GENERATED_REQUESTS = 1000;

/** The first `count` available backups of the pool (a fresh store holds them all). */
function availablePoolIds(count: number): string[] {
  const ids: string[] = [];
  for (let n = 1; ids.length < count; n++) if (POOL.statusOf(n) === 'available') ids.push(POOL.id(n));
  return ids;
}

describe(`contract properties (fast-check, seed ${SEED}; replay with CONTRACT_SEED=${SEED})`, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      backups: readSeedFile(FIXTURE_BACKUPS_FILE),
      verifier: TokensFileVerifier.fromFile(FIXTURE_TOKENS_FILE),
      accessKeys: AccessKeysVerifier.fromFile(FIXTURE_ACCESS_KEYS_FILE),
    });
  });
  after(() => server?.close());

  it(`${GENERATED_REQUESTS} generated requests: ${REPLY_CHECKS.join(', ')}`, async (t) => {
    t.diagnostic(`seed ${SEED} (CONTRACT_SEED=${SEED} replays this run)`);
    const result = await runProperties({ baseUrl: server.url, seed: SEED, budget: GENERATED_REQUESTS, tokens: FIXTURE_TOKENS, poolIds: availablePoolIds(30).slice(25) });
    const findings = REPLY_CHECKS.flatMap((check) => result.findings[check].map((f) => `[${check}] ${describeRequest(f.request)}\n  - ${f.message}`));
    assert.deepEqual(findings, []);
    t.diagnostic(`${result.sent} requests: ${result.kinds.negative} violate the spec, ${result.kinds.missingToken} carry no token, ${result.kinds.ok2xx} got 2xx`);
    assert.equal(result.sent, GENERATED_REQUESTS);
    // The generator must exercise every check, not only the easy answers.
    assert.ok(result.kinds.negative >= 100 && result.kinds.missingToken >= 40 && result.kinds.ok2xx >= 60, JSON.stringify(result.kinds));
    assert.ok(result.applicable.authorization >= 100, `only ${result.applicable.authorization} requests were for the authorization check`);
  });

  it('use after free: after a 204, the same delete gives 400 CSBS.3001, show gives 404 CSBS.3001, and the list no longer has it', async () => {
    const { rounds, findings } = await runUseAfterFree({ baseUrl: server.url, seed: SEED, poolIds: availablePoolIds(25), tokens: FIXTURE_TOKENS });
    assert.deepEqual(findings.map((f) => `${describeRequest(f.request)}: ${f.message}`), []);
    assert.equal(rounds, 25);
  });
});
