// CORS over HTTP: off by default; a listed origin gets its preflight answered for the API's
// methods and headers and may read X-Request-Id; any other origin gets no CORS header at all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { DEMO_BACKUPS, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { backupUrl, call } from '../support/http.ts';
import { inEachAppMode, startTestServer, type TestServer } from '../support/test-server.ts';

const PAGE = 'http://localhost:5173';
const OTHER = 'http://localhost:6666';

function preflight(url: string, origin: string, method = 'DELETE', headers = 'x-auth-token') {
  return call(url, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers } });
}

const corsHeaders = (headers: Headers) => [...headers.keys()].filter((name) => name.startsWith('access-control-'));

inEachAppMode((mode) => {
  describe('CORS', () => {
    describe('off by default', () => {
      let server: TestServer;
      before(async () => {
        server = await startTestServer({ config: mode.config });
      });
      after(() => server.close());

      it('sends no CORS header, and a preflight is no API', async () => {
        const url = backupUrl(server.url, DEMO_BACKUPS.available[0]);
        const reply = await call(url, { headers: { Origin: PAGE, 'X-Auth-Token': DEMO_TOKENS.reader } });
        assert.equal(reply.status, 200);
        assert.deepEqual(corsHeaders(reply.headers), []);
        const refused = await preflight(url, PAGE);
        assert.equal(refused.status, 405);
        assert.deepEqual(corsHeaders(refused.headers), []);
      });
    });

    describe('with CORS_ORIGINS', () => {
      let server: TestServer;
      before(async () => {
        server = await startTestServer({ config: { ...mode.config, corsOrigins: [PAGE] } });
      });
      after(() => server.close());

      it('answers a listed origin\'s preflight for the API\'s methods and headers', async () => {
        const reply = await preflight(backupUrl(server.url, DEMO_BACKUPS.available[0]), PAGE, 'DELETE', 'x-auth-token,content-type,x-request-id');
        assert.equal(reply.status, 204);
        assert.equal(reply.headers.get('access-control-allow-origin'), PAGE);
        assert.deepEqual(reply.headers.get('access-control-allow-methods')?.split(',').sort(), ['DELETE', 'GET']);
        const allowed = reply.headers.get('access-control-allow-headers')?.toLowerCase().split(',') ?? [];
        for (const header of ['x-auth-token', 'authorization', 'x-sdk-date', 'x-project-id', 'content-type', 'x-request-id']) assert.ok(allowed.includes(header), header);
        assert.match(reply.headers.get('vary') ?? '', /Origin/);
      });

      it('lets a listed origin read the answer and its X-Request-Id', async () => {
        const reply = await call(backupUrl(server.url, DEMO_BACKUPS.available[0]), { headers: { Origin: PAGE, 'X-Auth-Token': DEMO_TOKENS.reader } });
        assert.equal(reply.status, 200);
        assert.equal(reply.headers.get('access-control-allow-origin'), PAGE);
        assert.equal(reply.headers.get('access-control-expose-headers'), 'X-Request-Id');
        assert.match(reply.headers.get('vary') ?? '', /Origin/);
        const error = await call(backupUrl(server.url, DEMO_BACKUPS.absent), { headers: { Origin: PAGE, 'X-Auth-Token': DEMO_TOKENS.reader } });
        assert.equal(error.status, 404);
        assert.equal(error.headers.get('access-control-allow-origin'), PAGE, 'errors are readable too');
      });

      it('gives another origin no CORS header at all', async () => {
        const url = backupUrl(server.url, DEMO_BACKUPS.available[0]);
        const reply = await call(url, { headers: { Origin: OTHER, 'X-Auth-Token': DEMO_TOKENS.reader } });
        assert.deepEqual(corsHeaders(reply.headers), []);
        const refused = await preflight(url, OTHER);
        assert.notEqual(refused.status, 204);
        assert.deepEqual(corsHeaders(refused.headers), []);
      });
    });
  });
});

describe('CORS_ORIGINS', () => {
  it('is a list of exact origins, or * outside production', () => {
    assert.equal(loadConfig({}).corsOrigins, undefined);
    assert.deepEqual(loadConfig({ CORS_ORIGINS: 'http://localhost:5173, https://console.example.com' }).corsOrigins, ['http://localhost:5173', 'https://console.example.com']);
    assert.equal(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins, '*');
  });

  it('refuses * in production, and anything that is not an origin', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', TOKENS_FILE: '/t.json', CORS_ORIGINS: '*' }), (e: unknown) => e instanceof ConfigError && /CORS_ORIGINS=\*/.test(e.message));
    for (const bad of ['localhost:5173', 'http://localhost:5173/', 'http://localhost:5173/app', 'ftp://x.example.com']) {
      assert.throws(() => loadConfig({ CORS_ORIGINS: bad }), (e: unknown) => e instanceof ConfigError && e.message.startsWith('CORS_ORIGINS'), bad);
    }
  });
});
