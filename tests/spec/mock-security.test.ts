// The Prism mock (npm run mock) takes either security scheme of openapi.yaml: an X-Auth-Token,
// or an AK/SK-signed request's Authorization header, as the service does; neither is 401.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_BACKUPS, DEMO_PROJECT } from '../../server/demo/demo.ts';
import { backupUrl, call } from '../support/http.ts';
import { type RunningProcess, startMock } from '../support/processes.ts';

describe('the Prism mock and the two security schemes', () => {
  let mock: RunningProcess;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.stop());

  it('answers a signed request (Authorization, no token) as it answers one with a token', async () => {
    const url = backupUrl(mock.url, DEMO_BACKUPS.available[0]);
    const signed = 'SDK-HMAC-SHA256 Access=DEMOMEMBERAK0000000001, SignedHeaders=host;x-sdk-date, Signature=00';
    const bySignature = await call(url, { headers: { Authorization: signed, 'X-Sdk-Date': '20261201T080000Z' } });
    const byToken = await call(url, { headers: { 'X-Auth-Token': 'any-token' } });
    assert.equal(bySignature.status, 200, bySignature.text);
    assert.equal(byToken.status, 200);
    assert.deepEqual(bySignature.body, byToken.body);
    assert.equal((await call(`${mock.url}/v3/${DEMO_PROJECT}/backups`)).status, 401, 'neither is 401');
  });
});
