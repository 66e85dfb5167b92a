// README "Adding an operation", done in a test: a throwaway copy of openapi.yaml with one more
// operation, its types generated as `npm run generate` does, and the service's handler map
// compiled against them. Without a handler for the new operation the map does not compile;
// with one it does. At run time, a route table with an operation that has no handler is refused
// at start.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { stringify } from 'yaml';
import type { OpenAPIV3 } from 'openapi-types';
import { loadSpec } from '../../server/contract/spec.ts';
import { specOperations } from '../../server/contract/operations.ts';
import { operationRoutes } from '../../server/http/operation-routes.ts';
import { renderTypes } from '../../scripts/lib/types-from-spec.ts';
import { REPO_ROOT } from '../support/processes.ts';

/** openapi.yaml plus GET .../backups/{backup_id}/summary (showBackupSummary), answered like showBackup. */
function specWithOneMoreOperation(): OpenAPIV3.Document {
  const spec = loadSpec();
  const show = spec.paths['/v3/{project_id}/backups/{backup_id}']!;
  spec.paths['/v3/{project_id}/backups/{backup_id}/summary'] = {
    parameters: show.parameters,
    get: { ...show.get!, operationId: 'showBackupSummary', summary: 'Show a summary of a backup' },
  };
  return spec;
}

const repoModule = (file: string) => JSON.stringify(path.join(REPO_ROOT, file));

/** A module that builds the service's handler map for the throwaway spec; `extra` adds handlers. */
function handlersModule(extra: string): string {
  return `
import type { operations } from './openapi.ts';
import type { Principal } from ${repoModule('server/auth/verifier.ts')};
import type { HandlersOf } from ${repoModule('server/contract/types.ts')};
import type { backupHandlers } from ${repoModule('server/operations/backups.ts')};

declare const existing: ReturnType<typeof backupHandlers>;
export const handlers: HandlersOf<operations, Principal> = {
  ...existing,
  ${extra}
};
`;
}

function typeErrors(file: string): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(REPO_ROOT, 'node_modules/@types')],
  };
  const program = ts.createProgram([file], options);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('adding an operation to the spec', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-new-operation-'));
    const specFile = path.join(dir, 'openapi.yaml');
    await writeFile(specFile, stringify(specWithOneMoreOperation()));
    await writeFile(path.join(dir, 'openapi.ts'), await renderTypes(pathToFileURL(specFile)));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('does not compile until the new operation has its handler', async () => {
    const file = path.join(dir, 'without-handler.ts');
    await writeFile(file, handlersModule(''));
    const found = typeErrors(file);
    assert.ok(
      found.some((message) => /showBackupSummary/.test(message) && /missing/.test(message)),
      `expected the missing handler to be named, got:\n${found.join('\n')}`,
    );
  });

  it('compiles once the handler is there, held to the operation\'s answers', async () => {
    const withHandler = path.join(dir, 'with-handler.ts');
    await writeFile(withHandler, handlersModule(`async showBackupSummary({ path }) { return { status: 200, body: { backup: { id: path.backup_id } as never } }; },`));
    assert.deepEqual(typeErrors(withHandler), []);
    const undeclared = path.join(dir, 'undeclared-answer.ts');
    await writeFile(undeclared, handlersModule(`async showBackupSummary() { return { status: 418 }; },`));
    assert.ok(typeErrors(undeclared).some((message) => /418/.test(message)));
  });

  it('is refused at start by the route adapter while a handler is missing', () => {
    const table = specOperations(specWithOneMoreOperation());
    assert.ok(table.some((operation) => operation.operationId === 'showBackupSummary' && operation.expressPath === '/v3/:project_id/backups/:backup_id/summary'));
    const handlers = { deleteBackup: async () => ({ status: 204 }), showBackup: async () => ({ status: 204 }), listBackups: async () => ({ status: 204 }) };
    const roles = { read: new Set(['reader']), write: new Set(['member']) };
    const authenticators = { tokens: { verify: async () => ({ ok: false as const, reason: 'x' }) }, accessKeys: undefined };
    assert.throws(() => operationRoutes(table, handlers as never, authenticators, roles), /showBackupSummary has no handler/);
  });
});
