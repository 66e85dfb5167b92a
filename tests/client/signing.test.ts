// The client and the `backups` command signing with an access key (AK/SK, SDK-HMAC-SHA256):
// the Authorization header is the vendor signer's for the same request and date, the
// service's check accepts it, and signed calls get the contract's answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import { ApiError, type BackupDetail, createBackupClient, type ListBackupsFilters } from '../../client/index.ts';
import { requestSigner, sdkDate } from '../../client/signing.ts';
import { AccessKeysVerifier, DEMO_ACCESS_KEYS_FILE } from '../../server/auth/access-keys.ts';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { inEachAppMode, startTestServer, type TestServer } from '../support/test-server.ts';
import { runBin, runInProcess } from './support/cli.ts';

// The demo access keys (server/demo/access-keys.json).
const KEYS = {
  member: { accessKey: 'DEMOMEMBERAK0000000001', secretKey: 'demo-member-secret-key-0000000001' },
  reader: { accessKey: 'DEMOREADERAK0000000001', secretKey: 'demo-reader-secret-key-0000000001' },
  otherProject: { accessKey: 'DEMOOTHERAK00000000001', secretKey: 'demo-other-secret-key-00000000001' },
};

/** RFC 3986 encoding, as a client puts arbitrary text in a path segment. */
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    (value) => assert.fail(`expected an ApiError, got ${JSON.stringify(value)}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
  return error;
}

describe('the client\'s signature is the vendor signer\'s (property)', () => {
  const base = fc.constantFrom('http://127.0.0.1:8080', 'http://localhost', 'https://cbr.ap-southeast-1.myhuaweicloud.com', 'https://example.com:8443', 'http://[::1]:3000');
  const segment = fc.oneof(
    // Any text, encoded as a client encodes a path parameter.
    fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).map(encode),
    // Characters a path may hold as sent, '%' (not always an escape) and sub-delimiters included.
    fc.stringMatching(/^[A-Za-z0-9._~!$&()*+,;=:@%-]{1,12}$/),
  );
  const text = fc.string({ unit: 'binary', maxLength: 10 });
  const query = fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 })), { maxKeys: 4 });
  const headers = fc.record(
    { 'X-Project-Id': fc.constantFrom(DEMO_PROJECT, DEMO_OTHER_PROJECT), 'content-type': fc.constantFrom('application/json', 'application/json;charset=UTF-8') },
    { requiredKeys: [] },
  );
  const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
  const method = fc.constantFrom('GET', 'DELETE', 'HEAD', 'PUT', 'POST', 'PATCH');

  test('for random methods, paths, queries and headers, Authorization equals AKSKSigner.sign\'s, and the service accepts it', async () => {
    const sign = requestSigner(KEYS.member);
    const vendorCredentials = new BasicCredentials().withAk(KEYS.member.accessKey).withSk(KEYS.member.secretKey);
    await fc.assert(
      fc.asyncProperty(method, base, fc.array(segment, { minLength: 1, maxLength: 4 }), query, headers, date, async (method, base, segments, queryParams, extraHeaders, now) => {
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(queryParams)) for (const item of [value].flat()) search.append(key, item);
        const request = new Request(`${base}/v3/${segments.join('/')}${search.size > 0 ? `?${search}` : ''}`, { method, headers: extraHeaders });
        await sign(request, now);

        // The vendor signer, given the same request as it goes on the wire and the same X-Sdk-Date.
        const url = new URL(request.url);
        const vendorRequest = { endpoint: `${url.origin}${url.pathname}`, method, headers: { ...extraHeaders, 'X-Sdk-Date': sdkDate(now) }, queryParams, data: undefined };
        const vendor = AKSKSigner.sign(vendorRequest as never, vendorCredentials as never) as Record<string, string>;
        const where = `${method} ${request.url} ${JSON.stringify(extraHeaders)}`;
        assert.equal(request.headers.get('authorization'), vendor.Authorization, where);
        assert.equal(request.headers.get('x-sdk-date'), sdkDate(now));

        // The service's check, on the request as it arrives.
        const verifier = AccessKeysVerifier.fromFile(DEMO_ACCESS_KEYS_FILE, { now: () => now.getTime() });
        const received: Record<string, string> = { host: url.host, ...Object.fromEntries(request.headers.entries()) };
        const verdict = verifier.verify(received.authorization as string, { method, rawPath: url.pathname, rawQuery: url.search.slice(1), headers: received });
        assert.ok(verdict.ok, `refused (${verdict.ok ? '' : verdict.reason}): ${where}`);
      }),
      { numRuns: 300 },
    );
  });

  test('X-Sdk-Date is UTC YYYYMMDDTHHMMSSZ, and signed', async () => {
    const request = new Request('http://127.0.0.1:8080/v3/p/backups');
    await requestSigner(KEYS.member)(request, new Date('2026-05-10T07:59:12.999Z'));
    assert.equal(request.headers.get('x-sdk-date'), '20260510T075912Z');
    assert.match(request.headers.get('authorization') ?? '', /^SDK-HMAC-SHA256 Access=DEMOMEMBERAK0000000001, SignedHeaders=host;x-sdk-date, Signature=[0-9a-f]{64}$/);
  });
});

inEachAppMode((mode) => {
  describe('the client with an access key against the service', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: mode.config });
    });
    after(() => server.close());
    const client = (credentials = KEYS.member) => createBackupClient({ baseUrl: server.url, credentials });

    test('show: 200, the stored backup', async () => {
      assert.equal((await client().showBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1])).id, DEMO_BACKUPS.available[1]);
    });

    test('list: 200 with several statuses, the same page a token gets', async () => {
      const filters: ListBackupsFilters = { status: ['available', 'error'], sort: 'name:asc' };
      const signed = await client().listBackups(DEMO_PROJECT, filters);
      assert.deepEqual(new Set(signed.backups.map((backup) => backup.status)), new Set(['available', 'error']));
      const withToken = await createBackupClient({ baseUrl: server.url, token: DEMO_TOKENS.member }).listBackups(DEMO_PROJECT, filters);
      assert.deepEqual(signed, withToken);
    });

    test('list: 200 with filter values that need encoding', async () => {
      const page = await client().listBackups(DEMO_PROJECT, { name: "a b/ü&x=y+'()*!~%", resource_name: 'vm 1', incremental: false, sort: 'created_at:asc,name' });
      assert.equal(page.count, 0);
    });

    test('delete: 204, and the backup is gone afterwards', async () => {
      const result = await client().deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.available[0]);
      assert.equal(result.outcome, 'deleted');
      const gone = await apiError(client().showBackup(DEMO_PROJECT, DEMO_BACKUPS.available[0]));
      assert.deepEqual([gone.status, gone.errorCode], [404, 'CSBS.3001']);
    });

    test('a wrong secret key: ApiError 401 APIGW.0301', async () => {
      const error = await apiError(client({ ...KEYS.member, secretKey: 'not-the-secret-key-0000000001' }).showBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1]));
      assert.deepEqual([error.status, error.errorCode], [401, 'APIGW.0301']);
      assert.match(error.errorMsg, /signature does not match/);
    });

    test('a reader key deleting: 403 APIGW.0302, a key of another project: 403', async () => {
      const reader = await apiError(client(KEYS.reader).deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.available[2]));
      assert.deepEqual([reader.status, reader.errorCode], [403, 'APIGW.0302']);
      const other = await apiError(client(KEYS.otherProject).showBackup(DEMO_PROJECT, DEMO_BACKUPS.available[2]));
      assert.deepEqual([other.status, other.errorCode], [403, 'APIGW.0302']);
      assert.equal((await client(KEYS.reader).showBackup(DEMO_PROJECT, DEMO_BACKUPS.available[2])).id, DEMO_BACKUPS.available[2]);
    });

    test('a retry is signed again, with a fresh X-Sdk-Date (and a timeout keeps the signed headers)', async () => {
      const dates: string[] = [];
      const signed = createBackupClient({
        baseUrl: server.url,
        credentials: KEYS.member,
        timeoutMs: 10_000,
        retry: { retries: 1, initialDelayMs: 1100, jitter: false },
        fetch: async (request) => {
          dates.push(request.headers.get('x-sdk-date') ?? 'none');
          if (dates.length === 1) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
          return fetch(request);
        },
      });
      assert.equal((await signed.showBackup(DEMO_PROJECT, DEMO_BACKUPS.error)).id, DEMO_BACKUPS.error);
      assert.equal(dates.length, 2);
      assert.notEqual(dates[0], dates[1], 'each attempt has its own date');
    });
  });
});

describe('the backups command with an access key', () => {
  let server: TestServer;
  let url: string;
  before(async () => {
    server = await startTestServer();
    url = server.url;
  });
  after(() => server.close());
  const keys = (key = KEYS.member) => ({ HUAWEICLOUD_SDK_AK: key.accessKey, HUAWEICLOUD_SDK_SK: key.secretKey });
  const env = { ...keys(), HUAWEICLOUD_SDK_PROJECT_ID: DEMO_PROJECT };

  test('as a process: list with several --status, show and delete, signed with HUAWEICLOUD_SDK_AK/SK', async () => {
    const list = await runBin(['list', '--endpoint', url, '--status', 'available', '--status', 'error', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const { backups } = JSON.parse(list.stdout) as { backups: BackupDetail[] };
    assert.deepEqual(new Set(backups.map((backup) => backup.status)), new Set(['available', 'error']));

    const show = await runBin(['show', DEMO_BACKUPS.available[1], '--endpoint', url], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^id +${DEMO_BACKUPS.available[1]}$`, 'm'));

    const deleted = await runBin(['delete', DEMO_BACKUPS.available[0], '--endpoint', url], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`^Deleted backup ${DEMO_BACKUPS.available[0]} \\(request id [A-Za-z0-9._-]+\\)\\.\\n$`));
  });

  test('the project: --project, else HUAWEICLOUD_SDK_PROJECT_ID with a key (OS_PROJECT_ID when it is not set)', async () => {
    const show = ['show', DEMO_BACKUPS.available[2], '--endpoint', url];
    assert.equal((await runInProcess(show, { ...keys(), HUAWEICLOUD_SDK_PROJECT_ID: DEMO_PROJECT, OS_PROJECT_ID: DEMO_OTHER_PROJECT })).code, 0);
    assert.equal((await runInProcess(show, { ...keys(), OS_PROJECT_ID: DEMO_PROJECT })).code, 0);
    const other = await runInProcess([...show, '--project', DEMO_OTHER_PROJECT], env);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /APIGW\.0302/);
    // With a token, OS_PROJECT_ID comes first.
    const withToken = await runInProcess(show, { OS_AUTH_TOKEN: DEMO_TOKENS.member, OS_PROJECT_ID: DEMO_PROJECT, HUAWEICLOUD_SDK_PROJECT_ID: DEMO_OTHER_PROJECT });
    assert.equal(withToken.code, 0, withToken.stderr);
  });

  test('a token wins over an access key', async () => {
    // The member key could delete; the reader token may not.
    const run = await runInProcess(['delete', DEMO_BACKUPS.error, '--endpoint', url], { ...env, OS_AUTH_TOKEN: DEMO_TOKENS.reader });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /APIGW\.0302/);
    const withOption = await runInProcess(['delete', DEMO_BACKUPS.error, '--endpoint', url, '--token', DEMO_TOKENS.reader], env);
    assert.equal(withOption.code, 1);
    assert.match(withOption.stderr, /APIGW\.0302/);
  });

  test('a wrong secret key: exit 1, APIGW.0301, the secret never printed', async () => {
    const secretKey = 'not-the-secret-key-0000000001';
    const run = await runInProcess(['show', DEMO_BACKUPS.available[2], '--endpoint', url, '--json'], { ...env, HUAWEICLOUD_SDK_SK: secretKey });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: the API refused: APIGW\.0301: .*signature does not match/);
    assert.ok(!run.stderr.includes(secretKey) && !run.stdout.includes(secretKey));
  });

  const usage: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['an access key without its secret', ['list'], { HUAWEICLOUD_SDK_AK: KEYS.member.accessKey, HUAWEICLOUD_SDK_PROJECT_ID: DEMO_PROJECT }, /HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not/],
    ['a secret without its access key', ['list'], { HUAWEICLOUD_SDK_SK: KEYS.member.secretKey, HUAWEICLOUD_SDK_PROJECT_ID: DEMO_PROJECT }, /HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not/],
    ['keys on the command line', ['list', '--access-key', KEYS.member.accessKey], env, /Unknown option '--access-key'/],
    ['no project', ['list'], keys(), /no project: pass --project <id> or set OS_PROJECT_ID \(or HUAWEICLOUD_SDK_PROJECT_ID\)/],
  ];
  for (const [what, args, runEnv, message] of usage) {
    test(`exit 2 for ${what}`, async () => {
      const run = await runInProcess([...args, '--endpoint', url], runEnv);
      assert.equal(run.code, 2);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    });
  }

  test('every list filter of the spec goes on the wire as given; the service checks the values', async () => {
    const sent: URL[] = [];
    const recording = (request: Request) => {
      sent.push(new URL(request.url));
      return fetch(request);
    };
    const filters: Array<[string, string, string]> = [
      ['--resource-name', 'resource_name', 'vm 01'],
      ['--resource-az', 'resource_az', 'ap-southeast-1a'],
      ['--checkpoint-id', 'checkpoint_id', DEMO_BACKUPS.absent],
      ['--parent-id', 'parent_id', DEMO_BACKUPS.absent],
      ['--enterprise-project-id', 'enterprise_project_id', '0'],
      ['--incremental', 'incremental', 'false'],
      ['--start-time', 'start_time', '2000-01-01T00:00:00Z'],
      ['--end-time', 'end_time', '2099-12-31T23:59:59Z'],
      ['--show-replication', 'show_replication', 'true'],
      ['--own-type', 'own_type', 'all_granted'],
      ['--member-status', 'member_status', 'accepted'],
      ['--dec', 'dec', 'false'],
      ['--used-percent', 'used_percent', '50'],
    ];
    const run = await runInProcess(['list', '--endpoint', url, '--json', ...filters.flatMap(([option, , value]) => [option, value])], env, recording);
    assert.equal(run.code, 0, run.stderr);
    const query = sent[0]!.searchParams;
    for (const [option, parameter, value] of filters) assert.equal(query.get(parameter), value, option);

    const bad = await runInProcess(['list', '--endpoint', url, '--incremental', 'maybe'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /CSBS\.9001/);
  });

  test('--help explains the access key variables, which credentials win, and every filter', async () => {
    const run = await runInProcess(['--help'], {});
    assert.equal(run.code, 0);
    for (const text of ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_PROJECT_ID', 'the access key is ignored', 'repeat it for several',
      '--resource-name', '--resource-az', '--checkpoint-id', '--parent-id', '--enterprise-project-id', '--incremental', '--start-time', '--end-time',
      '--show-replication', '--own-type', '--member-status', '--dec', '--used-percent']) {
      assert.ok(run.stdout.includes(text), `--help does not mention ${text}`);
    }
    assert.doesNotMatch(run.stdout, /--access-key|--secret-key/);
  });
});
