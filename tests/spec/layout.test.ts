// The repository's layout: tests may use anything, but nothing outside tests/ imports from
// it. The service, the client, the generated types and the scripts (the benchmark, the docs
// screenshot) must work in a checkout without the tests; what both need lives in scripts/lib/.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/lib/processes.ts';

const SOURCE_DIRS = ['server', 'client', 'scripts', 'generated', 'verify'];
const SOURCE_FILE = /\.(?:[cm]?[jt]s)$/;
const TESTS_DIR = path.join(REPO_ROOT, 'tests');

/**
 * Every module specifier in a source: `import ... from`, `export ... from`, a bare
 * `import '...'`, `import('...')` and `require('...')`. Comments are not told apart: an
 * import left in a comment counts too.
 */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\b(?:import|require)\s*\(\s*(['"`])([^'"`]+)\1\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[2]!);
  return found;
}

/** The specifiers of `file`'s source that resolve to a path inside tests/. */
function importsFromTests(file: string, source: string): string[] {
  return specifiers(source).filter((specifier) => {
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) return false;
    const target = path.resolve(path.dirname(file), specifier);
    return target === TESTS_DIR || target.startsWith(`${TESTS_DIR}${path.sep}`);
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

describe('repository layout', () => {
  it('finds imports into tests/ in every form a module can import', () => {
    const file = path.join(REPO_ROOT, 'scripts/bench/example.ts');
    const source = [
      "import { REPO_ROOT } from '../../tests/support/processes.ts';",
      "import type {\n  TestServer,\n} from '../../tests/support/test-server.ts';",
      "export { freePort } from '../../tests/support/processes.ts';",
      "import '../../tests/support/setup.ts';",
      "const { startTestServer } = await import('../../tests/support/test-server.ts');",
      "const helper = require(\"../../tests/support/http.ts\");",
      "import { runLoad } from './load.ts';",
      "import { REPO_ROOT as root } from '../lib/processes.ts';",
      "import express from 'express';",
      "import { contests } from '../contests/index.ts';",
    ].join('\n');
    assert.deepEqual(importsFromTests(file, source), [
      '../../tests/support/processes.ts',
      '../../tests/support/test-server.ts',
      '../../tests/support/processes.ts',
      '../../tests/support/setup.ts',
      '../../tests/support/test-server.ts',
      '../../tests/support/http.ts',
    ]);
  });

  it('has no import from tests/ in server/, client/, scripts/ or generated/', () => {
    const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(REPO_ROOT, dir)));
    assert.ok(files.length > 20, `only ${files.length} source files found`);
    const offending = files.flatMap((file) =>
      importsFromTests(file, readFileSync(file, 'utf8')).map((specifier) => `${path.relative(REPO_ROOT, file)}: ${specifier}`),
    );
    assert.deepEqual(offending, [], 'files outside tests/ that import from it');
  });
});
