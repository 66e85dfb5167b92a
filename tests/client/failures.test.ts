// How the client reports what is not a contract answer: network failures and answers the
// contract does not allow each have their own error class, never a misleading ApiError.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ApiError, createBackupClient, NetworkError, UnexpectedResponseError } from '../../client/index.ts';
import { freePort } from '../support/processes.ts';
import { answerError, answerRaw, dropConnection, type Script, type ScriptedServer, startScriptedServer } from './support/scripted-server.ts';
import { demoBackups } from '../support/test-server.ts';

const PROJECT = '0605767d1e6f4c4a9c8ff3a0a6f27a21';
const BACKUP = '3f6c1e2a-7d4b-4c1e-9a5f-000000000001';

const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function clientOf(script: Script) {
  const server = await startScriptedServer(script);
  servers.push(server);
  return { server, client: createBackupClient({ baseUrl: server.url, token: 'secret-token' }) };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => assert.fail(`expected a failure, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

async function unexpected(promise: Promise<unknown>, reason: RegExp): Promise<UnexpectedResponseError> {
  const error = await failureOf(promise);
  assert.ok(error instanceof UnexpectedResponseError, `expected an UnexpectedResponseError, got ${String(error)}`);
  assert.ok(!(error instanceof ApiError));
  assert.match(error.message, reason);
  return error;
}

describe('answers the contract does not allow', () => {
  test('a success body that is not JSON', async () => {
    const { client } = await clientOf((_n, _q, response) => answerRaw(response, 200, '<html>proxy login</html>', 'text/html'));
    const error = await unexpected(client.showBackup(PROJECT, BACKUP), /the body is not JSON/);
    assert.equal(error.status, 200);
    assert.match(error.bodyExcerpt, /proxy login/);
  });

  test('a show body without the backup\'s required fields', async () => {
    const { client } = await clientOf((_n, _q, response) => answerRaw(response, 200, JSON.stringify({ backup: { id: BACKUP } })));
    await unexpected(client.showBackup(PROJECT, BACKUP), /backup field name is missing/);
  });

  test('a list body without count, or with a backup in an unknown status', async () => {
    const backup = demoBackups()[0];
    const { client } = await clientOf((attempt, _q, response) =>
      attempt === 1
        ? answerRaw(response, 200, JSON.stringify({ backups: [] }))
        : answerRaw(response, 200, JSON.stringify({ backups: [{ ...backup, status: 'vanished' }], count: 1 })),
    );
    await unexpected(client.listBackups(PROJECT), /count is not a non-negative integer/);
    await unexpected(client.listBackups(PROJECT), /status "vanished" is not one of the contract's/);
  });

  test('a success status other than the declared one', async () => {
    const { client } = await clientOf((_n, _q, response) => answerRaw(response, 200, '{}'));
    const error = await unexpected(client.deleteBackup(PROJECT, BACKUP), /declares 204 for success, not 200/);
    assert.equal(error.status, 200);
  });

  test('a status the operation does not declare, even with a contract-shaped body', async () => {
    const { client } = await clientOf((_n, _q, response) => answerError(response, 418, 'CSBS.3001'));
    const error = await unexpected(client.deleteBackup(PROJECT, BACKUP), /declares no HTTP 418 for deleteBackup/);
    assert.equal(error.status, 418);
    assert.match(error.requestId ?? '', /^scripted-/);
  });

  test('an error body that is not JSON', async () => {
    const { client } = await clientOf((_n, _q, response) => answerRaw(response, 400, '<h1>Bad Request</h1>', 'text/html'));
    const error = await unexpected(client.deleteBackup(PROJECT, BACKUP), /not the contract's JSON error object/);
    assert.equal(error.bodyExcerpt, '<h1>Bad Request</h1>');
  });

  test('an error code the contract does not have', async () => {
    const { client } = await clientOf((_n, _q, response) => answerError(response, 400, 'CSBS.0000'));
    await unexpected(client.deleteBackup(PROJECT, BACKUP), /"CSBS.0000" is not one of the contract's codes/);
  });

  test('a contract code with a status it is not declared for', async () => {
    const { client } = await clientOf((_n, _q, response) => answerError(response, 400, 'APIGW.0301'));
    await unexpected(client.deleteBackup(PROJECT, BACKUP), /APIGW.0301 is not declared for HTTP 400/);
  });

  test('an error body without request_id, or with error_code as a number', async () => {
    const { client } = await clientOf((attempt, _q, response) =>
      attempt === 1
        ? answerRaw(response, 400, JSON.stringify({ error_code: 'CSBS.3001', error_msg: 'gone' }))
        : answerRaw(response, 400, JSON.stringify({ error_code: 6201, error_msg: 'image', request_id: 'r1' })),
    );
    await unexpected(client.deleteBackup(PROJECT, BACKUP), /request_id is missing/);
    await unexpected(client.deleteBackup(PROJECT, BACKUP), /error_code 6201 is not one of the contract's codes/);
  });

  test('the routing error of the spec (404 APIGW.0101) is an ApiError on any operation', async () => {
    const { client } = await clientOf((_n, _q, response) => answerError(response, 404, 'APIGW.0101', 'The API does not exist'));
    const error = await failureOf(client.deleteBackup(PROJECT, BACKUP));
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 404);
    assert.equal(error.errorCode, 'APIGW.0101');
  });

  test('a pager that never moves on is stopped', async () => {
    const page = { backups: demoBackups().slice(0, 2), count: 10 };
    const { client, server } = await clientOf((_n, _q, response) => answerRaw(response, 200, JSON.stringify(page)));
    const seen: string[] = [];
    const error = await failureOf(
      (async () => {
        for await (const backup of client.iterateBackups(PROJECT, { limit: 2 })) seen.push(backup.id);
      })(),
    );
    assert.ok(error instanceof UnexpectedResponseError);
    assert.match(error.message, /ends with the marker itself/);
    assert.equal(server.received.length, 2);
    assert.match(server.received[1]?.url ?? '', new RegExp(`marker=${page.backups[1]?.id}`));
  });
});

describe('network failures', () => {
  test('a refused connection: the request was never sent', async () => {
    const client = createBackupClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, token: 't' });
    const error = await failureOf(client.deleteBackup(PROJECT, BACKUP));
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.requestMayHaveBeenSent, false);
    assert.equal(error.operation, 'deleteBackup');
    assert.match(error.message, /ECONNREFUSED/);
  });

  test('a connection dropped after the request arrived: it may have been acted on', async () => {
    const { client } = await clientOf((_n, request) => dropConnection(request));
    const error = await failureOf(client.deleteBackup(PROJECT, BACKUP));
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.requestMayHaveBeenSent, true);
  });

  test('an answer that breaks off in its body is a network failure, not a JSON error', async () => {
    const { client } = await clientOf((_n, request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '5000' });
      response.write('{"backups":[');
      setTimeout(() => request.socket.destroy(), 20);
    });
    const error = await failureOf(client.listBackups(PROJECT));
    assert.ok(error instanceof NetworkError, String(error));
    assert.match(error.message, /the answer broke off/);
    assert.equal(error.requestMayHaveBeenSent, true);
  });
});

describe('tokens and arguments', () => {
  test('getToken is asked before every call, and its token is sent as X-Auth-Token', async () => {
    const { server } = await clientOf((_n, _q, response) => answerError(response, 400, 'CSBS.3001'));
    let calls = 0;
    const client = createBackupClient({ baseUrl: server.url, getToken: async () => `token-${++calls}` });
    await failureOf(client.deleteBackup(PROJECT, BACKUP));
    await failureOf(client.deleteBackup(PROJECT, BACKUP));
    assert.deepEqual(server.received.map((request) => request.token), ['token-1', 'token-2']);
  });

  test('path parameters that would change the URL\'s path are refused before sending', async () => {
    const { client, server } = await clientOf((_n, _q, response) => answerError(response, 400, 'CSBS.3001'));
    await assert.rejects(client.deleteBackup(PROJECT, '..'), TypeError);
    await assert.rejects(client.showBackup('', BACKUP), TypeError);
    assert.equal(server.received.length, 0);
  });

  test('path parameters are encoded into one segment', async () => {
    const { client, server } = await clientOf((_n, _q, response) => answerError(response, 400, 'CSBS.9001'));
    await failureOf(client.deleteBackup(PROJECT, 'a/b?c'));
    assert.equal(server.received[0]?.url, `/v3/${PROJECT}/backups/a%2Fb%3Fc`);
  });

  test('a client needs exactly one of token, getToken or credentials', () => {
    const baseUrl = 'http://127.0.0.1:1';
    const credentials = { accessKey: 'DEMOMEMBERAK0000000001', secretKey: 'demo-member-secret-key-0000000001' };
    assert.throws(() => createBackupClient({ baseUrl } as never), /needs exactly one of token, getToken or credentials \(got none\)/);
    assert.throws(() => createBackupClient({ baseUrl, token: 't', credentials } as never), /\(got token and credentials\)/);
    assert.throws(() => createBackupClient({ baseUrl, getToken: () => 't', credentials } as never), /\(got getToken and credentials\)/);
    assert.throws(() => createBackupClient({ baseUrl, token: 42 } as never), /token must be a string/);
    assert.throws(() => createBackupClient({ baseUrl, credentials: { ...credentials, secretKey: '' } }), /credentials\.secretKey must be a non-empty string/);
    assert.throws(() => createBackupClient({ baseUrl, credentials: { ...credentials, accessKey: 'AK, Signature=0' } }), /credentials\.accessKey must be/);
  });
});
