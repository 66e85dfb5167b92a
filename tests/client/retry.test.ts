// Retries against a loopback server that fails the first attempts: transient failures (5xx,
// dropped connections) are retried with exponential backoff up to the bound, a 4xx never is,
// and a DELETE that finds the backup gone after an attempt that may have been applied says so.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ApiError, createBackupClient, NetworkError, type RetryEvent, UnexpectedResponseError } from '../../client/index.ts';
import { freePort } from '../support/processes.ts';
import {
  answerError,
  answerNoContent,
  answerRaw,
  dropConnection,
  type Script,
  type ScriptedServer,
  startScriptedServer,
} from './support/scripted-server.ts';

const PROJECT = '0605767d1e6f4c4a9c8ff3a0a6f27a21';
const BACKUP = '3f6c1e2a-7d4b-4c1e-9a5f-000000000001';

const servers: ScriptedServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function scripted(script: Script, port?: number): Promise<ScriptedServer> {
  const server = await startScriptedServer(script, port);
  servers.push(server);
  return server;
}

/** A client with small, jitter-free delays, recording every retry it announces. */
function retryingClient(baseUrl: string, retries: number, maxDelayMs = 1000) {
  const retriesSeen: RetryEvent[] = [];
  const client = createBackupClient({
    baseUrl,
    token: 'secret-token',
    retry: { retries, initialDelayMs: 5, factor: 2, maxDelayMs, jitter: false, onRetry: (event) => retriesSeen.push(event) },
  });
  return { client, retriesSeen };
}

describe('retries of transient failures', () => {
  test('5xx answers and dropped connections are retried with exponential backoff until one succeeds', async () => {
    const server = await scripted((attempt, request, response) => {
      if (attempt === 1) return answerError(response, 500, 'CSBS.9998');
      if (attempt === 2) return dropConnection(request);
      if (attempt === 3) return answerRaw(response, 503, '<html>busy</html>', 'text/html');
      return answerNoContent(response);
    });
    const { client, retriesSeen } = retryingClient(server.url, 5);

    const result = await client.deleteBackup(PROJECT, BACKUP);

    assert.deepEqual(result, { outcome: 'deleted', requestId: 'scripted-deleted', attempts: 4 });
    assert.equal(server.received.length, 4);
    assert.deepEqual(retriesSeen.map((retry) => retry.delayMs), [5, 10, 20]);
    assert.deepEqual(retriesSeen.map((retry) => retry.attempt), [1, 2, 3]);
    assert.ok(retriesSeen[0]?.error instanceof ApiError);
    assert.ok(retriesSeen[1]?.error instanceof NetworkError);
    assert.ok(retriesSeen[2]?.error instanceof UnexpectedResponseError);
    // The token goes with every attempt, without the caller passing it per call.
    assert.deepEqual(new Set(server.received.map((request) => request.token)), new Set(['secret-token']));
  });

  test('retries stop at the bound and the last failure is thrown with the attempt count', async () => {
    const server = await scripted((_attempt, _request, response) => answerError(response, 500, 'CSBS.9998'));
    const { client, retriesSeen } = retryingClient(server.url, 3, 12);

    const error = await client.showBackup(PROJECT, BACKUP).catch((caught: unknown) => caught);

    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.errorCode, 'CSBS.9998');
    assert.equal(error.attempts, 4);
    assert.equal(server.received.length, 4);
    // 5, 10, then 20 capped by maxDelayMs.
    assert.deepEqual(retriesSeen.map((retry) => retry.delayMs), [5, 10, 12]);
  });

  test('a 4xx answer is never retried', async () => {
    const server = await scripted((_attempt, _request, response) => answerError(response, 400, 'CSBS.2003'));
    const { client, retriesSeen } = retryingClient(server.url, 3);

    const error = await client.deleteBackup(PROJECT, BACKUP).catch((caught: unknown) => caught);

    assert.ok(error instanceof ApiError);
    assert.equal(error.errorCode, 'CSBS.2003');
    assert.equal(error.attempts, 1);
    assert.equal(server.received.length, 1);
    assert.equal(retriesSeen.length, 0);
  });

  test('a 4xx after a retried 5xx stops the retries', async () => {
    const server = await scripted((attempt, _request, response) =>
      attempt === 1 ? answerError(response, 500, 'CSBS.9998') : answerError(response, 401, 'APIGW.0301'),
    );
    const { client } = retryingClient(server.url, 5);

    const error = await client.listBackups(PROJECT).catch((caught: unknown) => caught);

    assert.ok(error instanceof ApiError);
    assert.equal(error.errorCode, 'APIGW.0301');
    assert.equal(error.attempts, 2);
    assert.equal(server.received.length, 2);
  });

  test('retries are off by default: one attempt, and its failure', async () => {
    const server = await scripted((attempt, _request, response) =>
      attempt === 1 ? answerError(response, 500, 'CSBS.9998') : answerNoContent(response),
    );
    const client = createBackupClient({ baseUrl: server.url, token: 'secret-token' });

    const error = await client.deleteBackup(PROJECT, BACKUP).catch((caught: unknown) => caught);

    assert.ok(error instanceof ApiError);
    assert.equal(error.errorCode, 'CSBS.9998');
    assert.equal(server.received.length, 1);
  });

  test('an attempt with no complete answer in time is a network failure, and is retried', async () => {
    const server = await scripted((attempt, _request, response) => {
      if (attempt === 1) return; // never answers; the client's timeout ends the attempt
      answerNoContent(response);
    });
    const retriesSeen: RetryEvent[] = [];
    const client = createBackupClient({
      baseUrl: server.url,
      token: 'secret-token',
      // Long enough for the second attempt's answer on a loaded machine.
      timeoutMs: 1500,
      retry: { retries: 1, initialDelayMs: 1, jitter: false, onRetry: (event) => retriesSeen.push(event) },
    });

    const result = await client.deleteBackup(PROJECT, BACKUP);

    assert.equal(result.outcome, 'deleted');
    assert.equal(retriesSeen.length, 1);
    const first = retriesSeen[0]?.error;
    assert.ok(first instanceof NetworkError);
    assert.match(first.message, /no answer within 1500 ms/);
    assert.equal(first.requestMayHaveBeenSent, true);
  });

  test('bad retry options are refused when the client is made', () => {
    assert.throws(() => createBackupClient({ baseUrl: 'http://127.0.0.1:1', token: 't', retry: { retries: 11 } }), RangeError);
    assert.throws(() => createBackupClient({ baseUrl: 'http://127.0.0.1:1', token: 't', retry: { retries: 1, factor: 0.5 } }), RangeError);
  });
});

describe('a retried DELETE that finds the backup gone', () => {
  test('after a dropped connection, CSBS.3001 is reported as gone-after-retry, not as an error', async () => {
    const server = await scripted((attempt, request, response) =>
      attempt === 1 ? dropConnection(request) : answerError(response, 400, 'CSBS.3001', `Backup ${BACKUP} does not exist`),
    );
    const { client } = retryingClient(server.url, 2);

    const result = await client.deleteBackup(PROJECT, BACKUP);

    assert.equal(result.outcome, 'gone-after-retry');
    assert.equal(result.attempts, 2);
    assert.ok(result.outcome === 'gone-after-retry' && result.notFound instanceof ApiError);
    assert.equal(result.notFound.errorCode, 'CSBS.3001');
    assert.equal(result.requestId, result.notFound.requestId);
  });

  test('after a 5xx answer, CSBS.3001 is reported as gone-after-retry', async () => {
    const server = await scripted((attempt, _request, response) =>
      attempt === 1 ? answerRaw(response, 502, 'Bad Gateway', 'text/plain') : answerError(response, 400, 'CSBS.3001'),
    );
    const { client } = retryingClient(server.url, 2);

    const result = await client.deleteBackup(PROJECT, BACKUP);

    assert.equal(result.outcome, 'gone-after-retry');
  });

  test('CSBS.3001 on the first attempt is a plain "does not exist" error', async () => {
    const server = await scripted((_attempt, _request, response) => answerError(response, 400, 'CSBS.3001'));
    const { client } = retryingClient(server.url, 2);

    const error = await client.deleteBackup(PROJECT, BACKUP).catch((caught: unknown) => caught);

    assert.ok(error instanceof ApiError);
    assert.equal(error.errorCode, 'CSBS.3001');
    assert.equal(error.attempts, 1);
  });

  test('after a refused connection (never sent), CSBS.3001 is a plain "does not exist" error', async () => {
    // Nothing listens on the port for the first attempt; the server starts during the wait.
    const port = await freePort();
    let started: Promise<ScriptedServer> | undefined;
    const client = createBackupClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: 'secret-token',
      retry: {
        retries: 1,
        initialDelayMs: 300,
        jitter: false,
        onRetry: () => {
          started = scripted((_attempt, _request, response) => answerError(response, 400, 'CSBS.3001'), port);
        },
      },
    });

    const error = await client.deleteBackup(PROJECT, BACKUP).catch((caught: unknown) => caught);

    const server = await started;
    assert.ok(server !== undefined, 'the first attempt should have failed and been retried');
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(server.received.length, 1);
    assert.equal(error.errorCode, 'CSBS.3001');
    assert.equal(error.attempts, 2);
  });
});
