// The breaking-change check in both directions: additive changes to the released contract
// pass, and each kind of breaking change fails with a line that names it. The kinds go
// through the library in-process; the command line (exit codes, report) runs twice.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { type Change, findChanges } from '../../scripts/lib/breaking-changes.ts';
import { REPO_ROOT } from '../support/processes.ts';

const BASELINE = path.join(REPO_ROOT, 'contract/released/openapi.yaml');
const LIST = '/v3/{project_id}/backups';
const ONE = '/v3/{project_id}/backups/{backup_id}';

type Spec = any;

let baselineText = '';
function changed(edit: (spec: Spec) => void): string {
  const spec = parse(baselineText);
  edit(spec);
  return stringify(spec);
}

const ADDITIVE = (spec: Spec) => {
  spec.paths['/v3/{project_id}/vaults'] = {
    parameters: [{ $ref: '#/components/parameters/ProjectId' }],
    get: { operationId: 'listVaults', responses: { '200': { description: 'The vaults.' } } },
  };
  spec.paths[LIST].get.parameters.push({ name: 'protected_after', in: 'query', schema: { $ref: '#/components/schemas/Timestamp' } });
  spec.paths[LIST].get.parameters.find((p: Spec) => p.name === 'limit').schema.maximum = 5000;
  spec.paths[ONE].delete.responses['409'] = { $ref: '#/components/responses/InternalError' };
};

const BREAKING: { kind: string; edit: (spec: Spec) => void; named: RegExp }[] = [
  { kind: 'a removed response status', edit: (s) => delete s.paths[ONE].get.responses['404'], named: /paths\.\/v3\/\{project_id\}\/backups\/\{backup_id\}\.get\.responses\.404 — response status removed/ },
  { kind: 'a removed operation', edit: (s) => delete s.paths[ONE].delete, named: /delete — operation removed/ },
  { kind: 'a new required parameter', edit: (s) => s.paths[LIST].get.parameters.push({ name: 'region', in: 'query', required: true, schema: { type: 'string' } }), named: /GET \/v3\/\{project_id\}\/backups query parameter region — new required parameter/ },
  { kind: 'an optional parameter made required', edit: (s) => (s.paths[LIST].get.parameters.find((p: Spec) => p.name === 'limit').required = true), named: /query parameter limit — optional parameter made required/ },
  { kind: 'a narrowed parameter type', edit: (s) => (s.paths[LIST].get.parameters.find((p: Spec) => p.name === 'name').schema = { type: 'integer' }), named: /query parameter name — accepts less: type changed from string to integer/ },
  { kind: 'a narrowed parameter range', edit: (s) => (s.paths[LIST].get.parameters.find((p: Spec) => p.name === 'limit').schema.maximum = 100), named: /query parameter limit — accepts less: maximum lowered from 1000 to 100/ },
  { kind: 'a removed parameter', edit: (s) => (s.paths[LIST].get.parameters = s.paths[LIST].get.parameters.filter((p: Spec) => p.name !== 'offset')), named: /query parameter offset — parameter removed/ },
  { kind: 'a removed enum value of a filter', edit: (s) => (s.components.schemas.ImageType.enum = ['backup']), named: /query parameter image_type — accepts less: enum values removed: replication/ },
  { kind: 'a removed error code', edit: (s) => s.components.schemas.DeleteBadRequestError.allOf[1].properties.error_code.enum.splice(0, 1), named: /DELETE .* response 400 body\.error_code — enum values removed: 6201/ },
  { kind: 'a narrowed response field type', edit: (s) => (s.components.schemas.BackupList.properties.count = { type: 'string' }), named: /responses\.200.* — response body may now hold values it could not before/ },
  { kind: 'a removed required response header', edit: (s) => delete s.components.responses.Forbidden.headers, named: /responses\.403\.headers\.X-Request-Id — required response header removed/ },
];

const describeChange = (c: Change) => `${c.breaking ? 'BREAKING' : 'ok'} ${c.where} — ${c.what}`;

describe('breaking-change check (openapi-diff plus parameter and enum rules)', () => {
  let dir = '';
  before(async () => {
    baselineText = await readFile(BASELINE, 'utf8');
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-breaking-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('passes additive changes: a new path, a new optional parameter, a wider range, a new status', async () => {
    const changes = await findChanges(baselineText, changed(ADDITIVE));
    const lines = changes.map(describeChange);
    assert.deepEqual(lines.filter((l) => l.startsWith('BREAKING')), [], lines.join('\n'));
    for (const expected of [/path added/, /protected_after — new optional parameter/, /response status added/]) {
      assert.ok(lines.some((l) => expected.test(l)), `${expected} not reported in:\n${lines.join('\n')}`);
    }
  });

  for (const { kind, edit, named } of BREAKING) {
    it(`fails on ${kind}`, async () => {
      const lines = (await findChanges(baselineText, changed(edit))).map(describeChange);
      assert.ok(lines.some((l) => l.startsWith('BREAKING') && named.test(l)), `no breaking change matches ${named} in:\n${lines.join('\n')}`);
    });
  }

  const run = promisify(execFile);
  async function checkBreaking(candidate: string): Promise<{ code: number; output: string }> {
    const file = path.join(dir, `candidate-${Date.now()}.yaml`);
    await writeFile(file, candidate);
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/check-breaking.ts'), BASELINE, file], { cwd: REPO_ROOT });
      return { code: 0, output: stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  }

  it('command line: exit 0 and OK for an additive change', async () => {
    const { code, output } = await checkBreaking(changed(ADDITIVE));
    assert.equal(code, 0, output);
    assert.match(output, /OK: no breaking changes/);
    assert.match(output, /new optional parameter/);
  });

  it('command line: exit 1 and a readable report for a breaking change', async () => {
    const { code, output } = await checkBreaking(changed((s) => {
      delete s.paths[ONE].get.responses['404'];
      s.components.schemas.BackupStatus.enum = s.components.schemas.BackupStatus.enum.filter((v: string) => v !== 'waiting_restore');
    }));
    assert.equal(code, 1, output);
    assert.match(output, /Breaking changes \(\d+\):/);
    assert.match(output, /response status removed/);
    assert.match(output, /enum values removed: waiting_restore/);
    assert.match(output, /FAIL: \d+ breaking change\(s\)/);
  });
});
