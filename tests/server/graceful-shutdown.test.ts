// Graceful stop: a request in flight when the stop begins still gets its answer, new
// connections are refused, and the store is closed only after the last response.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { TokensFileVerifier, DEMO_TOKENS_FILE } from '../../server/auth/tokens-file.ts';
import type { TokenVerifier } from '../../server/auth/verifier.ts';
import { DEMO_BACKUPS, DEMO_PROJECT } from '../../server/demo/demo.ts';
import { stopGracefully } from '../../server/http/graceful-shutdown.ts';
import { deleteBackup } from '../support/http.ts';
import { startTestServer } from '../support/test-server.ts';

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses new ones, then closes the store', async () => {
    const tokens = TokensFileVerifier.fromFile(DEMO_TOKENS_FILE);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    // The verifier holds the first request until the stop has begun.
    const slow: TokenVerifier = {
      async verify(token) {
        entered();
        await gate;
        return tokens.verify(token);
      },
    };
    const server = await startTestServer({ verifier: slow });
    const events: string[] = [];
    const inFlight = deleteBackup(server.url, DEMO_BACKUPS.available[0]).then((reply) => {
      events.push('answered');
      return reply;
    });
    await inside;
    const stopped = stopGracefully(
      server.server,
      async () => {
        events.push('store closed');
        await server.store.close();
      },
      10_000,
    );
    await assert.rejects(fetch(`${server.url}/healthz`), 'new connections are refused once stopping');
    release();
    const reply = await inFlight;
    await stopped;
    assert.equal(reply.status, 204);
    assert.deepEqual(events, ['answered', 'store closed']);
    await assert.rejects(server.store.getBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1]), 'the store is closed');
    await server.close();
  });

  it('closes the connections still open at the deadline: a caller still sending its headers does not hold it up', async () => {
    const server = await startTestServer();
    const { port } = new URL(server.url);
    const slow = connect(Number(port), '127.0.0.1');
    await once(slow, 'connect');
    // Headers begun, never finished: the server waits for them until its headers timeout (10 s).
    slow.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    const closedByServer = once(slow, 'close');
    slow.on('error', () => {});
    let storeClosed = false;
    await stopGracefully(server.server, async () => {
      storeClosed = true;
      await server.store.close();
    }, 200);
    await closedByServer;
    assert.ok(storeClosed, 'the store is closed after the deadline');
    await server.close();
  });
});
