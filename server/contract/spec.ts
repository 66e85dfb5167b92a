// The contract as data: openapi.yaml parsed once, plus JSON Schema validators for its
// component schemas (used to check seed files against BackupDetail at start-up).
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { OpenAPIV3 } from 'openapi-types';
import { packageFile } from '../package-files.ts';

export const SPEC_FILE = packageFile('openapi.yaml');

let cached: OpenAPIV3.Document | undefined;

/** The parsed spec. Callers get a deep copy: some tools mutate the document they are given. */
export function loadSpec(): OpenAPIV3.Document {
  cached ??= parse(readFileSync(SPEC_FILE, 'utf8')) as OpenAPIV3.Document;
  return structuredClone(cached);
}

/** A validator for `#/components/schemas/<name>`, with every other component resolvable. */
export function componentValidator(name: string): ValidateFunction {
  const spec = loadSpec();
  // OpenAPI 3.0 schemas are JSON Schema plus `nullable` (Ajv knows it) and `example`.
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema({ components: spec.components }, 'spec');
  return ajv.compile({ $ref: `spec#/components/schemas/${name}` });
}

/** The `pattern` of a string schema in `#/components/schemas`, as a RegExp (read once by each caller). */
export function componentPattern(name: string): RegExp {
  const schema = loadSpec().components?.schemas?.[name] as { pattern?: string } | undefined;
  if (schema?.pattern === undefined) throw new Error(`openapi.yaml: components.schemas.${name} has no pattern`);
  return new RegExp(schema.pattern, 'u');
}

/** A schema of `#/components/schemas`, as the spec writes it. */
export function componentSchema(name: string): OpenAPIV3.SchemaObject {
  const schema = loadSpec().components?.schemas?.[name];
  if (schema === undefined || '$ref' in schema) throw new Error(`openapi.yaml: components.schemas.${name} is missing or a reference`);
  return schema;
}
