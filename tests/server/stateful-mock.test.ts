// npm run mock:stateful as frontend tests use it: the real service on an in-memory store, so a
// delete is seen by the next list; Prism's Prefer header to force an answer or a delay; reset
// and seed endpoints; CORS for pages on localhost; every answer checked against the spec.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { backupUrl, call } from '../support/http.ts';
import { type RunningProcess, startStatefulMock } from '../support/processes.ts';
import { demoBackups } from '../support/test-server.ts';

describe('the stateful mock (npm run mock:stateful)', () => {
  let mock: RunningProcess;
  const list = (headers: Record<string, string> = {}) => call(`${mock.url}/v3/${DEMO_PROJECT}/backups`, { headers: { 'X-Auth-Token': DEMO_TOKENS.reader, ...headers } });
  const remove = (id: string, headers: Record<string, string> = {}) => call(backupUrl(mock.url, id), { method: 'DELETE', headers: { 'X-Auth-Token': DEMO_TOKENS.member, ...headers } });
  const reset = () => call(`${mock.url}/__mock/reset`, { method: 'POST' });

  before(async () => {
    mock = await startStatefulMock();
  });
  after(() => mock.stop());

  it('keeps state: a deleted backup is gone from the next list, and reset brings it back', async () => {
    const before = await list();
    assert.equal(before.status, 200);
    assert.equal(before.body.count, 11);
    assert.equal((await remove(DEMO_BACKUPS.available[0])).status, 204);
    const afterDelete = await list();
    assert.equal(afterDelete.body.count, 10);
    assert.ok(!afterDelete.body.backups.some((b: { id: string }) => b.id === DEMO_BACKUPS.available[0]));
    assert.equal((await remove(DEMO_BACKUPS.available[0])).body.error_code, 'CSBS.3001');
    const answer = await reset();
    assert.deepEqual([answer.status, answer.body], [200, { backups: demoBackups().length }]);
    assert.equal((await list()).body.count, 11);
  });

  it('forces an answer with Prefer, as Prism does, without touching the data', async () => {
    const busy = await remove(DEMO_BACKUPS.available[1], { Prefer: 'code=400, example=backupRunning' });
    assert.equal(busy.status, 400);
    assert.equal(busy.body.error_code, 'CSBS.2003');
    assert.equal(busy.body.request_id, busy.headers.get('x-request-id'), 'the example carries this request\'s id');
    const failed = await list({ Prefer: 'code=500' });
    assert.deepEqual([failed.status, failed.body.error_code], [500, 'CSBS.9998']);
    const empty = await list({ Prefer: 'example=emptyPage' });
    assert.deepEqual([empty.status, empty.body.count], [200, 0]);
    // The forced answers changed nothing.
    assert.equal((await list()).body.count, 11);
    const unknown = await list({ Prefer: 'code=418' });
    assert.deepEqual([unknown.status, unknown.body.error_code], [400, 'CSBS.9001']);
    assert.match(unknown.body.error_msg, /no example for status 418/);
  });

  it('loads a given seed, refuses a bad one in the envelope, and keeps answering', async () => {
    const [first, second] = demoBackups();
    const seeded = await call(`${mock.url}/__mock/backups`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ backups: [first, second] }) });
    assert.deepEqual([seeded.status, seeded.body], [200, { backups: 2 }]);
    assert.equal((await list()).body.count, 2);
    const bad = await call(`${mock.url}/__mock/backups`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ backups: [{ id: 'x' }] }) });
    assert.deepEqual([bad.status, bad.body.error_code], [400, 'CSBS.9001']);
    assert.match(bad.body.error_msg, /is not a valid backup/);
    const notJson = await call(`${mock.url}/__mock/backups`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"backups": [' });
    assert.deepEqual([notJson.status, notJson.body.error_code], [400, 'CSBS.9001']);
    assert.equal((await list()).body.count, 2, 'a refused seed changes nothing');
    await reset();
  });

  it('delays an answer when asked (Prefer: delay=ms)', async () => {
    const started = performance.now();
    const answer = await list({ Prefer: 'delay=300' });
    assert.equal(answer.status, 200);
    assert.ok(performance.now() - started >= 290, 'answered after the delay');
  });

  it('lets pages on localhost call it (CORS), and no other origin', async () => {
    const local = await list({ Origin: 'http://localhost:5173' });
    assert.equal(local.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    const preflight = await call(`${mock.url}/v3/${DEMO_PROJECT}/backups`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Headers': 'prefer,x-auth-token' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Prefer/, 'a page may send Prefer');
    const other = await list({ Origin: 'https://example.com' });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('never exposes the mock endpoints as part of the API spec, and the API still checks tokens', async () => {
    assert.equal((await call(`${mock.url}/v3/${DEMO_PROJECT}/backups`)).status, 401);
    assert.equal((await call(`${mock.url}/__mock/reset`)).status, 404, 'GET is no mock endpoint');
  });
});
