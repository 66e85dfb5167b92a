#!/usr/bin/env node
// The `backups` command (package.json "bin"). Plain JavaScript so that `node` runs it without
// flags; it registers tsx (a runtime dependency) and runs the TypeScript source, so the tool
// is never out of date with client/ the way a stale dist/ could be.
import { register } from 'tsx/esm/api';

register();
// A reader that stops early (`backups list | head`) is no failure of the command.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { runCli } = await import('../cli.ts');
process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
