#!/usr/bin/env node
// The `cbr-verify` command (package.json "bin"). Plain JavaScript so that `node` runs it without
// flags, from an installed package as from a checkout; it runs the compiled verifier (dist/,
// built by `npm run build`, which `npm ci` and `npm pack` run).
await import('../../dist/verify/main.js');
