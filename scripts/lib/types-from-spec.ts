// Renders the TypeScript types for openapi.yaml. `generate` writes them to generated/,
// `check:generated` compares them with what is committed; both call this one function
// so that the two can never disagree about what "generated from the spec" means.
import { readFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';

export const SPEC_PATH = new URL('../../openapi.yaml', import.meta.url);
export const GENERATED_DIR = new URL('../../generated/', import.meta.url);
export const TYPES_FILE = 'openapi.ts';

export async function renderTypes(specPath: URL = SPEC_PATH): Promise<string> {
  // Parsed here (not by openapi-typescript's loader) so that output does not depend on
  // the file's location or on network access for remote references.
  const spec = parse(await readFile(specPath, 'utf8')) as Parameters<typeof openapiTS>[0];
  const ast = await openapiTS(spec, { alphabetize: false, exportType: false });
  return astToString(ast);
}
