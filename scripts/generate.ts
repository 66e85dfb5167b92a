// npm run generate: writes generated/openapi.ts from openapi.yaml.
import { mkdir, writeFile } from 'node:fs/promises';
import { GENERATED_DIR, TYPES_FILE, renderTypes } from './lib/types-from-spec.ts';

const source = await renderTypes();
await mkdir(GENERATED_DIR, { recursive: true });
await writeFile(new URL(TYPES_FILE, GENERATED_DIR), source);
console.log(`wrote generated/${TYPES_FILE} from openapi.yaml`);
