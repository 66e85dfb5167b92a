// The service as plain JavaScript, for comparison with `npm start` (which runs the TypeScript
// through tsx's loader): every .ts file under server/ and generated/ transpiled one by one with
// TypeScript, imports rewritten to .js, other files copied, laid out as in the repository with
// its package.json type and a link to its node_modules. Measures what precompiling would save.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './processes.ts';

const SOURCE_DIRS = ['server', 'generated'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Writes the JavaScript build under `outDir` (emptied first); returns the entry point. */
export function precompileService(outDir: string): string {
  rmSync(outDir, { recursive: true, force: true });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    rewriteRelativeImportExtensions: true,
    sourceMap: false,
  };
  for (const dir of SOURCE_DIRS) {
    for (const file of filesUnder(path.join(REPO_ROOT, dir))) {
      const relative = path.relative(REPO_ROOT, file);
      const target = path.join(outDir, relative);
      mkdirSync(path.dirname(target), { recursive: true });
      if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
        const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
        writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
      } else {
        copyFileSync(file, target);
      }
    }
  }
  // The spec sits at the root, as in the repository (server/contract/spec.ts finds it there).
  copyFileSync(path.join(REPO_ROOT, 'openapi.yaml'), path.join(outDir, 'openapi.yaml'));
  writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  return path.join(outDir, 'server/main.js');
}
