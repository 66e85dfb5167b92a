// npm run check:breaking: fails when openapi.yaml breaks the released contract, the baseline
// committed at contract/released/openapi.yaml (refreshed on each release; README).
// Usage: check-breaking.ts [BASELINE] [CANDIDATE]   exit 0: none, 1: breaking changes, 2: error
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChanges, formatReport } from './lib/breaking-changes.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const [baseline = path.join(root, 'contract/released/openapi.yaml'), candidate = path.join(root, 'openapi.yaml')] = process.argv.slice(2);
const label = (file: string) => {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') ? file : relative;
};

try {
  const changes = await findChanges(readFileSync(baseline, 'utf8'), readFileSync(candidate, 'utf8'));
  console.log(formatReport(changes, label(baseline), label(candidate)));
  process.exitCode = changes.some((c) => c.breaking) ? 1 : 0;
} catch (error) {
  console.error(`check-breaking: cannot compare ${label(candidate)} with ${label(baseline)}: ${(error as Error).message}`);
  process.exitCode = 2;
}
