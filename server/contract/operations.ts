// The spec's operations as a table: each operationId with its HTTP method and path, read from
// openapi.yaml at start. The routes are made from this table and nothing else, so a path or a
// method is written once, in the spec.
import type { OpenAPIV3 } from 'openapi-types';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type HttpMethod = (typeof METHODS)[number];

export interface SpecOperation {
  operationId: string;
  method: HttpMethod;
  /** The path as the spec writes it: `/v3/{project_id}/backups/{backup_id}`. */
  path: string;
  /** The same path in Express's syntax: `/v3/:project_id/backups/:backup_id`. */
  expressPath: string;
  /** The spec's one-line summary, which messages use to name the operation. */
  summary: string;
  /** Its parameters (the path's and its own), references resolved. */
  parameters: OpenAPIV3.ParameterObject[];
  /** Its responses by status, references resolved. */
  responses: Record<string, OpenAPIV3.ResponseObject>;
}

/** `#/components/<kind>/<name>` references followed to what they name. */
export function resolveRef<T extends object>(spec: OpenAPIV3.Document, item: T | OpenAPIV3.ReferenceObject): T {
  if (!('$ref' in item)) return item;
  const [kind, name] = item.$ref.replace('#/components/', '').split('/') as [string, string];
  const target = (spec.components as Record<string, Record<string, T | OpenAPIV3.ReferenceObject> | undefined> | undefined)?.[kind]?.[name];
  if (target === undefined) throw new Error(`openapi.yaml: no ${item.$ref}`);
  return resolveRef(spec, target);
}

export function specOperations(spec: OpenAPIV3.Document): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation === undefined) continue;
      if (operation.operationId === undefined) throw new Error(`openapi.yaml: ${method.toUpperCase()} ${path} has no operationId`);
      operations.push({
        operationId: operation.operationId,
        method,
        path,
        expressPath: toExpressPath(path),
        summary: operation.summary ?? operation.operationId,
        parameters: [...(item?.parameters ?? []), ...(operation.parameters ?? [])].map((p) => resolveRef(spec, p)),
        responses: Object.fromEntries(Object.entries(operation.responses).map(([status, response]) => [status, resolveRef(spec, response)])),
      });
    }
  }
  return operations;
}

/** `{name}` segments as Express's `:name` parameters; parameter names must be plain words for that. */
export function toExpressPath(path: string): string {
  return path.replace(/\{([^}]*)\}/g, (_whole, name: string) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`openapi.yaml: path parameter {${name}} of ${path} is not a plain name`);
    return `:${name}`;
  });
}
