// The response checks every contract test shares, read from openapi.yaml itself: the status
// is one the operation declares, the body validates against the schema declared for that
// status (Ajv on the spec's components), and X-Request-Id is present and well-formed.
// Each check returns messages that name the violation; an empty list means conformant.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';
import { componentValidator, loadSpec } from '../../../server/contract/spec.ts';
import type { OperationId } from '../../../server/contract/types.ts';
import type { Reply } from './send.ts';

const spec = loadSpec();

export interface SpecOperation {
  id: OperationId;
  method: string;
  template: string;
  /** Path and operation parameters together, resolved. */
  parameters: OpenAPIV3.ParameterObject[];
  responses: Record<string, OpenAPIV3.ResponseObject>;
}

function resolve<T>(item: T | OpenAPIV3.ReferenceObject): T {
  if (typeof item !== 'object' || item === null || !('$ref' in item)) return item as T;
  const parts = item.$ref.replace(/^#\//, '').split('/');
  let node: unknown = spec;
  for (const part of parts) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (node === undefined) throw new Error(`openapi.yaml: unresolved ${item.$ref}`);
  return resolve(node as T | OpenAPIV3.ReferenceObject);
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** Every operation of the spec, with its parameters and responses resolved. */
export const OPERATIONS: readonly SpecOperation[] = Object.entries(spec.paths).flatMap(([template, item]) =>
  HTTP_METHODS.flatMap((method) => {
    const operation = item?.[method];
    if (operation === undefined) return [];
    const parameters = [...(item?.parameters ?? []), ...(operation.parameters ?? [])].map((p) => resolve<OpenAPIV3.ParameterObject>(p));
    const responses = Object.fromEntries(Object.entries(operation.responses).map(([status, r]) => [status, resolve<OpenAPIV3.ResponseObject>(r)]));
    return [{ id: operation.operationId as OperationId, method: method.toUpperCase(), template, parameters, responses }];
  }),
);

export function operationById(id: OperationId): SpecOperation {
  const operation = OPERATIONS.find((op) => op.id === id);
  if (operation === undefined) throw new Error(`openapi.yaml has no operation ${id}`);
  return operation;
}

// Schemas the spec names go through the project's own componentValidator; an inline schema
// gets the same treatment with its references pointed at the spec's components.
const validators = new Map<string, ValidateFunction>();
let inlineAjv: Ajv | undefined;

export function schemaValidator(schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (validate === undefined) {
    const named = '$ref' in schema ? /^#\/components\/schemas\/([^/]+)$/.exec(schema.$ref) : null;
    if (named?.[1] !== undefined) {
      validate = componentValidator(named[1]);
    } else {
      if (inlineAjv === undefined) {
        inlineAjv = new Ajv({ allErrors: true, strict: false });
        inlineAjv.addSchema({ components: spec.components }, 'spec');
      }
      validate = inlineAjv.compile(JSON.parse(key.replaceAll('"#/components/', '"spec#/components/')));
    }
    validators.set(key, validate);
  }
  return validate;
}

/** Ajv's findings as sentences that name the field: `/count: must have required property 'count'`. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'allOf' && e.keyword !== 'if')
    .map((e) => {
      const where = e.instancePath === '' ? '(body)' : e.instancePath;
      const params = e.params as Record<string, unknown>;
      if (e.keyword === 'additionalProperties') return `${where}: must NOT have additional properties: '${String(params.additionalProperty)}' is not declared`;
      if (e.keyword === 'enum') return `${where}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
      return `${where}: ${e.message ?? e.keyword}`;
    })
    .filter((line, index, all) => all.indexOf(line) === index);
}

const REQUEST_ID = new RegExp((spec.components?.schemas?.RequestId as OpenAPIV3.SchemaObject).pattern ?? '');
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
export function checkConformance(operation: SpecOperation | undefined, reply: Reply, options: ConformanceOptions = {}): string[] {
  const violations: string[] = [];
  const requestId = reply.headers.get('x-request-id');
  if (requestId === null) violations.push('header X-Request-Id is missing');
  else if (!REQUEST_ID.test(requestId)) violations.push(`header X-Request-Id "${requestId}" does not match ${REQUEST_ID.source}`);

  const label = operation?.id ?? 'no operation';
  let schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject | undefined;
  if (operation === undefined) {
    if (reply.status !== 404 && reply.status !== 405) violations.push(`${label}: status ${reply.status} is not 404 or 405 APIGW.0101`);
    else if (reply.body?.error_code !== 'APIGW.0101') violations.push(`${label}: error_code ${String(reply.body?.error_code)} is not APIGW.0101`);
    schema = ERROR_SCHEMA;
  } else {
    const declared = operation.responses[String(reply.status)];
    if (declared === undefined) {
      violations.push(`${label}: status ${reply.status} is not declared (declared: ${Object.keys(operation.responses).join(', ')})`);
      return violations;
    }
    schema = declared.content?.['application/json']?.schema;
    if (schema === undefined && reply.text !== '') violations.push(`${label} ${reply.status}: a body is not declared, got ${reply.text.slice(0, 200)}`);
  }
  if (schema !== undefined) {
    const contentType = reply.headers.get('content-type') ?? '';
    if (!/^application\/json\b/.test(contentType)) violations.push(`${label} ${reply.status}: content-type "${contentType}" is not application/json`);
    const validate = schemaValidator(schema);
    if (!validate(reply.body)) {
      for (const finding of describeSchemaErrors(validate.errors)) violations.push(`${label} ${reply.status} body ${finding}`);
    }
    const isError = reply.status >= 400;
    if (isError && options.requestIdEcho !== false && requestId !== null && reply.body?.request_id !== requestId) {
      violations.push(`${label} ${reply.status}: body request_id ${String(reply.body?.request_id)} is not the X-Request-Id ${requestId}`);
    }
  }
  return violations;
}
