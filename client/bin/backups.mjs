#!/usr/bin/env node
// The `backups` command (package.json "bin"). Plain JavaScript so that `node` runs it without
// flags; it registers tsx (a runtime dependency) and runs the TypeScript source, so the tool
// is never out of date with client/ the way a stale dist/ could be.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli.ts');
process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
