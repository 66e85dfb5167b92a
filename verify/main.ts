// The cbr-verify command's entry: `npm run verify -- ARGS` runs it under tsx, the `cbr-verify`
// bin (verify/bin/cbr-verify.mjs) compiled from dist/.
import { runCli } from './cli.ts';

// A reader that stops early (`cbr-verify ... | head`) is no failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
