// Property-based bad input (fast-check): random methods, path segments, encodings, header
// values and bodies never produce a 5xx, every error is in the envelope, and the store is
// exactly as it was afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { call } from '../support/http.ts';
import { type TestServer, inEachAppMode, startTestServer } from '../support/test-server.ts';

const SEED = Number(process.env.FC_SEED ?? 20261129);

// Known fragments make random requests land near real routes; none of the ids is
// deletable, so no request may change the store.
const knownSegment = fc.constantFrom('v3', 'backups', DEMO_PROJECT, DEMO_OTHER_PROJECT, DEMO_BACKUPS.busy.protecting, DEMO_BACKUPS.registeredAsImage, DEMO_BACKUPS.absent, DEMO_BACKUPS.otherProject, '', '..', '.');
const encodedSegment = fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent);
const rawSegment = fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => s.replace(/[?#/\\]/g, ''));
const segment = fc.oneof({ weight: 3, arbitrary: knownSegment }, { weight: 1, arbitrary: encodedSegment }, { weight: 1, arbitrary: rawSegment });
const path = fc.oneof(
  fc.tuple(segment, segment).map(([project, id]) => `/v3/${project}/backups/${id}`),
  segment.map((project) => `/v3/${project}/backups`),
  fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
);
const query = fc.option(fc.dictionary(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }), fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), { maxKeys: 3 }), { nil: undefined });
const headerValue = fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => s.trim());
const token = fc.option(fc.oneof(fc.constantFrom(...Object.values(DEMO_TOKENS)), headerValue), { nil: undefined });
const method = fc.constantFrom('GET', 'DELETE', 'PUT', 'POST', 'PATCH', 'OPTIONS', 'HEAD');
const body = fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 200 })), { nil: undefined });
const extraHeaders = fc.dictionary(fc.constantFrom('X-Request-Id', 'Content-Type', 'Accept', 'X-Auth-Token-2', 'Content-Encoding'), headerValue, { maxKeys: 3 });

inEachAppMode((mode) => {
  describe('bad input (property-based)', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: mode.config });
    });
    after(() => server.close());

    it(`never answers 5xx, always answers errors in the envelope, never changes the store (seed ${SEED})`, async () => {
      const snapshot = async () => ({
        project: await server.store.listBackups(DEMO_PROJECT, {}),
        other: await server.store.listBackups(DEMO_OTHER_PROJECT, {}),
        audit: await server.store.auditTrail(),
      });
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(method, path, query, token, body, extraHeaders, async (m, p, q, t, b, h) => {
          const search = q === undefined ? '' : `?${new URLSearchParams(q).toString()}`;
          const headers: Record<string, string> = { ...h, ...(t === undefined ? {} : { 'X-Auth-Token': t }) };
          const sendsBody = b !== undefined && m !== 'GET' && m !== 'HEAD';
          const reply = await call(`${server.url}${p}${search}`, { method: m, headers, body: sendsBody ? String(b) : undefined });
          assert.ok(reply.status < 500, `${m} ${p}${search} -> ${reply.status} ${reply.text}`);
          assert.ok(reply.headers.get('x-request-id'), 'X-Request-Id on every response');
          if (reply.status >= 400 && m !== 'HEAD') {
            assert.deepEqual(Object.keys(reply.body ?? {}).sort(), ['error_code', 'error_msg', 'request_id'], `${m} ${p}: ${reply.text}`);
            assert.equal(reply.body.request_id, reply.headers.get('x-request-id'));
          }
        }),
        { seed: SEED, numRuns: 400 },
      );
      assert.deepEqual(await snapshot(), before, 'the store is unchanged');
    });
  });
});
