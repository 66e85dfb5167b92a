// npm run check:generated: fails when generated/ is not exactly what openapi.yaml gives.
// Usage: check-generated.ts [--generated-dir DIR]  (DIR defaults to the repo's generated/)
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GENERATED_DIR, TYPES_FILE, renderTypes } from './lib/types-from-spec.ts';

const { values } = parseArgs({ options: { 'generated-dir': { type: 'string' } } });
const committedDir = values['generated-dir'] ?? fileURLToPath(GENERATED_DIR);

// Regenerate into a temporary place, so a failed check never touches the work tree.
const freshDir = await mkdtemp(path.join(tmpdir(), 'cbr-generated-'));
try {
  await writeFile(path.join(freshDir, TYPES_FILE), await renderTypes());
  const problems = await compareDirs(freshDir, committedDir);
  if (problems.length > 0) {
    console.error(`generated/ does not match openapi.yaml:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    console.error('Run `npm run generate` and commit the result; never edit generated/ by hand.');
    process.exitCode = 1;
  } else {
    console.log('generated/ matches openapi.yaml');
  }
} finally {
  await rm(freshDir, { recursive: true, force: true });
}

async function compareDirs(expectedDir: string, actualDir: string): Promise<string[]> {
  const expected = (await readdir(expectedDir)).sort();
  const actual = (await readdir(actualDir).catch(() => [] as string[])).sort();
  const problems: string[] = [];
  for (const name of actual) if (!expected.includes(name)) problems.push(`${name}: not generated from the spec`);
  for (const name of expected) {
    if (!actual.includes(name)) {
      problems.push(`${name}: missing`);
      continue;
    }
    const want = await readFile(path.join(expectedDir, name), 'utf8');
    const have = await readFile(path.join(actualDir, name), 'utf8');
    const line = firstDifferentLine(want, have);
    if (line !== undefined) problems.push(`${name}: differs from line ${line}`);
  }
  return problems;
}

function firstDifferentLine(a: string, b: string): number | undefined {
  if (a === b) return undefined;
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) if (left[i] !== right[i]) return i + 1;
  return undefined;
}
