// npm run contract: the whole contract verification in one command. The contract tests
// (tests/contract: `cbr-verify`, the command any implementation is verified with, against this
// service on SQLite and on PostgreSQL loaded with the published fixtures, against the Prism
// mock, against broken-server variants and a minimal implementation it must fail, and from a
// packed tarball; the generated-request properties at full size; the breaking-change check's
// own tests), then check:breaking against the released contract.
//
// The tests run in a process group of their own. Each test stops what it starts, even when it
// fails; should anything (a Prism process, a server) still be alive when they are done, it
// is killed here and the run fails, so nothing is ever left behind.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Live processes of a process group, as "pid command" lines (Linux /proc). */
function groupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may contain spaces) start after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== pgid || state === 'Z') continue;
      members.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`);
    } catch {
      // The process ended while being looked at.
    }
  }
  return members;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Nothing left in the group.
  }
}

const tests = spawn(process.execPath, ['--import', 'tsx', 'scripts/run-tests.ts', 'tests/contract'], { cwd: root, stdio: 'inherit', detached: true });
const pgid = tests.pid!;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killGroup(pgid, 'SIGTERM');
    process.exit(130);
  });
}
const [testCode] = (await once(tests, 'exit')) as [number | null];

const leftovers = groupMembers(pgid);
if (leftovers.length > 0) {
  killGroup(pgid, 'SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  killGroup(pgid, 'SIGKILL');
  console.error(`contract: the tests left ${leftovers.length} process(es) running (now killed):\n  ${leftovers.join('\n  ')}`);
}

const breaking = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-breaking.ts'], { cwd: root, stdio: 'inherit' });

const failed = [testCode !== 0 && 'contract tests', leftovers.length > 0 && 'processes left behind', breaking.status !== 0 && 'check:breaking'].filter(Boolean);
console.log(failed.length === 0 ? 'contract: all checks passed' : `contract: FAILED (${failed.join(', ')})`);
process.exit(failed.length === 0 ? 0 : 1);
