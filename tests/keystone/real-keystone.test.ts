// The service against a real OpenStack Keystone (Debian's `keystone` package) on loopback:
// real projects, users, role assignments and fernet tokens; the service runs as `npm start`
// runs it, in production mode, configured with IAM_* only.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { KeystoneVerifier } from '../../server/auth/keystone-verifier.ts';
import { isPlausibleIamToken } from '../../server/auth/token-shape.ts';
import { DEMO_BACKUPS, DEMO_PROJECT } from '../../server/demo/demo.ts';
import { type Keystone, keystoneMissing, startKeystone } from '../support/keystone.ts';
import { type RunningProcess, startServerProcess, waitFor } from '../support/processes.ts';
import { demoBackups } from '../support/test-server.ts';

const missing = keystoneMissing();
const CACHE_MAX_AGE_SECONDS = 3;
const PASSWORD = 'keystone-test-password';

// Without Keystone the suite says so in one line; CI must have it, so there it fails instead.
const skip = missing !== undefined && process.env.CI !== 'true' ? `not run: ${missing}` : false;

describe('against a real Keystone', { skip, timeout: 300_000 }, () => {
  let keystone: Keystone;
  let server: RunningProcess;
  let projectA: string;
  let projectB: string;
  let serviceProject: string;
  let memberToken: string;
  let readerToken: string;

  const issueMember = () => keystone.issueToken('alice', PASSWORD, projectA);
  const call = (method: string, urlPath: string, token: string) => fetch(`${server.url}${urlPath}`, { method, headers: { 'X-Auth-Token': token } });
  const json = async (response: Response) => (await response.json()) as { error_code?: string; request_id?: string; count?: number };
  const tokenValidations = () => keystone.requests().filter((r) => r.method === 'GET' && r.path.startsWith('/v3/auth/tokens')).length;

  before(async () => {
    if (missing !== undefined) throw new Error(`Keystone is required in CI: ${missing}`);
    keystone = await startKeystone();
    projectA = await keystone.createProject('cbr-team-a');
    projectB = await keystone.createProject('cbr-team-b');
    serviceProject = await keystone.createProject('service');
    const serviceUser = await keystone.createUser('cbr-service', PASSWORD);
    const alice = await keystone.createUser('alice', PASSWORD);
    const bob = await keystone.createUser('bob', PASSWORD);
    // The service role is what Keystone's default policy lets validate other users' tokens.
    await keystone.grant(serviceUser, serviceProject, 'service');
    await keystone.grant(alice, projectA, 'member');
    await keystone.grant(bob, projectA, 'reader');
    memberToken = await issueMember();
    readerToken = await keystone.issueToken('bob', PASSWORD, projectA);

    // The demo backups, moved into Keystone's projects.
    const seedFile = path.join(keystone.dir, 'backups.json');
    const backups = demoBackups().map((b) => ({ ...b, project_id: b.project_id === DEMO_PROJECT ? projectA : projectB }));
    await writeFile(seedFile, JSON.stringify({ backups }));
    server = await startServerProcess({
      NODE_ENV: 'production',
      DATABASE_URL: path.join(keystone.dir, 'backups.sqlite'),
      SEED_FILE: seedFile,
      IAM_URL: `${keystone.url}/v3`,
      IAM_SERVICE_USER: 'cbr-service',
      IAM_SERVICE_PASSWORD: PASSWORD,
      IAM_SERVICE_PROJECT: 'service',
      IAM_CACHE_MAX_AGE_SECONDS: String(CACHE_MAX_AGE_SECONDS),
      IAM_TIMEOUT_MS: '5000',
    });
  });

  after(async () => {
    await server?.stop();
    await keystone?.close();
  });

  test("Keystone's ids are the API's project ids (32 lowercase hex)", () => {
    assert.match(projectA, /^[0-9a-f]{32}$/);
    assert.match(projectB, /^[0-9a-f]{32}$/);
  });

  test("a member deletes a backup of the token's project: 204, and it is gone", async () => {
    const backup = DEMO_BACKUPS.available[0];
    assert.equal((await call('DELETE', `/v3/${projectA}/backups/${backup}`, memberToken)).status, 204);
    const again = await call('DELETE', `/v3/${projectA}/backups/${backup}`, memberToken);
    assert.equal(again.status, 400);
    assert.equal((await json(again)).error_code, 'CSBS.3001');
  });

  test("a member's token on another project: 403 APIGW.0302", async () => {
    const response = await call('DELETE', `/v3/${projectB}/backups/${DEMO_BACKUPS.otherProject}`, memberToken);
    assert.equal(response.status, 403);
    assert.equal((await json(response)).error_code, 'APIGW.0302');
  });

  test('a reader may list but not delete: 403 APIGW.0302', async () => {
    const list = await call('GET', `/v3/${projectA}/backups`, readerToken);
    assert.equal(list.status, 200);
    assert.ok(((await json(list)).count ?? 0) > 0);
    const response = await call('DELETE', `/v3/${projectA}/backups/${DEMO_BACKUPS.available[1]}`, readerToken);
    assert.equal(response.status, 403);
    assert.equal((await json(response)).error_code, 'APIGW.0302');
  });

  test('a garbage token: 401 APIGW.0301', async () => {
    const response = await call('DELETE', `/v3/${projectA}/backups/${DEMO_BACKUPS.available[1]}`, 'gAAAAABnot-a-real-fernet-token');
    assert.equal(response.status, 401);
    assert.equal((await json(response)).error_code, 'APIGW.0301');
  });

  test("a revoked token: 401 APIGW.0301 once the cache's maximum age has passed", async () => {
    const token = await issueMember();
    assert.equal((await call('GET', `/v3/${projectA}/backups`, token)).status, 200);
    await keystone.revokeToken(token);
    await new Promise((resolve) => setTimeout(resolve, CACHE_MAX_AGE_SECONDS * 1000 + 500));
    const response = await call('GET', `/v3/${projectA}/backups`, token);
    assert.equal(response.status, 401);
    assert.equal((await json(response)).error_code, 'APIGW.0301');
  });

  test('single flight: 100 concurrent requests with one new token, one validation by Keystone', async () => {
    const token = await issueMember();
    const before = tokenValidations();
    const responses = await Promise.all(Array.from({ length: 100 }, () => call('GET', `/v3/${projectA}/backups`, token)));
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    assert.equal(tokenValidations() - before, 1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /iam_token_validations_total\{result="valid"\} \d+/);
    assert.match(metrics, /iam_request_duration_seconds_count\{operation="validate_token",status="200"\} \d+/);
  });

  test("real tokens pass the shape check: Fernet, unpadded base64url, at most Keystone's 255 characters", async () => {
    const serviceToken = await keystone.issueToken('cbr-service', PASSWORD, serviceProject);
    for (const token of [memberToken, readerToken, serviceToken, keystone.adminToken]) {
      assert.match(token, /^gAAAAA[A-Za-z0-9_-]+$/);
      assert.ok(token.length <= 255, `${token.length} characters`);
      assert.equal(isPlausibleIamToken(token), true, `a ${token.length}-character token`);
    }
  });

  test('in process: a real token is asked about once and stays cached through junk; junk of no token\'s shape never reaches Keystone', async () => {
    const serviceToken = await keystone.issueToken('cbr-service', PASSWORD, serviceProject);
    const verifier = new KeystoneVerifier({
      url: keystone.url,
      service: { kind: 'token', token: serviceToken },
      timeoutMs: 5000,
      cacheMaxAgeMs: 60_000,
      invalidCacheMaxAgeMs: 60_000,
      cacheSize: 10,
    });
    // Keystone's access log is read as it comes: wait for the count, then check it is exact.
    const start = tokenValidations();
    const validationsReach = async (count: number) => {
      await waitFor(async () => tokenValidations() - start >= count, `${count} validations in Keystone's log`, 10_000);
      assert.equal(tokenValidations() - start, count);
    };
    const junk = Array.from({ length: 50 }, () => `gAAAAAB${randomBytes(140).toString('base64url')}`);
    const malformed = ['gAAAAABnot-a-real-fernet-token', 'demo-member-token', `${memberToken} `, `Bearer ${memberToken}`, `${memberToken.slice(0, 100)}%3D`, 'x'.repeat(20_000)];

    const token = await issueMember();
    assert.ok((await verifier.verify(token)).ok);
    assert.ok((await verifier.verify(token)).ok);
    await validationsReach(1);
    for (const t of junk) assert.equal((await verifier.verify(t)).ok, false, 'Keystone: 404');
    await validationsReach(51);
    // One more junk token of a token's shape, which is sent: what was sent before it is in the log by then.
    const sentinel = async () => assert.equal((await verifier.verify(`gAAAAAB${randomBytes(140).toString('base64url')}`)).ok, false);
    // Five times the valid tokens' cache in junk, and the real token is still cached; so are the rejections.
    assert.ok((await verifier.verify(token)).ok);
    for (const t of junk) assert.equal((await verifier.verify(t)).ok, false);
    await sentinel();
    await validationsReach(52);
    for (const t of malformed) assert.equal((await verifier.verify(t)).ok, false);
    await sentinel();
    await validationsReach(53);
  });

  test('Keystone stopped: 500 CSBS.9998 and not ready; back: the service recovers by itself', async () => {
    const token = await issueMember();
    await keystone.stop();
    try {
      const response = await call('DELETE', `/v3/${projectA}/backups/${DEMO_BACKUPS.available[1]}`, token);
      assert.equal(response.status, 500);
      const body = await json(response);
      assert.equal(body.error_code, 'CSBS.9998');
      assert.equal(body.request_id, response.headers.get('x-request-id'));
      assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
      assert.match(await (await fetch(`${server.url}/metrics`)).text(), /iam_errors_total\{operation="validate_token",reason="unreachable"\} [1-9]/);
    } finally {
      await keystone.start();
    }
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).ok, 'service ready again', 30_000);
    assert.equal((await call('DELETE', `/v3/${projectA}/backups/${DEMO_BACKUPS.available[1]}`, token)).status, 204);
  });

  test("a fixed service token, in process: Keystone's implied roles reach the Principal", async () => {
    const serviceToken = await keystone.issueToken('cbr-service', PASSWORD, serviceProject);
    const verifier = new KeystoneVerifier({
      url: keystone.url,
      service: { kind: 'token', token: serviceToken },
      timeoutMs: 5000,
      cacheMaxAgeMs: 60_000,
      invalidCacheMaxAgeMs: 10_000,
      cacheSize: 10,
    });
    await verifier.ready();
    const member = await verifier.verify(memberToken);
    assert.ok(member.ok);
    assert.equal(member.principal.projectId, projectA);
    assert.equal(member.principal.user.name, 'alice');
    assert.ok(member.principal.roles.includes('member') && member.principal.roles.includes('reader'), `roles: ${member.principal.roles.join(', ')}`);
    const reader = await verifier.verify(readerToken);
    assert.ok(reader.ok);
    assert.deepEqual([...reader.principal.roles], ['reader']);
    assert.equal((await verifier.verify('gAAAAABnot-a-real-fernet-token')).ok, false);
    assert.equal((await verifier.verify(`gAAAAAB${randomBytes(140).toString('base64url')}`)).ok, false, 'a 404 from Keystone');
  });
});

