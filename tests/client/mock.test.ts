// The client against a real Prism mock of openapi.yaml: every declared answer of every
// operation, each named example chosen with `Prefer`, decoded into the client's result or
// typed error. Then the README's mock section: every curl in it runs as written (against
// this mock's port) and answers what its comment says, and what it claims about Prism holds.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ApiError, createBackupClient, type ErrorCode } from '../../client/index.ts';
import { DEMO_BACKUPS, DEMO_PROJECT } from '../../server/demo/demo.ts';
import { REPO_ROOT, type RunningProcess, startMock } from '../support/processes.ts';

const run = promisify(execFile);

interface ExampleCase {
  operation: 'deleteBackup' | 'showBackup' | 'listBackups';
  status: number;
  /** Undefined for a body-less answer (204). */
  example: string | undefined;
  value: unknown;
}

type Json = Record<string, unknown>;
const spec = parse(readFileSync(path.join(REPO_ROOT, 'openapi.yaml'), 'utf8')) as Json;

/** Follows a local $ref ('#/components/...') until the object is not a reference. */
function resolve(node: unknown): Json {
  let current = node as Json;
  while (typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Json)[key], spec) as Json;
  }
  return current;
}

/** Every (operation, status, named example) that openapi.yaml declares. */
function specExamples(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const pathItem of Object.values(spec.paths as Json)) {
    for (const [method, operation] of Object.entries(pathItem as Json)) {
      if (method === 'parameters') continue;
      const { operationId, responses } = operation as { operationId: ExampleCase['operation']; responses: Json };
      for (const [status, response] of Object.entries(responses)) {
        const examples = (resolve(response).content as Json | undefined)?.['application/json'] as { examples?: Json } | undefined;
        if (examples?.examples === undefined) {
          cases.push({ operation: operationId, status: Number(status), example: undefined, value: undefined });
          continue;
        }
        for (const [name, example] of Object.entries(examples.examples)) {
          cases.push({ operation: operationId, status: Number(status), example: name, value: resolve(example).value });
        }
      }
    }
  }
  return cases;
}

const PROJECT = DEMO_PROJECT;
const BACKUP = DEMO_BACKUPS.available[0];

let mock: RunningProcess;
before(async () => {
  mock = await startMock();
});
after(async () => {
  await mock?.stop();
});

/** A client whose every request asks the mock for one answer. */
function clientPreferring(prefer: string | undefined, options: { dropToken?: boolean } = {}) {
  return createBackupClient({
    baseUrl: mock.url,
    token: 'any-token',
    fetch: (request) => {
      const asking = new Request(request);
      if (prefer !== undefined) asking.headers.set('Prefer', prefer);
      if (options.dropToken === true) asking.headers.delete('X-Auth-Token');
      return fetch(asking);
    },
  });
}

function call(operation: ExampleCase['operation'], prefer: string | undefined) {
  const client = clientPreferring(prefer);
  if (operation === 'deleteBackup') return client.deleteBackup(PROJECT, BACKUP);
  if (operation === 'showBackup') return client.showBackup(PROJECT, BACKUP);
  return client.listBackups(PROJECT);
}

describe('the client against the Prism mock', () => {
  const cases = specExamples();

  test('the spec declares an example for every error code a response can carry', () => {
    const codes = new Set(cases.flatMap((c) => ((c.value as Json | undefined)?.error_code as string | undefined) ?? []));
    // APIGW.0101 (no such API) belongs to no operation, so no operation's response has it.
    assert.deepEqual([...codes].sort(), ['6201', 'APIGW.0301', 'APIGW.0302', 'CSBS.2003', 'CSBS.3001', 'CSBS.9001', 'CSBS.9998']);
    assert.ok(cases.length >= 20, `only ${cases.length} examples`);
  });

  for (const c of cases) {
    const prefer = c.example === undefined ? `code=${c.status}` : `code=${c.status}, example=${c.example}`;
    test(`${c.operation}, Prefer: ${prefer}`, async () => {
      if (c.status >= 400) {
        const error = await call(c.operation, prefer).catch((caught: unknown) => caught);
        assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
        const body = c.value as { error_code: ErrorCode; error_msg: string; request_id: string };
        assert.equal(error.status, c.status);
        assert.equal(error.errorCode, body.error_code);
        assert.equal(error.errorMsg, body.error_msg);
        assert.equal(error.requestId, body.request_id);
        assert.equal(error.operation, c.operation);
        return;
      }
      const result = await call(c.operation, prefer);
      if (c.operation === 'deleteBackup') {
        assert.equal(c.status, 204);
        assert.deepEqual(result, { outcome: 'deleted', requestId: exampleRequestId(), attempts: 1 });
      } else if (c.operation === 'showBackup') {
        assert.deepEqual(result, (c.value as Json).backup);
      } else {
        assert.deepEqual(result, c.value);
      }
    });
  }

  test('without a token the mock answers 401 APIGW.0301, decoded as such', async () => {
    const error = await clientPreferring('code=400, example=backupRunning', { dropToken: true })
      .deleteBackup(PROJECT, BACKUP)
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 401);
    assert.equal(error.errorCode, 'APIGW.0301');
  });

  test('iterateBackups stops after the mock\'s one short page', async () => {
    const ids: string[] = [];
    for await (const backup of clientPreferring(undefined).iterateBackups(PROJECT)) ids.push(backup.id);
    const page = resolve((spec.components as Json & { examples: Json }).examples.backupsPage).value as { backups: Array<{ id: string }> };
    assert.deepEqual(ids, page.backups.map((backup) => backup.id));
  });
});

/** The X-Request-Id example every mock answer carries. */
function exampleRequestId(): string {
  const header = resolve((spec.components as { headers: Json }).headers.XRequestId) as { schema: unknown; example?: string };
  return header.example ?? (resolve(header.schema).example as string);
}

interface DocumentedCurl {
  /** The curl as the README shows it. */
  command: string;
  /** What runs: the block's variable assignments above it (`P=...`), then the curl. */
  script: string;
  status: number;
  /** An error code, or the name of the example the body must be. */
  label: string | undefined;
}

/**
 * The curls of the README's mock section, each with the answer its comment announces. A block
 * may set shell variables first (`P=http://...`, one a line), which its curls then use.
 */
function readmeCurls(): DocumentedCurl[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Mock for frontend developers');
  assert.ok(start >= 0, 'README has no "Mock for frontend developers" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const curls: DocumentedCurl[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = (block[1] as string).split('\n');
    const assignments: string[] = [];
    for (let i = 0; i < lines.length; i += 1) {
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*=\S+)/.exec(lines[i] as string);
      if (assignment !== null) {
        assignments.push(assignment[1] as string);
        continue;
      }
      const comment = /^# (\d{3})(?: ([A-Za-z0-9.]+))?:/.exec(lines[i] as string);
      if (comment === null) continue;
      let command = '';
      for (i += 1; i < lines.length; i += 1) {
        const line = lines[i] as string;
        command += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
        if (!line.endsWith('\\')) break;
      }
      assert.match(command, /^curl /, `the line after "${comment[0]}" is not a curl`);
      curls.push({ command, script: [...assignments, command].join('; '), status: Number(comment[1]), label: comment[2] });
    }
  }
  return curls;
}

describe('the README\'s mock section', () => {
  const curls = readmeCurls();
  const exampleValues = (spec.components as { examples: Json }).examples;

  test('it shows a curl for every error code, the 204, the list pages and the show example', () => {
    const labels = new Set(curls.map((curl) => curl.label));
    for (const code of ['6201', 'CSBS.2003', 'CSBS.3001', 'CSBS.9001', 'APIGW.0301', 'APIGW.0302', 'CSBS.9998']) {
      assert.ok(labels.has(code), `no curl for ${code}`);
    }
    for (const example of ['backupsPage', 'emptyPage', 'availableBackup']) assert.ok(labels.has(example), `no curl for ${example}`);
    assert.ok(curls.some((curl) => curl.status === 204), 'no curl for the 204');
    assert.ok(curls.every((curl) => curl.script.includes('http://127.0.0.1:4010/')), 'every curl targets npm run mock');
  });

  for (const curl of curls) {
    test(`${curl.status}${curl.label === undefined ? '' : ` ${curl.label}`}: ${curl.command.replace(/\s+(http|\$)\S*$/, '')}`, async () => {
      const command = curl.script.replaceAll('http://127.0.0.1:4010', mock.url);
      const { stdout } = await run('sh', ['-c', command], { timeout: 30_000 });
      const [head = '', body = ''] = stdout.split(/\r?\n\r?\n/, 2);
      const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head)?.[1]);
      assert.equal(status, curl.status, stdout);
      if (curl.status === 204) {
        assert.equal(body, '');
      } else if (curl.label !== undefined && Object.hasOwn(exampleValues, curl.label)) {
        assert.deepEqual(JSON.parse(body), resolve(exampleValues[curl.label]).value);
      } else {
        assert.equal((JSON.parse(body) as { error_code: string }).error_code, curl.label);
      }
    });
  }

  describe('what it says about Prism\'s Prefer header', () => {
    const deleteUrl = () => `${mock.url}/v3/${PROJECT}/backups/${BACKUP}`;
    const deleteWith = (headers: Record<string, string>) => fetch(deleteUrl(), { method: 'DELETE', headers });

    test('code=400 alone gives the first 400 example (backupNotFound)', async () => {
      const response = await deleteWith({ 'X-Auth-Token': 't', Prefer: 'code=400' });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as Json).error_code, 'CSBS.3001');
    });

    test('example= alone is ignored on DELETE: 204', async () => {
      const response = await deleteWith({ 'X-Auth-Token': 't', Prefer: 'example=backupRunning' });
      assert.equal(response.status, 204);
    });

    test('a misspelled example name is ignored: 204', async () => {
      const response = await deleteWith({ 'X-Auth-Token': 't', Prefer: 'code=400, example=backupRuning' });
      assert.equal(response.status, 204);
    });

    test('an undeclared status gives Prism\'s own problem+json', async () => {
      const response = await deleteWith({ 'X-Auth-Token': 't', Prefer: 'code=404' });
      assert.equal(response.status, 404);
      assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
      await response.body?.cancel();
    });

    test('an empty token gets 401 whatever Prefer says', async () => {
      const response = await deleteWith({ 'X-Auth-Token': '', Prefer: 'code=400, example=backupRunning' });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as Json).error_code, 'APIGW.0301');
    });

    test('a malformed backup id gets the first 400 example, the reason in sl-violations', async () => {
      const response = await fetch(`${mock.url}/v3/${PROJECT}/backups/not-a-uuid`, { method: 'DELETE', headers: { 'X-Auth-Token': 't' } });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as Json).error_code, 'CSBS.3001');
      assert.match(response.headers.get('sl-violations') ?? '', /backup_id/);
    });

    test('unknown query parameters are accepted; the mock keeps no state', async () => {
      const list = await fetch(`${mock.url}/v3/${PROJECT}/backups?bogus=1`, { headers: { 'X-Auth-Token': 't' } });
      assert.equal(list.status, 200);
      await list.body?.cancel();
      assert.equal((await deleteWith({ 'X-Auth-Token': 't' })).status, 204);
      assert.equal((await deleteWith({ 'X-Auth-Token': 't' })).status, 204);
    });

    test('a browser on another origin may call it (CORS preflight)', async () => {
      const response = await fetch(deleteUrl(), {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Headers': 'x-auth-token,prefer' },
      });
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:3000');
      assert.match(response.headers.get('access-control-allow-headers') ?? '', /x-auth-token/);
    });
  });
});
