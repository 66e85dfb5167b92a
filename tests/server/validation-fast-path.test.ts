// The validation fast path (path-parameter-only requests checked by validators compiled at
// start-up) must answer exactly as express-openapi-validator alone does: the same status,
// the same error body and the same route for every request, valid or not.
import assert from 'node:assert/strict';
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import fc from 'fast-check';
import { pino } from 'pino';
import { loadSpec } from '../../server/contract/spec.ts';
import { DEMO_BACKUPS, DEMO_PROJECT } from '../../server/demo/demo.ts';
import '../../server/http/locals.ts';
import { errorHandler } from '../../server/http/error-handler.ts';
import { rejectRequestBodies } from '../../server/http/reject-body.ts';
import { requestId } from '../../server/http/request-id.ts';
import { contractValidator } from '../../server/http/validation.ts';

const SEED = Number(process.env.FC_SEED ?? 20261129);

/** The validator between the app's own first and last middleware, and a handler that shows what it saw. */
async function startApp(pathOnlyFastPath: boolean): Promise<{ server: Server; port: number }> {
  const app = express();
  app.set('query parser', 'simple');
  app.use(requestId());
  app.use(rejectRequestBodies());
  app.use(contractValidator(loadSpec(), { validateResponses: false, pathOnlyFastPath }));
  app.use((req, res) => {
    const { openapi } = req as express.Request & { openapi?: { openApiRoute: string; pathParams: unknown } };
    res.json({ route: openapi?.openApiRoute ?? null, params: openapi?.pathParams ?? null, method: req.method });
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A request sent with its path exactly as given (fetch would normalise it). */
function rawCall(port: number, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; allow?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { 'X-Request-Id': 'same-id', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, allow: res.headers.allow }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('validation fast path', () => {
  let fast: { server: Server; port: number };
  let library: { server: Server; port: number };
  before(async () => {
    [fast, library] = await Promise.all([startApp(true), startApp(false)]);
  });
  after(() => {
    fast.server.close();
    library.server.close();
  });

  const same = async (method: string, path: string, headers: Record<string, string> = {}) => {
    const [a, b] = await Promise.all([rawCall(fast.port, method, path, headers), rawCall(library.port, method, path, headers)]);
    assert.deepEqual(a, b, `${method} ${path} ${JSON.stringify(headers)}`);
    return a;
  };

  it('answers well-formed requests as the library does, with the route for the metrics', async () => {
    const reply = await same('DELETE', `/v3/${DEMO_PROJECT}/backups/${DEMO_BACKUPS.absent}`);
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), {
      route: '/v3/{project_id}/backups/{backup_id}',
      params: { project_id: DEMO_PROJECT, backup_id: DEMO_BACKUPS.absent },
      method: 'DELETE',
    });
    assert.equal((await same('GET', `/v3/${DEMO_PROJECT}/backups/${DEMO_BACKUPS.absent}`)).status, 200);
    assert.equal((await same('GET', `/v3/${DEMO_PROJECT}/backups`)).status, 200);
  });

  it('leaves every other request to the library: same status, same body', async () => {
    const id = DEMO_BACKUPS.absent;
    const cases: [string, string, Record<string, string>?][] = [
      ['DELETE', `/v3/${DEMO_PROJECT}/backups/${id.toUpperCase()}`],
      ['DELETE', `/v3/${DEMO_PROJECT.toUpperCase()}/backups/${id}`],
      ['DELETE', `/V3/${DEMO_PROJECT}/backups/${id}`],
      ['DELETE', `/v3/${DEMO_PROJECT}/backups/${id}/`],
      ['DELETE', `/v3/${DEMO_PROJECT}/backups/${id}?force=true`],
      ['DELETE', `/v3/${DEMO_PROJECT}/backups/${id}?`],
      ['DELETE', `/v3/${DEMO_PROJECT}/backups/${encodeURIComponent(id).replace('-', '%2D')}`],
      ['DELETE', `/v3/${DEMO_PROJECT}/backups/%E0%A4%A`],
      ['DELETE', `/v3/${DEMO_PROJECT}/backups/${id}%2F`],
      ['DELETE', `/v3/${DEMO_PROJECT}/backups/${id}`, { 'Content-Type': 'application/json' }],
      ['DELETE', `/v3/${DEMO_PROJECT}/backups`],
      ['PUT', `/v3/${DEMO_PROJECT}/backups/${id}`],
      ['PATCH', `/v3/${DEMO_PROJECT}/backups/${id}`],
      ['HEAD', `/v3/${DEMO_PROJECT}/backups/${id}`],
      ['GET', `/v3/${DEMO_PROJECT}/backups?limit=5`],
      ['GET', `/v3/${DEMO_PROJECT}/backups?limit=x`],
      ['GET', `/v3/${DEMO_PROJECT}/backups/`],
      ['GET', '/v3//backups'],
      ['GET', '/v3/backups'],
      ['GET', '/nowhere'],
      ['DELETE', `//v3/${DEMO_PROJECT}/backups/${id}`],
    ];
    for (const [method, path, headers] of cases) await same(method, path, headers);
  });

  it(`agrees with the library on random paths and methods (seed ${SEED})`, async () => {
    const segment = fc.oneof(
      fc.constantFrom('v3', 'V3', 'backups', DEMO_PROJECT, DEMO_BACKUPS.absent, DEMO_BACKUPS.absent.toUpperCase(), '', '.', '..', '%2F', '%41', '%'),
      fc.stringMatching(/^[0-9a-fA-F-]{0,40}$/),
      fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent),
    );
    const path = fc.oneof(
      fc.tuple(segment, segment).map(([project, id]) => `/v3/${project}/backups/${id}`),
      segment.map((project) => `/v3/${project}/backups`),
      fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
    );
    const suffix = fc.constantFrom('', '', '', '?', '?limit=2', '/', '#x');
    const method = fc.constantFrom('GET', 'DELETE', 'PUT', 'POST', 'HEAD', 'OPTIONS');
    await fc.assert(
      fc.asyncProperty(method, path, suffix, async (m, p, s) => {
        await same(m, `${p}${s}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
