// The response checks, read from openapi.yaml itself: the status is one the operation declares,
// the body validates against the schema declared for that status (Ajv on the spec's components),
// and X-Request-Id is present and well-formed. Each finding names the violation and the place in
// openapi.yaml of the rule it breaks; an empty list means conformant.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';
import type { Reply } from './send.ts';
import { type SpecOperation, componentPattern, spec } from './spec.ts';

export type { SpecOperation } from './spec.ts';
export { OPERATIONS, operationById } from './spec.ts';

/** The checks a reply goes through; the names --only and --skip take. */
export type ResponseCheck = 'status' | 'schema' | 'headers';

export interface Violation {
  check: string;
  message: string;
  /** JSON pointer into openapi.yaml of the rule that is broken, where one can be named. */
  at?: string;
}

// Validators compiled once per schema: named component schemas, or inline ones with their
// references pointed at the spec's components.
const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

export function schemaValidator(schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (validate === undefined) {
    if (ajv === undefined) {
      // OpenAPI 3.0 schemas are JSON Schema plus `nullable` (Ajv knows it) and `example`.
      ajv = new Ajv({ allErrors: true, strict: false });
      ajv.addSchema({ components: spec.components }, 'spec');
    }
    validate = ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"spec#/components/')));
    validators.set(key, validate);
  }
  return validate;
}

/** Where in openapi.yaml the schema keyword an Ajv error names is written. */
function schemaPointer(error: ErrorObject, fallback: string): string {
  const match = /^spec#(\/components\/.*)$/.exec(error.schemaPath);
  return match?.[1] ?? fallback;
}

/** Ajv's findings as sentences that name the field: `/count: must have required property 'count'`. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return schemaFindings(errors, '').map((finding) => finding.message);
}

function schemaFindings(errors: readonly ErrorObject[] | null | undefined, fallbackPointer: string): { message: string; at: string }[] {
  const seen = new Set<string>();
  return (errors ?? [])
    .filter((e) => e.keyword !== 'allOf' && e.keyword !== 'if')
    .map((e) => {
      const where = e.instancePath === '' ? '(body)' : e.instancePath;
      const params = e.params as Record<string, unknown>;
      const at = schemaPointer(e, fallbackPointer);
      if (e.keyword === 'additionalProperties') return { message: `${where}: must NOT have additional properties: '${String(params.additionalProperty)}' is not declared`, at };
      if (e.keyword === 'enum') return { message: `${where}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`, at };
      return { message: `${where}: ${e.message ?? e.keyword}`, at };
    })
    .filter((finding) => {
      if (seen.has(finding.message)) return false;
      seen.add(finding.message);
      return true;
    });
}

const REQUEST_ID = componentPattern('RequestId');
const ERROR_SCHEMA: OpenAPIV3.ReferenceObject = { $ref: '#/components/schemas/Error' };

export interface ConformanceOptions {
  /** Whether an error body's request_id must equal the X-Request-Id header (the mock's examples differ). */
  requestIdEcho?: boolean;
}

/**
 * Checks one reply against the contract. With an operation: status declared, body valid for
 * that status. Without one (no API at this path or with this method): 404 or 405 in the
 * error envelope with APIGW.0101, as the spec's error table says.
 */
export function checkConformance(operation: SpecOperation | undefined, reply: Reply, options: ConformanceOptions = {}): Violation[] {
  const violations: Violation[] = [];
  const label = operation?.id ?? 'no operation';
  if (reply.status === 0) return [{ check: 'status', message: `${label}: ${reply.error ?? 'no answer'}`, ...(operation === undefined ? {} : { at: `${operation.pointer}/responses` }) }];

  const declared = operation?.responses[String(reply.status)];
  const headerRule = declared === undefined ? '/components/headers/XRequestId' : `${declared.pointer}/headers/X-Request-Id`;
  const requestId = reply.headers.get('x-request-id');
  if (requestId === null) violations.push({ check: 'headers', message: 'header X-Request-Id is missing', at: headerRule });
  else if (!REQUEST_ID.test(requestId)) violations.push({ check: 'headers', message: `header X-Request-Id "${requestId}" does not match ${REQUEST_ID.source}`, at: '/components/schemas/RequestId/pattern' });

  let schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject | undefined;
  let schemaAt = '/components/schemas/Error';
  if (operation === undefined) {
    if (reply.status !== 404 && reply.status !== 405) violations.push({ check: 'status', message: `${label}: status ${reply.status} is not 404 or 405 APIGW.0101`, at: '/info/description' });
    else if (reply.body?.error_code !== 'APIGW.0101') violations.push({ check: 'schema', message: `${label}: error_code ${String(reply.body?.error_code)} is not APIGW.0101`, at: '/info/description' });
    schema = ERROR_SCHEMA;
  } else {
    if (declared === undefined) {
      violations.push({ check: 'status', message: `${label}: status ${reply.status} is not declared (declared: ${Object.keys(operation.responses).join(', ')})`, at: `${operation.pointer}/responses` });
      return violations;
    }
    schema = declared.response.content?.['application/json']?.schema;
    schemaAt = `${declared.pointer}/content`;
    if (schema === undefined && reply.text !== '') violations.push({ check: 'schema', message: `${label} ${reply.status}: a body is not declared, got ${reply.text.slice(0, 200)}`, at: declared.pointer });
  }
  if (schema !== undefined) {
    const contentType = reply.headers.get('content-type') ?? '';
    if (!/^application\/json\b/.test(contentType)) violations.push({ check: 'headers', message: `${label} ${reply.status}: content-type "${contentType}" is not application/json`, at: schemaAt });
    const validate = schemaValidator(schema);
    if (!validate(reply.body)) {
      for (const finding of schemaFindings(validate.errors, schemaAt)) violations.push({ check: 'schema', message: `${label} ${reply.status} body ${finding.message}`, at: finding.at });
    }
    const isError = reply.status >= 400;
    if (isError && options.requestIdEcho !== false && requestId !== null && reply.body?.request_id !== requestId) {
      violations.push({ check: 'schema', message: `${label} ${reply.status}: body request_id ${String(reply.body?.request_id)} is not the X-Request-Id ${requestId}`, at: '/components/schemas/Error/properties/request_id' });
    }
  }
  return violations;
}

/** Whether a reply is one the spec declares for the operation, conformant in status, headers and body. */
export function isConformant(operation: SpecOperation | undefined, reply: Reply, options: ConformanceOptions = {}): boolean {
  return checkConformance(operation, reply, options).length === 0;
}
