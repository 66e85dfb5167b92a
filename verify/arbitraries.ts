// fast-check arbitraries read from openapi.yaml, as Schemathesis derives its test data:
// for each parameter, values its schema accepts and values it rejects, each confirmed by
// Ajv against that same schema (with the type coercion a query string gets), so the
// classification "this request violates the spec" comes from the spec and not from the test.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { OpenAPIV3 } from 'openapi-types';
import { type SpecOperation, spec } from './spec.ts';

// 'array': a single query value is taken for a one-item list, as the validator takes it.
const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: 'array' });
// The formats in full, as OpenAPI validators check them.
addFormats.default(ajv, { mode: 'full' });
ajv.addSchema({ components: spec.components }, 'spec');

function resolveSchema(schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject | undefined): OpenAPIV3.SchemaObject {
  if (schema === undefined) return {};
  if (!('$ref' in schema)) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolveSchema(spec.components?.schemas?.[name]);
}

const validators = new Map<OpenAPIV3.ParameterObject, ValidateFunction>();

/** Whether the spec accepts this raw (string) value for the parameter, as a validator would see it. */
export function acceptsValue(parameter: OpenAPIV3.ParameterObject, value: string): boolean {
  let validate = validators.get(parameter);
  if (validate === undefined) {
    const schema = JSON.parse(JSON.stringify(parameter.schema ?? {}).replaceAll('"#/components/', '"spec#/components/'));
    // Ajv coerces in place, so the value sits in a holder object.
    validate = ajv.compile({ type: 'object', properties: { value: schema } });
    validators.set(parameter, validate);
  }
  return validate({ value });
}

/**
 * Values the parameter's schema accepts, as they go on the wire; `known` (real ids, names of
 * fixtures) come up three times in four, so that many requests reach real backups.
 */
export function validValue(parameter: OpenAPIV3.ParameterObject, known: readonly string[] | undefined): fc.Arbitrary<string> {
  let schema = resolveSchema(parameter.schema);
  // A list parameter is sent one value at a time: one of its items.
  if (schema.type === 'array') schema = resolveSchema(schema.items);
  let fromSchema: fc.Arbitrary<string>;
  if (schema.enum !== undefined) fromSchema = fc.constantFrom(...schema.enum.map(String));
  else if (schema.type === 'boolean') fromSchema = fc.constantFrom('true', 'false');
  else if (schema.type === 'integer') fromSchema = fc.integer({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 }).map(String);
  else if (schema.pattern !== undefined) fromSchema = fc.stringMatching(new RegExp(schema.pattern));
  else fromSchema = fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
  const values = known === undefined || known.length === 0 ? fromSchema : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fromSchema });
  return values.filter((value) => acceptsValue(parameter, value));
}

// A dot segment would be resolved away by the URL parser before it is sent.
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

/** Values the parameter's schema rejects (never empty or a dot segment for a path parameter). */
export function invalidValue(parameter: OpenAPIV3.ParameterObject): fc.Arbitrary<string> {
  const schema = resolveSchema(parameter.schema);
  const candidates = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
    fc.constantFrom('null', '-1', '1.5', '0x10', 'true', ' ', '%00', '1e3'),
    fc.string({ unit: fc.constantFrom('a', 'F', '-', '0', '9'), minLength: 300, maxLength: 320 }),
    fc.integer({ min: -1e6, max: 1e9 }).map(String),
    ...(schema.type === 'integer' ? [fc.constantFrom(String((schema.maximum ?? 0) + 1), String((schema.minimum ?? 0) - 1))] : []),
    ...(schema.pattern === undefined ? [] : [fc.stringMatching(new RegExp(schema.pattern)).map((v) => v.toUpperCase() + 'x')]),
    ...(parameter.in === 'path' ? [] : [fc.constant('')]),
  );
  return candidates.filter((value) => !(parameter.in === 'path' && (value === '' || DOT_SEGMENT.test(value))) && !acceptsValue(parameter, value));
}

/** Query parameter names the operation does not declare. */
export function undeclaredQueryName(operation: SpecOperation): fc.Arbitrary<string> {
  const declared = new Set(operation.parameters.map((p) => p.name));
  return fc
    .oneof(fc.constantFrom('force', 'debug', 'project_id', 'page', 'LIMIT', 'Status'), fc.stringMatching(/^[a-z_]{1,12}$/))
    .filter((name) => !declared.has(name));
}
