// What a hostile or careless caller can send, and what it gets: every answer in the envelope
// and within the spec's limits, nothing read that the service refused, no request that
// holds others up. In both configurations the service runs in.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { backupUrl, call, parseRawAnswer, rawRequest } from '../support/http.ts';
import { type TestServer, inEachAppMode, startTestServer } from '../support/test-server.ts';

const LIST = `/v3/${DEMO_PROJECT}/backups`;
const ERROR_MSG_LIMIT = 2048;

function assertEnvelope(answer: ReturnType<typeof parseRawAnswer>, status: number): void {
  assert.equal(answer.status, status);
  assert.deepEqual(Object.keys(answer.body ?? {}).sort(), ['error_code', 'error_msg', 'request_id']);
  assert.equal(answer.body.error_code, 'CSBS.9001');
  assert.ok(answer.body.error_msg.length <= ERROR_MSG_LIMIT, `error_msg is ${answer.body.error_msg.length} characters`);
  assert.equal(answer.headers.get('x-request-id'), answer.body.request_id);
}

/** Resolves when the socket has closed, whatever error came first (EPIPE, ECONNRESET: the server closed it). */
function closedOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

function opened(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  return once(socket, 'connect').then(() => socket);
}

inEachAppMode((mode) => {
  describe('hardening', () => {
    let server: TestServer;
    let logged = '';
    before(async () => {
      const logger = pino({ level: 'info' }, { write: (line: string) => void (logged += line) });
      server = await startTestServer({ logger, config: mode.config, http: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 } });
    });
    after(() => server.close());

    it('takes integer parameters in decimal digits only: Infinity, 1e400, 0x10, 1e3, 0b11 and a space are 400 CSBS.9001', async () => {
      const refused = ['offset=Infinity', 'offset=-Infinity', 'offset=1e400', 'limit=0x10', 'limit=1e3', 'limit=0b11', 'offset=%20', 'offset=', 'limit=+5', 'offset=99999999999999999999'];
      for (const query of refused) {
        const reply = await call(`${server.url}${LIST}?${query}`, { headers: { 'X-Auth-Token': DEMO_TOKENS.reader } });
        assert.equal(reply.status, 400, `${query}: ${reply.text}`);
        assert.equal(reply.body.error_code, 'CSBS.9001', query);
      }
      const accepted = await call(`${server.url}${LIST}?limit=2&offset=1`, { headers: { 'X-Auth-Token': DEMO_TOKENS.reader } });
      assert.equal(accepted.status, 200);
      assert.equal(accepted.body.backups.length, 2);
    });

    it('matches path parameters as sent: a percent-escaped project id is no project id', async () => {
      // The demo project id starts with 0, which is %30 escaped.
      assert.equal(DEMO_PROJECT[0], '0');
      const escaped = `/v3/%30${DEMO_PROJECT.slice(1)}/backups`;
      const reply = await call(`${server.url}${escaped}`, { headers: { 'X-Auth-Token': DEMO_TOKENS.reader } });
      assert.equal(reply.status, 400, reply.text);
      assert.equal(reply.body.error_code, 'CSBS.9001');
      const backup = await call(backupUrl(server.url, DEMO_BACKUPS.available[0]).replace(/backups\/(.)/, (_m, c: string) => `backups/%${c.charCodeAt(0).toString(16)}`), {
        headers: { 'X-Auth-Token': DEMO_TOKENS.reader },
      });
      assert.equal(backup.status, 400, backup.text);
    });

    it('keeps error_msg within the spec for a malformed percent-escape in a long path', async () => {
      const answer = parseRawAnswer(await rawRequest(server.url, `GET /v3/%zz${'a'.repeat(15_000)}/backups HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      assert.ok(answer.status === 400 || answer.status === 404, String(answer.status));
      assert.ok(answer.body.error_msg.length <= 300, answer.body.error_msg);
    });

    it('answers an HTTP/1.1 request without Host in the envelope (400)', async () => {
      assertEnvelope(parseRawAnswer(await rawRequest(server.url, `GET ${LIST} HTTP/1.1\r\nConnection: close\r\n\r\n`)), 400);
    });

    it('answers an expectation it cannot meet in the envelope (417)', async () => {
      const answer = parseRawAnswer(await rawRequest(server.url, `GET ${LIST} HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: close\r\n\r\n`));
      assertEnvelope(answer, 417);
    });

    it('answers Expect: 100-continue on an operation without a body with the 400, never 100 Continue', async () => {
      const raw = await rawRequest(
        server.url,
        `DELETE ${LIST}/${DEMO_BACKUPS.available[0]} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${DEMO_TOKENS.member}\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n`,
      );
      assert.doesNotMatch(raw, /100 Continue/);
      const answer = parseRawAnswer(raw);
      assertEnvelope(answer, 400);
      assert.equal(answer.headers.get('connection'), 'close');
    });

    it('closes the connection after refusing a body, instead of reading it to the end', async () => {
      const socket = await opened(server.url);
      const closed = closedOf(socket);
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.write(`DELETE ${LIST}/${DEMO_BACKUPS.available[0]} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${DEMO_TOKENS.member}\r\nContent-Length: ${3 * 1024 ** 3}\r\n\r\n`);
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      // Up to 256 MiB of the announced 3 GiB, for as long as the server keeps the connection open.
      while (!socket.destroyed && sent < 256 * chunk.length) {
        if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
        sent += chunk.length;
      }
      await closed;
      assert.ok(sent < 256 * chunk.length, `the server read ${sent / chunk.length} MiB of a refused body`);
      assertEnvelope(parseRawAnswer(answer), 400);
    });

    it('answers a caller too slow to send its headers 408 in the envelope', async () => {
      const socket = await opened(server.url);
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      const closed = closedOf(socket);
      socket.write(`GET ${LIST} HTTP/1.1\r\nHost: x\r\n`);
      await closed;
      assertEnvelope(parseRawAnswer(answer), 408);
    });

    it('refuses smuggling attempts in the envelope and answers no second request', async () => {
      const smuggled = `GET ${LIST} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${DEMO_TOKENS.member}\r\n\r\n`;
      const attempts = {
        'Content-Length with Transfer-Encoding': `DELETE ${LIST}/x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
        'two Content-Lengths': `DELETE ${LIST}/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
        'obs-fold': `GET ${LIST} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: a\r\n  ${DEMO_TOKENS.member}\r\n\r\n${smuggled}`,
        'bare LF': `GET ${LIST} HTTP/1.1\nHost: x\nContent-Length: 0\n\n${smuggled}`,
      };
      for (const [name, bytes] of Object.entries(attempts)) {
        const raw = await rawRequest(server.url, bytes);
        assert.equal(raw.match(/HTTP\/1\.1 \d{3}/g)?.length, 1, `${name}: one answer only, got ${raw}`);
        const answer = parseRawAnswer(raw);
        assert.equal(answer.status, 400, `${name}: ${raw}`);
        assert.equal(answer.body.error_code, 'CSBS.9001', name);
        assert.ok(answer.headers.get('x-request-id'), name);
      }
    });

    it('answers others while 500 slow connections are still sending their headers', async () => {
      const slow = await Promise.all(Array.from({ length: 500 }, () => opened(server.url)));
      for (const socket of slow) socket.write(`GET ${LIST} HTTP/1.1\r\nHost: x\r\n`);
      try {
        for (let i = 0; i < 20; i += 1) {
          const reply = await call(`${server.url}${LIST}?limit=1`, { headers: { 'X-Auth-Token': DEMO_TOKENS.reader }, signal: AbortSignal.timeout(5_000) });
          assert.equal(reply.status, 200);
        }
      } finally {
        for (const socket of slow) socket.destroy();
      }
    });

    it('never logs query values, where a token may have been put', async () => {
      await call(`${server.url}${LIST}?X-Auth-Token=query-token-secret-1&limit=2`, { headers: { 'X-Auth-Token': DEMO_TOKENS.reader } });
      await call(`${server.url}${LIST}?${'s'.repeat(100)}`);
      assert.doesNotMatch(logged, /query-token-secret-1|s{100}/);
      assert.match(logged, /X-Auth-Token=…&limit=…/);
    });
  });

  describe('connection limit', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: mode.config, http: { maxConnections: 3 } });
    });
    after(() => server.close());

    it('closes connections beyond MAX_CONNECTIONS as they come, and serves again once others close', async () => {
      const held = await Promise.all([opened(server.url), opened(server.url), opened(server.url)]);
      const extra = await opened(server.url);
      await closedOf(extra);
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal((await call(`${server.url}/healthz`)).status, 200);
    });
  });
});
