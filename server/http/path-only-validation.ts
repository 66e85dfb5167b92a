// A shortcut in front of express-openapi-validator for the commonest requests. In production
// (responses not validated) a request that carries nothing but path parameters (no query
// string, no Content-Type) is checked by validators compiled from the spec once at start-up.
// What they accept the library accepts too, so such a request goes on at once; anything else,
// and every request they do not accept, goes through the library, which gives every answer
// and every error message. The library's own route lookup compiles the spec's paths again on
// every request, which cost more than the rest of the request checks (see the README's
// Performance section); tests/server/validation-fast-path.test.ts holds the two to the same answers.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Ajv, type ValidateFunction } from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';

/** The library's middlewares, behind the fast path. */
export function withPathOnlyFastPath(spec: OpenAPIV3.Document, library: readonly RequestHandler[]): RequestHandler[] {
  const routes = pathOnlyRoutes(spec);
  const runLibrary = chain(library);
  return [
    (req, res, next) => {
      const match = matchPathOnly(routes, req);
      if (match === undefined) {
        runLibrary(req, res, next);
        return;
      }
      // What the library's route lookup would have set; metrics.ts reads openApiRoute.
      (req as Request & { openapi?: unknown }).openapi = match;
      next();
    },
  ];
}

/** An operation whose only parameters are path parameters, with one compiled validator per parameter. */
interface PathOnlyRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  validators: ValidateFunction[];
  openApiRoute: string;
  expressRoute: string;
  schema: OpenAPIV3.OperationObject;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The operations that may take the fast path, with their validators, compiled once. */
function pathOnlyRoutes(spec: OpenAPIV3.Document): PathOnlyRoute[] {
  const components = spec.components ?? {};
  // No coercion: a value of another type than string is left to the library (which coerces).
  const ajv = new Ajv({ strict: false, coerceTypes: false, allErrors: false });
  ajv.addSchema({ components }, 'spec');
  const resolve = <T>(item: T | OpenAPIV3.ReferenceObject): T => {
    if (typeof item !== 'object' || item === null || !('$ref' in item)) return item as T;
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(item.$ref) ?? [];
    return (components as Record<string, Record<string, T>>)[kind ?? '']?.[name ?? ''] as T;
  };
  const routes: PathOnlyRoute[] = [];
  for (const [template, pathItem] of Object.entries(spec.paths ?? {})) {
    if (pathItem === undefined) continue;
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (operation === undefined || operation.requestBody !== undefined) continue;
      const parameters = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map((p) => resolve<OpenAPIV3.ParameterObject>(p));
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const byName = new Map(parameters.filter((p) => p?.in === 'path').map((p) => [p.name, p]));
      const simple =
        parameters.every((p) => p?.in === 'path' && p.schema !== undefined && p.content === undefined) &&
        names.length === byName.size &&
        names.every((name) => byName.has(name)) &&
        // Formats are left to the library, which knows more of them than plain Ajv.
        !JSON.stringify(parameters).includes('"format"');
      if (!simple) continue;
      const literal = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      routes.push({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${literal.join('([^/]+)')}$`),
        names,
        validators: names.map((name) => ajv.compile(localRefsToSpec(byName.get(name)!.schema))),
        openApiRoute: template,
        expressRoute: template.replace(/\{([^}]+)\}/g, ':$1'),
        schema: operation,
      });
    }
  }
  return routes;
}

/** `#/components/...` references, as the spec writes them, pointed at the schema added as `spec`. */
function localRefsToSpec(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"spec#/components/')) as object;
}

/** The route and decoded parameters of a request the fast path accepts; undefined sends it to the library. */
function matchPathOnly(routes: readonly PathOnlyRoute[], req: Request) {
  const { url } = req;
  if (url.includes('?') || req.headers['content-type'] !== undefined) return undefined;
  let found: { route: PathOnlyRoute; values: string[] } | undefined;
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const matched = route.pattern.exec(url);
    if (matched === null) continue;
    // A path that two templates match: the library decides.
    if (found !== undefined) return undefined;
    found = { route, values: matched.slice(1) };
  }
  // No operation of this method here (unknown path, or 405): the library answers.
  if (found === undefined) return undefined;
  const { route } = found;
  const pathParams: Record<string, string> = {};
  for (const [index, raw] of found.values.entries()) {
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (!route.validators[index]!(value)) return undefined;
    pathParams[route.names[index]!] = value;
  }
  return { expressRoute: route.expressRoute, openApiRoute: route.openApiRoute, pathParams, schema: route.schema };
}

/** Runs middlewares one after the other, as Express would, then `next`. */
function chain(middlewares: readonly RequestHandler[]): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const run = (index: number) => (error?: unknown) => {
      if (error !== undefined && error !== null) {
        next(error);
        return;
      }
      if (index === middlewares.length) {
        next();
        return;
      }
      const result: unknown = middlewares[index]!(req, res, run(index + 1));
      // A middleware that returns a rejected promise has failed, as Express 5 treats it.
      if (result instanceof Promise) result.catch((failure: unknown) => next(failure));
    };
    run(0)();
  };
}
