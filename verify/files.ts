// The files the verifier reads (the contract and the published fixtures), where they are in the
// package: from verify/*.ts under tsx, or from dist/verify/*.js as the `cbr-verify` command runs.
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = new URL(import.meta.url.endsWith('.js') ? '../../' : '../', import.meta.url);

/** A file of the package, by its path from the package root. */
export function packagePath(relativePath: string): string {
  return fileURLToPath(new URL(relativePath, PACKAGE_ROOT));
}

export const SPEC_FILE = packagePath('openapi.yaml');
export const FIXTURE_BACKUPS_FILE = packagePath('fixtures/verification/backups.json');
export const FIXTURE_TOKENS_FILE = packagePath('fixtures/verification/tokens.json');
export const FIXTURE_ACCESS_KEYS_FILE = packagePath('fixtures/verification/access-keys.json');
