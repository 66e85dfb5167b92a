// KeystoneVerifier against a small fake Keystone on loopback: the requests it makes, its
// cache (expiry, bounds, single flight), its service token, and IAM failures.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { KeystoneVerifier, type KeystoneVerifierOptions } from '../../server/auth/keystone-verifier.ts';
import { IamUnavailableError } from '../../server/auth/keystone-client.ts';
import { freePort } from '../support/processes.ts';
import { startTestServer } from '../support/test-server.ts';
import { FakeKeystone, SERVICE_USER, userToken } from './fake-keystone.ts';

const PROJECT = '5f0c8d2e4b7a4c1d9e3f6a8b0c2d4e6f';
const HOUR = 3_600_000;

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
  addUserToken('member-token', ['member', 'reader']);
});

function addUserToken(name: string, roles: string[], expiresInMs = HOUR): void {
  keystone.tokens.set(userToken(name), { user: { id: 'u-1', name: 'alice' }, projectId: PROJECT, roles, expiresAt: new Date(clock + expiresInMs).toISOString() });
}

function verifier(options: Partial<KeystoneVerifierOptions> = {}): KeystoneVerifier {
  return new KeystoneVerifier({
    url: keystone.url,
    service: { kind: 'password', ...SERVICE_USER },
    timeoutMs: 2000,
    cacheMaxAgeMs: 120_000,
    invalidCacheMaxAgeMs: 10_000,
    cacheSize: 100,
    now: () => clock,
    ...options,
  });
}

const validations = () => keystone.calls.filter((c) => c.method === 'GET');

describe('validation requests', () => {
  test('a valid token becomes the Principal: user, project, every role (implied ones too), expires_at', async () => {
    const result = await verifier().verify(userToken('member-token'));
    assert.deepEqual(result, {
      ok: true,
      principal: { user: { id: 'u-1', name: 'alice' }, projectId: PROJECT, roles: ['member', 'reader'], expiresAt: new Date(clock + HOUR).toISOString() },
    });
  });

  test('asks GET /v3/auth/tokens?nocatalog with the service token and the subject token, never allow_expired', async () => {
    await verifier().verify(userToken('member-token'));
    const [call] = validations();
    assert.equal(call?.url, '/v3/auth/tokens?nocatalog');
    assert.equal(call?.headers['x-auth-token'], 'service-token-1');
    assert.equal(call?.headers['x-subject-token'], userToken('member-token'));
    assert.ok(keystone.calls.every((c) => !c.url.includes('allow_expired')));
  });

  test('404 from IAM: invalid, not an error', async () => {
    const result = await verifier().verify(userToken('unknown-token'));
    assert.equal(result.ok, false);
  });

  test('an unscoped token is not accepted', async () => {
    keystone.tokens.set(userToken('unscoped'), { user: { id: 'u-1', name: 'alice' }, roles: [], expiresAt: new Date(clock + HOUR).toISOString() });
    assert.equal((await verifier().verify(userToken('unscoped'))).ok, false);
  });
});

describe('cache', () => {
  test('a valid token is asked about once, then again after the maximum age', async () => {
    const v = verifier({ cacheMaxAgeMs: 60_000 });
    await v.verify(userToken('member-token'));
    clock += 59_000;
    await v.verify(userToken('member-token'));
    assert.equal(validations().length, 1);
    clock += 2_000;
    await v.verify(userToken('member-token'));
    assert.equal(validations().length, 2);
  });

  test('no entry outlives the token: expires_at before the maximum age ends it', async () => {
    addUserToken('short-lived', ['member'], 30_000);
    const v = verifier({ cacheMaxAgeMs: 120_000 });
    assert.equal((await v.verify(userToken('short-lived'))).ok, true);
    clock += 31_000;
    assert.equal((await v.verify(userToken('short-lived'))).ok, false, 'asked IAM again, which no longer knows it');
    assert.equal(validations().length, 2);
  });

  test('an invalid token is remembered briefly', async () => {
    const v = verifier({ invalidCacheMaxAgeMs: 5_000 });
    await v.verify(userToken('bad-token'));
    clock += 4_000;
    await v.verify(userToken('bad-token'));
    assert.equal(validations().length, 1);
    clock += 2_000;
    await v.verify(userToken('bad-token'));
    assert.equal(validations().length, 2);
  });

  test('bounded: past cacheSize the least recently used token is asked about again', async () => {
    for (const t of ['a', 'b', 'c']) addUserToken(t, ['member']);
    const v = verifier({ cacheSize: 2 });
    await v.verify(userToken('a'));
    await v.verify(userToken('b'));
    await v.verify(userToken('a'));
    await v.verify(userToken('c')); // evicts b, the least recently used
    assert.equal(validations().length, 3);
    await v.verify(userToken('a'));
    assert.equal(validations().length, 3);
    await v.verify(userToken('b'));
    assert.equal(validations().length, 4);
  });

  test('single flight: 100 concurrent checks of one new token make one IAM call', async () => {
    let release!: () => void;
    keystone.gate = new Promise((resolve) => (release = resolve));
    const v = verifier();
    const pending = Array.from({ length: 100 }, () => v.verify(userToken('member-token')));
    // Let the one validation reach the fake before it is let through.
    for (let waited = 0; validations().length === 0; waited += 5) {
      assert.ok(waited < 10_000, 'the validation never reached IAM');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    release();
    const results = await Promise.all(pending);
    assert.ok(results.every((r) => r.ok));
    assert.equal(validations().length, 1);
  });

  test('an IAM failure is not cached: the next check asks again', async () => {
    const v = verifier();
    keystone.failWith = 503;
    await assert.rejects(v.verify(userToken('member-token')), IamUnavailableError);
    keystone.failWith = undefined;
    assert.equal((await v.verify(userToken('member-token'))).ok, true);
  });
});

describe('service token', () => {
  test('obtained once on first use, not per validation', async () => {
    for (const t of ['a', 'b', 'c']) addUserToken(t, ['member']);
    const v = verifier();
    assert.equal(keystone.count('POST'), 0, 'nothing asked before the first use');
    await Promise.all(['a', 'b', 'c'].map((t) => v.verify(userToken(t))));
    assert.equal(keystone.count('POST'), 1);
  });

  test('renewed shortly before it expires', async () => {
    for (const t of ['a', 'b']) addUserToken(t, ['member'], 10 * HOUR);
    const v = verifier();
    await v.verify(userToken('a'));
    clock += HOUR - 60_000; // within the renewal margin
    await v.verify(userToken('b'));
    assert.equal(keystone.count('POST'), 2);
    assert.equal(validations().at(-1)?.headers['x-auth-token'], 'service-token-2');
  });

  test('renewed when IAM answers 401 for it, with one retry of the validation', async () => {
    for (const t of ['a', 'b']) addUserToken(t, ['member']);
    const v = verifier();
    await v.verify(userToken('a'));
    keystone.serviceTokens.clear(); // as after a revocation of the service token
    assert.equal((await v.verify(userToken('b'))).ok, true);
    assert.equal(keystone.count('POST'), 2);
    assert.deepEqual(validations().map((c) => c.headers['x-auth-token']), ['service-token-1', 'service-token-1', 'service-token-2']);
  });

  test('a second 401 is an IAM error, not a verdict on the caller, and is not retried again', async () => {
    const v = verifier();
    await v.verify(userToken('member-token'));
    // From now on IAM refuses every service token, the new ones too.
    const accept = keystone.serviceTokens.has.bind(keystone.serviceTokens);
    keystone.serviceTokens.has = (value) => !String(value).startsWith('service-token') && accept(value);
    try {
      await assert.rejects(v.verify(userToken('another-token')), (error: unknown) => error instanceof IamUnavailableError && error.reason === 'service_token_rejected');
      assert.equal(validations().length, 3, 'first call, then exactly one retry');
    } finally {
      keystone.serviceTokens.has = accept;
    }
  });

  test('a fixed service token is sent as it is and never renewed', async () => {
    const v = verifier({ service: { kind: 'token', token: 'fixed-service-token' } });
    assert.equal((await v.verify(userToken('member-token'))).ok, true);
    assert.equal(validations()[0]?.headers['x-auth-token'], 'fixed-service-token');
    keystone.serviceTokens.delete('fixed-service-token');
    try {
      await assert.rejects(v.verify(userToken('other-token')), IamUnavailableError);
      assert.equal(keystone.count('POST'), 0);
    } finally {
      keystone.serviceTokens.add('fixed-service-token');
    }
  });

  test('refused service credentials: errors, and not ready', async () => {
    const v = verifier({ service: { kind: 'password', ...SERVICE_USER, password: 'wrong' } });
    await assert.rejects(v.verify(userToken('member-token')), /refused the service credentials/);
    await assert.rejects(v.ready(), IamUnavailableError);
  });
});

describe('IAM unavailable', () => {
  test('slow IAM: the timeout ends the wait with an error, and the verifier recovers by itself', async () => {
    const v = verifier({ timeoutMs: 300 });
    keystone.hang = true;
    await assert.rejects(v.verify(userToken('member-token')), (error: unknown) => error instanceof IamUnavailableError && error.reason === 'timeout');
    await assert.rejects(v.ready(), IamUnavailableError);
    keystone.hang = false;
    await v.ready();
    assert.equal((await v.verify(userToken('member-token'))).ok, true);
  });

  test('unreachable IAM: an error, never a verdict', async () => {
    const v = verifier({ url: `http://127.0.0.1:${await freePort()}` });
    await assert.rejects(v.verify(userToken('member-token')), (error: unknown) => error instanceof IamUnavailableError && error.reason === 'unreachable');
  });

  describe('through the app', () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    before(async () => {
      server = await startTestServer({ verifier: verifier() });
    });
    after(async () => {
      await server.close();
    });
    afterEach(() => {
      keystone.failWith = undefined;
    });

    test('IAM failing: 500 CSBS.9998 in the envelope, without the token; readiness says so', async () => {
      keystone.failWith = 503;
      const response = await fetch(`${server.url}/v3/${PROJECT}/backups`, { headers: { 'X-Auth-Token': userToken('member-token') } });
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.equal(JSON.parse(text).error_code, 'CSBS.9998');
      assert.ok(!text.includes(userToken('member-token')));
      assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
    });

    test('IAM answering: the token is accepted, and ready', async () => {
      const response = await fetch(`${server.url}/v3/${PROJECT}/backups`, { headers: { 'X-Auth-Token': userToken('member-token') } });
      assert.equal(response.status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    });
  });
});

test('metrics: validations, cache lookups, IAM latency and errors in the given registry', async () => {
  const registry = new Registry();
  const v = verifier({ registry });
  await v.verify(userToken('member-token'));
  await v.verify(userToken('member-token'));
  await v.verify(userToken('bad-token'));
  keystone.failWith = 500;
  await assert.rejects(v.verify(userToken('other-token')));
  const text = await registry.metrics();
  assert.match(text, /iam_token_validations_total\{result="valid"\} 2/);
  assert.match(text, /iam_token_validations_total\{result="invalid"\} 1/);
  assert.match(text, /iam_token_validations_total\{result="error"\} 1/);
  assert.match(text, /iam_token_cache_lookups_total\{outcome="hit"\} 1/);
  assert.match(text, /iam_token_cache_lookups_total\{outcome="miss"\} 3/);
  assert.match(text, /iam_request_duration_seconds_count\{operation="validate_token",status="200"\} 1/);
  assert.match(text, /iam_request_duration_seconds_count\{operation="issue_service_token",status="201"\} 1/);
  assert.match(text, /iam_errors_total\{operation="validate_token",reason="unexpected_status"\} 1/);
  assert.match(text, /iam_token_cache_entries 1/, 'the valid token only');
  assert.match(text, /iam_rejected_token_cache_entries 1/, 'the rejected one, apart');
  assert.match(text, /iam_token_validations_in_flight 0/);
});
