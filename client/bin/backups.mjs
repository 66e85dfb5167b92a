#!/usr/bin/env node
// The `backups` command (the "bin" of client/package.json and of the repository's package.json).
// Plain JavaScript so that `node` runs it without flags; it runs the compiled client in
// client/dist (built by `npm run build`, which `npm ci` runs, and shipped in the package).
// A reader that stops early (`backups list | head`) is no failure of the command.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { runCli } = await import('../dist/client/cli.js');
process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
