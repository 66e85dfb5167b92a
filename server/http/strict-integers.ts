// Integer query parameters as the spec means them: decimal digits. The validator coerces with
// Number(), which also takes `0x10`, `1e3`, `0b11`, ` ` (0), `Infinity` and `1e400` (and an
// infinite number passes its integer check and every bound): those are refused here, after
// the validator has matched the operation and checked everything else.
import type { RequestHandler } from 'express';
import type { OpenAPIV3 } from 'openapi-types';
import { resolveRef, specOperations } from '../contract/operations.ts';
import { errors } from './errors.ts';

const DECIMAL = /^[0-9]+$/;

/** For each operationId, the names of its integer query parameters. */
function integerQueryParameters(spec: OpenAPIV3.Document): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const operation of specOperations(spec)) {
    const names = operation.parameters
      .filter((p) => p.in === 'query' && p.schema !== undefined && resolveRef(spec, p.schema).type === 'integer')
      .map((p) => p.name);
    if (names.length > 0) table.set(operation.operationId, names);
  }
  return table;
}

export function strictIntegers(spec: OpenAPIV3.Document): RequestHandler {
  const table = integerQueryParameters(spec);
  return (req, _res, next) => {
    const operationId = (req as { openapi?: { schema?: { operationId?: string } } }).openapi?.schema?.operationId;
    const names = operationId === undefined ? undefined : table.get(operationId);
    const queryAt = req.originalUrl.indexOf('?');
    if (names === undefined || queryAt === -1) {
      next();
      return;
    }
    const query = new URLSearchParams(req.originalUrl.slice(queryAt + 1));
    for (const name of names) {
      for (const value of query.getAll(name)) {
        if (!DECIMAL.test(value) || !Number.isSafeInteger(Number(value))) {
          next(errors.notDecimalInteger(name));
          return;
        }
      }
    }
    next();
  };
}
