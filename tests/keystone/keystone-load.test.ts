// What junk tokens and bursts cost IAM, against the fake Keystone: junk of no token's shape
// costs nothing, junk of a token's shape one call each and none when it comes again, junk
// never pushes a valid token out of the cache, and IAM validations under way are bounded
// (past the bound a check fails at once, as 500 CSBS.9998).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { DEFAULT_MAX_CONCURRENT_VALIDATIONS, KeystoneVerifier, type KeystoneVerifierOptions } from '../../server/auth/keystone-verifier.ts';
import { VerifierBusyError } from '../../server/auth/verifier.ts';
import { startTestServer } from '../support/test-server.ts';
import { FakeKeystone, SERVICE_USER, userToken } from './fake-keystone.ts';

const PROJECT = '5f0c8d2e4b7a4c1d9e3f6a8b0c2d4e6f';
const HOUR = 3_600_000;
const JUNK_COUNT = 1_500;
const MEMBER = userToken('member');

let keystone: FakeKeystone;
let clock: number;

before(async () => {
  keystone = await FakeKeystone.start();
});
after(async () => {
  await keystone.close();
});
beforeEach(() => {
  clock = Date.parse('2030-01-01T00:00:00Z');
  keystone.reset(() => clock);
  addUserToken(MEMBER);
});

function addUserToken(token: string): void {
  keystone.tokens.set(token, { user: { id: 'u-1', name: 'alice' }, projectId: PROJECT, roles: ['member', 'reader'], expiresAt: new Date(clock + HOUR).toISOString() });
}

function verifier(options: Partial<KeystoneVerifierOptions> = {}): KeystoneVerifier {
  return new KeystoneVerifier({
    url: keystone.url,
    service: { kind: 'password', ...SERVICE_USER },
    timeoutMs: 5000,
    cacheMaxAgeMs: 120_000,
    invalidCacheMaxAgeMs: 10_000,
    cacheSize: 100,
    now: () => clock,
    ...options,
  });
}

const validations = () => keystone.calls.filter((c) => c.method === 'GET').length;

/** Distinct junk of Fernet's shape: only IAM can tell that it is not a token. */
const junkTokens = (count: number, tag = randomBytes(4).toString('hex')) =>
  Array.from({ length: count }, (_, i) => `gAAAAAB${Buffer.from(`junk ${tag} ${i} `.padEnd(130, '#')).toString('base64url')}`);

/** Checks every token, a batch at a time (under the bound on validations under way). */
async function verifyAll(v: KeystoneVerifier, tokens: readonly string[], batch = 16): Promise<void> {
  for (let i = 0; i < tokens.length; i += batch) {
    const results = await Promise.all(tokens.slice(i, i + batch).map((t) => v.verify(t)));
    assert.ok(results.every((r) => !r.ok), 'junk is never valid');
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    assert.ok(waited < 10_000, `never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('junk tokens', () => {
  test(`${JUNK_COUNT} junk tokens of no token's shape: not one IAM call`, async () => {
    const registry = new Registry();
    const v = verifier({ registry });
    const shapes = [
      (i: number) => `junk-${i}`,
      (i: number) => `gAAAAAB${'x'.repeat(100)} ${i}`,
      (i: number) => `{"token": "${i}${'x'.repeat(40)}"}`,
      (i: number) => `${'A'.repeat(16_385)}${i}`,
      (i: number) => `gAAAAAB${'é'.repeat(50)}${i}`,
    ];
    const junk = Array.from({ length: JUNK_COUNT }, (_, i) => shapes[i % shapes.length]!(i));
    await verifyAll(v, junk);
    assert.equal(keystone.calls.length, 0, 'neither a validation nor a login');
    assert.match(await registry.metrics(), new RegExp(`iam_token_validations_total\\{result="malformed"\\} ${JUNK_COUNT}`));
  });

  test(`${JUNK_COUNT} distinct junk tokens of a token's shape: one IAM call each, none when they come again`, async () => {
    const registry = new Registry();
    const v = verifier({ registry });
    const junk = junkTokens(JUNK_COUNT);
    await verifyAll(v, junk);
    assert.equal(validations(), JUNK_COUNT, 'only IAM can tell these are not tokens');
    await verifyAll(v, junk);
    await verifyAll(v, junk.toReversed());
    assert.equal(validations(), JUNK_COUNT, 'their rejections are remembered, all of them');
    const metrics = await registry.metrics();
    assert.match(metrics, new RegExp(`iam_rejected_token_cache_entries ${JUNK_COUNT}`));
    assert.match(metrics, /iam_token_cache_entries 0/, 'no rejection in the valid tokens\' cache');
  });

  test(`a valid token stays cached through ${JUNK_COUNT} junk tokens, ${JUNK_COUNT / 100} times its cache's size`, async () => {
    const registry = new Registry();
    const v = verifier({ registry, cacheSize: 100 });
    assert.equal((await v.verify(MEMBER)).ok, true);
    assert.equal(validations(), 1);
    await verifyAll(v, junkTokens(JUNK_COUNT));
    assert.equal(validations(), 1 + JUNK_COUNT);
    assert.equal((await v.verify(MEMBER)).ok, true);
    assert.equal(validations(), 1 + JUNK_COUNT, 'answered from the cache: no new IAM call');
    assert.match(await registry.metrics(), /iam_token_cache_entries 1\n/);
  });

  test('the rejected tokens\' cache is bounded on its own: its least recently used go, the valid tokens stay', async () => {
    const v = verifier({ cacheSize: 2, rejectedCacheSize: 10 });
    const other = userToken('other member');
    addUserToken(other);
    await v.verify(MEMBER);
    await v.verify(other);
    const junk = junkTokens(11);
    await verifyAll(v, junk); // the 11th pushes the 1st out
    assert.equal(validations(), 13);
    await verifyAll(v, junk.slice(1));
    await v.verify(MEMBER);
    await v.verify(other);
    assert.equal(validations(), 13, 'the 10 latest rejections and both valid tokens answered from the caches');
    await v.verify(junk[0]!);
    assert.equal(validations(), 14, 'the oldest rejection was asked about again');
  });

  test('a rejection expires after invalidCacheMaxAgeMs, in its own cache too', async () => {
    const v = verifier({ invalidCacheMaxAgeMs: 5_000 });
    const [junk] = junkTokens(1);
    await v.verify(junk!);
    clock += 4_000;
    await v.verify(junk!);
    assert.equal(validations(), 1);
    clock += 2_000;
    await v.verify(junk!);
    assert.equal(validations(), 2);
  });
});

describe('IAM validations under way are bounded', () => {
  let release: () => void;
  const closeGate = () => {
    keystone.gate = new Promise((resolve) => (release = resolve));
  };

  test('N + k new tokens at once against a slow IAM: exactly N validations reach it, k are refused at once', async () => {
    const N = 4;
    const k = 3;
    const registry = new Registry();
    const v = verifier({ registry, maxConcurrentValidations: N });
    const tokens = Array.from({ length: N + k }, (_, i) => userToken(`burst ${i}`));
    tokens.forEach(addUserToken);
    closeGate();
    const checks = tokens.map((t) => v.verify(t));
    // The k over the bound fail while IAM still holds the N: nothing waited for it.
    const refused = await Promise.allSettled(checks.slice(N));
    assert.ok(refused.every((r) => r.status === 'rejected' && r.reason instanceof VerifierBusyError && r.reason.limit === N));
    await until(() => validations() === N, `${N} validations at the fake`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(validations(), N, 'never more than N under way');
    const during = await registry.metrics();
    assert.match(during, new RegExp(`iam_token_validations_in_flight ${N}`));
    // At the bound, a token already under way joins its validation instead of being refused.
    const joined = v.verify(tokens[0]!);
    await assert.rejects(v.verify(userToken('one more')), VerifierBusyError);
    release();
    const results = await Promise.all([...checks.slice(0, N), joined]);
    assert.ok(results.every((r) => r.ok));
    assert.equal(validations(), N);
    // Below the bound again: the refused tokens are checked as any others.
    const again = await Promise.all(tokens.slice(N).map((t) => v.verify(t)));
    assert.ok(again.every((r) => r.ok));
    assert.equal(validations(), N + k);
    const metrics = await registry.metrics();
    assert.match(metrics, new RegExp(`iam_token_validations_total\\{result="refused"\\} ${k + 1}`));
    assert.match(metrics, new RegExp(`iam_token_cache_lookups_total\\{outcome="refused"\\} ${k + 1}`));
    assert.match(metrics, /iam_token_cache_lookups_total\{outcome="shared"\} 1/);
    assert.match(metrics, /iam_token_validations_in_flight 0/);
    assert.doesNotMatch(metrics, /iam_token_validations_total\{result="error"\}/, 'a refusal is not an IAM error');
  });

  test(`by default ${DEFAULT_MAX_CONCURRENT_VALIDATIONS} validations under way at most`, async () => {
    assert.equal(DEFAULT_MAX_CONCURRENT_VALIDATIONS, 32);
    const v = verifier();
    const junk = junkTokens(DEFAULT_MAX_CONCURRENT_VALIDATIONS + 8);
    closeGate();
    const checks = junk.map((t) => v.verify(t));
    const refused = await Promise.allSettled(checks.slice(DEFAULT_MAX_CONCURRENT_VALIDATIONS));
    assert.ok(refused.every((r) => r.status === 'rejected' && r.reason instanceof VerifierBusyError));
    await until(() => validations() === DEFAULT_MAX_CONCURRENT_VALIDATIONS, 'the validations at the fake');
    release();
    assert.ok((await Promise.all(checks.slice(0, DEFAULT_MAX_CONCURRENT_VALIDATIONS))).every((r) => !r.ok));
    assert.equal(validations(), DEFAULT_MAX_CONCURRENT_VALIDATIONS);
  });

  test('cached tokens are answered whatever is under way', async () => {
    const v = verifier({ maxConcurrentValidations: 1 });
    assert.equal((await v.verify(MEMBER)).ok, true);
    closeGate();
    const [slow] = junkTokens(1);
    const pending = v.verify(slow!);
    await until(() => validations() === 2, 'the slow validation at the fake');
    assert.equal((await v.verify(MEMBER)).ok, true);
    release();
    await pending;
  });

  describe('through the app', () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    before(async () => {
      server = await startTestServer({ verifier: verifier({ maxConcurrentValidations: 1 }) });
    });
    after(async () => {
      await server.close();
    });

    test('a check past the bound: 500 CSBS.9998 at once, without the token; the one under way goes through', async () => {
      const waiting = userToken('waiting');
      const refused = userToken('refused');
      addUserToken(waiting);
      addUserToken(refused);
      closeGate();
      const first = fetch(`${server.url}/v3/${PROJECT}/backups`, { headers: { 'X-Auth-Token': waiting } });
      await until(() => validations() === 1, 'the first validation at the fake');
      const response = await fetch(`${server.url}/v3/${PROJECT}/backups`, { headers: { 'X-Auth-Token': refused } });
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.equal(JSON.parse(text).error_code, 'CSBS.9998');
      assert.ok(!text.includes(refused));
      release();
      const answer = await first;
      assert.equal(answer.status, 200);
      await answer.arrayBuffer();
      assert.equal(validations(), 1, 'the refused token was never sent to IAM');
    });
  });
});
