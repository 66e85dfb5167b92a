// Requests signed the way Huawei Cloud's SDKs sign them (AK/SK, SDK-HMAC-SHA256), by the
// vendor's own signer: @huaweicloud/huaweicloud-sdk-core's HcClient with BasicCredentials, and
// its AKSKSigner for requests the test then changes by one part.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { stringify } from 'node:querystring';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import { AccessKeysVerifier, DEMO_ACCESS_KEYS_FILE } from '../../server/auth/access-keys.ts';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT } from '../../server/demo/demo.ts';
import { inEachAppMode, startTestServer, type TestServer } from '../support/test-server.ts';

const KEYS = {
  member: { ak: 'DEMOMEMBERAK0000000001', sk: 'demo-member-secret-key-0000000001' },
  reader: { ak: 'DEMOREADERAK0000000001', sk: 'demo-reader-secret-key-0000000001' },
  otherProject: { ak: 'DEMOOTHERAK00000000001', sk: 'demo-other-secret-key-00000000001' },
};

type Key = (typeof KEYS)[keyof typeof KEYS];

const credentials = (key: Key, projectId = DEMO_PROJECT) => new BasicCredentials().withAk(key.ak).withSk(key.sk).withProjectId(projectId);

interface SdkError {
  httpStatusCode: number;
  errorCode: string;
  errorMsg: string;
  requestId: string;
}

/** The SDK's client as a CBR client builds it: BasicCredentials, the endpoint, nothing else. */
function sdkClient(url: string, key: Key, projectId = DEMO_PROJECT) {
  const client = new ClientBuilder((hcClient) => hcClient).withCredential(credentials(key, projectId)).withEndpoint(url).build();
  // The request options as CbrClient's ParamCreater writes them for these operations.
  const send = (method: string, path: string, pathParams: Record<string, string>, queryParams: Record<string, unknown> = {}) =>
    client.sendRequest({ method, url: path, contentType: 'application/json', queryParams, pathParams, headers: {} } as never) as Promise<Record<string, unknown>>;
  return {
    deleteBackup: (backupId: string) => send('DELETE', '/v3/{project_id}/backups/{backup_id}', { backup_id: backupId }),
    showBackup: (backupId: string) => send('GET', '/v3/{project_id}/backups/{backup_id}', { backup_id: backupId }),
    listBackups: (query: Record<string, unknown> = {}) => send('GET', '/v3/{project_id}/backups', {}, query),
  };
}

async function sdkError(promise: Promise<unknown>): Promise<SdkError> {
  const error = (await promise.then(
    (value) => assert.fail(`expected an error, got ${JSON.stringify(value)}`),
    (caught: unknown) => caught,
  )) as SdkError;
  assert.equal(typeof error.httpStatusCode, 'number', String(error));
  return error;
}

/** Headers the vendor's signer gives a request (method, URL, headers, query), as HcClient would send it. */
function signedHeaders(key: Key, method: string, url: string, queryParams: Record<string, unknown>, headers: Record<string, string> = {}): Record<string, string> {
  const req = { endpoint: url, method, headers: { 'content-type': 'application/json', 'X-Project-Id': DEMO_PROJECT, ...headers }, queryParams, data: undefined };
  return AKSKSigner.sign(req as never, credentials(key) as never) as Record<string, string>;
}

/** A time as X-Sdk-Date writes it: YYYYMMDDTHHMMSSZ. */
function sdkDate(time: number): string {
  return new Date(time).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Sends exactly these headers (Host included) with node:http, which adds none that matter. */
function sendRaw(base: string, method: string, pathAndQuery: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${pathAndQuery}`, { method, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

inEachAppMode((mode) => {
  describe('requests signed by the vendor SDK (AK/SK)', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: mode.config });
    });
    after(() => server.close());

    it('delete, show and list through HcClient with BasicCredentials get the contract\'s answers', async () => {
      const client = sdkClient(server.url, KEYS.member);
      const shown = await client.showBackup(DEMO_BACKUPS.available[0]);
      assert.equal(shown.httpStatusCode, 200);
      assert.equal((shown.backup as { id: string }).id, DEMO_BACKUPS.available[0]);
      const listed = await client.listBackups({ limit: 3 });
      assert.equal(listed.httpStatusCode, 200);
      assert.equal((listed.backups as unknown[]).length, 3);
      assert.equal((await client.deleteBackup(DEMO_BACKUPS.available[0])).httpStatusCode, 204);
      const gone = await sdkError(client.deleteBackup(DEMO_BACKUPS.available[0]));
      assert.equal(gone.httpStatusCode, 400);
      assert.equal(gone.errorCode, 'CSBS.3001');
      assert.ok(gone.requestId, 'the SDK reads the request id from X-Request-Id');
    });

    it('is 403 APIGW.0302 for a key of another project, and for a reader key deleting', async () => {
      const other = await sdkError(sdkClient(server.url, KEYS.otherProject, DEMO_PROJECT).showBackup(DEMO_BACKUPS.available[1]));
      assert.deepEqual([other.httpStatusCode, other.errorCode], [403, 'APIGW.0302']);
      const reader = await sdkError(sdkClient(server.url, KEYS.reader).deleteBackup(DEMO_BACKUPS.available[1]));
      assert.deepEqual([reader.httpStatusCode, reader.errorCode], [403, 'APIGW.0302']);
      assert.equal((await sdkClient(server.url, KEYS.reader).showBackup(DEMO_BACKUPS.available[1])).httpStatusCode, 200);
    });

    it('is 401 APIGW.0301 for an unknown key, saying so', async () => {
      const error = await sdkError(sdkClient(server.url, { ak: 'UNKNOWNAK000000000001', sk: 'some-secret-key-000000000001' }).showBackup(DEMO_BACKUPS.available[1]));
      assert.deepEqual([error.httpStatusCode, error.errorCode], [401, 'APIGW.0301']);
      assert.match(error.errorMsg, /unknown access key/);
    });

    describe('a signed request changed in one part after signing is 401 APIGW.0301', () => {
      const path = `/v3/${DEMO_PROJECT}/backups`;
      const cases: [string, () => Promise<{ status: number; body: any }>, RegExp][] = [
        ['the path', () => sendRaw(server.url, 'GET', `${path}/${DEMO_BACKUPS.available[2]}`, signedHeaders(KEYS.member, 'GET', `${server.url}${path}/${DEMO_BACKUPS.error}`, {})), /signature does not match/],
        ['the query', () => sendRaw(server.url, 'GET', `${path}?limit=2`, signedHeaders(KEYS.member, 'GET', `${server.url}${path}`, { limit: 3 })), /signature does not match/],
        ['the method', () => sendRaw(server.url, 'DELETE', `${path}/${DEMO_BACKUPS.error}`, signedHeaders(KEYS.member, 'GET', `${server.url}${path}/${DEMO_BACKUPS.error}`, {})), /signature does not match/],
        ['a signed header', () => sendRaw(server.url, 'GET', path, { ...signedHeaders(KEYS.member, 'GET', `${server.url}${path}`, {}), 'content-type': 'application/json; charset=utf-8' }), /signature does not match/],
        ['the body hash', () => sendRaw(server.url, 'GET', path, { ...signedHeaders(KEYS.member, 'GET', `${server.url}${path}`, {}, { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' }), 'X-Sdk-Content-Sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }), /signature does not match/],
        ['the date, 20 minutes old', () => sendRaw(server.url, 'GET', path, signedHeaders(KEYS.member, 'GET', `${server.url}${path}`, {}, { 'X-Sdk-Date': sdkDate(Date.now() - 20 * 60_000) })), /more than 15 minutes/],
        ['no date at all', () => {
          const headers = signedHeaders(KEYS.member, 'GET', `${server.url}${path}`, {});
          delete headers['X-Sdk-Date'];
          return sendRaw(server.url, 'GET', path, headers);
        }, /X-Sdk-Date is missing/],
        ['a temporary key (X-Security-Token)', () => sendRaw(server.url, 'GET', path, signedHeaders(KEYS.member, 'GET', `${server.url}${path}`, {}, { 'X-Security-Token': 'temporary' })), /temporary access keys/],
      ];
      for (const [part, send, reason] of cases) {
        it(part, async () => {
          const reply = await send();
          assert.equal(reply.status, 401, JSON.stringify(reply.body));
          assert.equal(reply.body.error_code, 'APIGW.0301');
          assert.match(reply.body.error_msg, reason);
          assert.doesNotMatch(reply.body.error_msg, /[0-9a-f]{64}/, 'never the expected signature');
        });
      }
    });
  });
});

describe('the signature check against the vendor signer (property)', () => {
  const verifier = AccessKeysVerifier.fromFile(DEMO_ACCESS_KEYS_FILE);
  const host = '127.0.0.1:8080';
  // Characters a path segment may hold as sent (url.parse, which the signer reads the path with, would escape others such as ').
  const segment = fc.stringMatching(/^[A-Za-z0-9._~!$&()*+,;=:@%-]{1,12}$/);
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const query = fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 })), { maxKeys: 4 });

  /** What the vendor's client puts on the wire, and the headers its signer gives it. */
  function signedByVendor(method: string, segments: string[], queryParams: Record<string, string | string[]>) {
    const rawPath = `/v3/${segments.map(encodeURIComponent).join('/')}`;
    const headers = signedHeaders(KEYS.member, method, `http://${host}${rawPath}`, queryParams);
    const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    return { method, rawPath, rawQuery: stringify(queryParams), headers: lower };
  }

  it('accepts every request the vendor signer signs, and no request changed by one byte in a signed part', () => {
    fc.assert(
      fc.property(fc.constantFrom('GET', 'DELETE'), fc.array(segment, { minLength: 1, maxLength: 4 }), query, fc.nat(), (method, segments, queryParams, at) => {
        const signed = signedByVendor(method, segments, queryParams);
        const authorization = signed.headers.authorization!;
        const verdict = verifier.verify(authorization, signed);
        assert.ok(verdict.ok, `refused: ${verdict.ok ? '' : verdict.reason} for ${signed.rawPath}?${signed.rawQuery}`);

        // One byte of the path, of a signed header's value, or of the query, changed.
        const flip = (value: string) => {
          const i = at % value.length;
          return `${value.slice(0, i)}${value[i] === 'a' ? 'b' : 'a'}${value.slice(i + 1)}`;
        };
        const changes = [
          { ...signed, rawPath: flip(signed.rawPath) },
          { ...signed, headers: { ...signed.headers, 'x-project-id': flip(signed.headers['x-project-id']!) } },
          { ...signed, headers: { ...signed.headers, 'x-sdk-date': flip(signed.headers['x-sdk-date']!) } },
          ...(signed.rawQuery === '' ? [] : [{ ...signed, rawQuery: flip(signed.rawQuery) }]),
        ];
        for (const changed of changes) {
          // A change that decodes to the same canonical form (a%61 for aa) signs the same request.
          if (changed.rawPath !== signed.rawPath && decodeURIComponentSafe(changed.rawPath) === decodeURIComponentSafe(signed.rawPath)) continue;
          if (changed.rawQuery !== signed.rawQuery && new URLSearchParams(changed.rawQuery).toString() === new URLSearchParams(signed.rawQuery).toString()) continue;
          assert.equal(verifier.verify(authorization, changed).ok, false, `accepted a change: ${JSON.stringify(changed)}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
