// openapi.yaml as the verifier reads it: the document, its operations with parameters and
// responses resolved, and the line of any place in it (a JSON pointer such as
// `/components/schemas/Error/additionalProperties`), so a violation can point at the rule it breaks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIV3 } from 'openapi-types';
import { LineCounter, isMap, isSeq, isScalar, parseDocument, type Node } from 'yaml';
import { SPEC_FILE } from './files.ts';

const source = readFileSync(SPEC_FILE, 'utf8');
const lineCounter = new LineCounter();
const yamlDocument = parseDocument(source, { lineCounter });

export const spec = yamlDocument.toJS() as OpenAPIV3.Document;

/** `#/a/b~1c` or `/a/b~1c` as its segments. */
function segments(pointer: string): string[] {
  const bare = pointer.replace(/^#/, '').replace(/^\//, '');
  return bare === '' ? [] : bare.split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function pointerOf(parts: readonly (string | number)[]): string {
  return `/${parts.map((part) => String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

/**
 * The 1-based line in openapi.yaml of the place a JSON pointer names: the line of its key in the
 * enclosing map (or of the item in a list); the nearest enclosing place that exists when the
 * pointer goes further than the document.
 */
export function specLine(pointer: string): number | undefined {
  let node: unknown = yamlDocument.contents;
  let offset: number | undefined;
  for (const part of segments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === part);
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (item === undefined) break;
      offset = item.range?.[0];
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

/** openapi.yaml's path as annotations name it: relative to the working directory. */
export function specFileForAnnotations(): string {
  return path.relative(process.cwd(), SPEC_FILE) || 'openapi.yaml';
}

/** The value at a JSON pointer of the spec. */
export function atPointer(pointer: string): unknown {
  let node: unknown = spec;
  for (const part of segments(pointer)) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

/** Follows `$ref`s; the object and the pointer where it is written. */
export function resolve<T>(item: T | OpenAPIV3.ReferenceObject, pointer: string): { value: T; pointer: string } {
  let value: unknown = item;
  let where = pointer;
  for (let hops = 0; typeof value === 'object' && value !== null && '$ref' in value; hops++) {
    if (hops > 20) throw new Error(`openapi.yaml: $ref cycle at ${pointer}`);
    where = (value as OpenAPIV3.ReferenceObject).$ref.replace(/^#/, '');
    value = atPointer(where);
    if (value === undefined) throw new Error(`openapi.yaml: unresolved ${where}`);
  }
  return { value: value as T, pointer: where };
}

export interface SpecResponse {
  response: OpenAPIV3.ResponseObject;
  /** Where the response is written (the component, when the operation refers to one). */
  pointer: string;
}

export interface SpecOperation {
  id: string;
  method: string;
  template: string;
  /** Where the operation is written. */
  pointer: string;
  /** Path and operation parameters together, resolved. */
  parameters: OpenAPIV3.ParameterObject[];
  responses: Record<string, SpecResponse>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** Every operation of the spec, with its parameters and responses resolved. */
export const OPERATIONS: readonly SpecOperation[] = Object.entries(spec.paths).flatMap(([template, item]) =>
  HTTP_METHODS.flatMap((method) => {
    const operation = item?.[method];
    if (operation === undefined) return [];
    const pointer = pointerOf(['paths', template, method]);
    const parameters = [
      ...(item?.parameters ?? []).map((p, i) => resolve<OpenAPIV3.ParameterObject>(p, pointerOf(['paths', template, 'parameters', i])).value),
      ...(operation.parameters ?? []).map((p, i) => resolve<OpenAPIV3.ParameterObject>(p, `${pointer}/parameters/${i}`).value),
    ];
    const responses = Object.fromEntries(
      Object.entries(operation.responses).map(([status, r]) => {
        const { value, pointer: at } = resolve<OpenAPIV3.ResponseObject>(r, `${pointer}/responses/${status}`);
        return [status, { response: value, pointer: at }];
      }),
    );
    return [{ id: operation.operationId ?? `${method} ${template}`, method: method.toUpperCase(), template, pointer, parameters, responses }];
  }),
);

export function operationById(id: string): SpecOperation {
  const operation = OPERATIONS.find((op) => op.id === id);
  if (operation === undefined) throw new Error(`openapi.yaml has no operation ${id}`);
  return operation;
}

/** The `pattern` of a string schema in `#/components/schemas`. */
export function componentPattern(name: string): RegExp {
  const schema = spec.components?.schemas?.[name] as { pattern?: string } | undefined;
  if (schema?.pattern === undefined) throw new Error(`openapi.yaml: components.schemas.${name} has no pattern`);
  return new RegExp(schema.pattern, 'u');
}
