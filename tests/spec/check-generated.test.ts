// The drift check: generated/ must be exactly what openapi.yaml gives.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/processes.ts';

function runCheck(generatedDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-generated.ts', '--generated-dir', generatedDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
}

describe('npm run check:generated', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-drift-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes on the committed generated/', () => {
    const result = runCheck(path.join(REPO_ROOT, 'generated'));
    assert.equal(result.status, 0, result.stderr);
  });

  it('fails on a drifted file and says to run npm run generate', async () => {
    const copy = path.join(dir, 'edited');
    await cp(path.join(REPO_ROOT, 'generated'), copy, { recursive: true });
    const file = path.join(copy, 'openapi.ts');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const index = lines.findIndex((line) => line.includes('"CSBS.3001"'));
    lines[index] = lines[index]!.replace('"CSBS.3001"', '"CSBS.3002"');
    await writeFile(file, lines.join('\n'));
    const result = runCheck(copy);
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`openapi.ts: differs from line ${index + 1}`));
    assert.match(result.stderr, /npm run generate/);
  });

  it('fails when a generated file is missing or an extra one appears', async () => {
    const empty = path.join(dir, 'empty');
    await cp(path.join(REPO_ROOT, 'generated'), empty, { recursive: true });
    await rm(path.join(empty, 'openapi.ts'));
    await writeFile(path.join(empty, 'stray.ts'), 'export {};\n');
    const result = runCheck(empty);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /openapi.ts: missing/);
    assert.match(result.stderr, /stray.ts: not generated from the spec/);
  });
});
