// The one adapter between Express and the handlers: a route for each operation of the spec's
// table (method and path as openapi.yaml writes them), which checks the caller, hands the
// handler its validated parameters and writes the result the handler returns.
import { type Request, type Response, Router } from 'express';
import type { SpecOperation } from '../contract/operations.ts';
import type { Handlers } from '../operations/handlers.ts';
import { type Authenticators, authenticate } from './authenticate.ts';

export interface AccessRoles {
  /** Roles that may call the safe (GET, HEAD) operations. */
  read: ReadonlySet<string>;
  /** Roles that may call every other operation. */
  write: ReadonlySet<string>;
}

/** A handler as the adapter calls it: the types of each one's input and result hold per operation. */
type AnyHandler = (
  input: { path: unknown; query: unknown },
  context: { principal: NonNullable<Response['locals']['principal']>; requestId: string; correlationId: string | undefined },
) => Promise<{ status: number; body?: unknown }>;

export function operationRoutes(table: readonly SpecOperation[], handlers: Handlers, authenticators: Authenticators, roles: AccessRoles): Router {
  const router = Router({ caseSensitive: true, strict: true });
  for (const operation of table) {
    const handler = (handlers as Record<string, AnyHandler | undefined>)[operation.operationId];
    // Unreachable while Handlers is derived from the same spec; a stale build would fail here, at start.
    if (handler === undefined) throw new Error(`openapi.yaml: operation ${operation.operationId} has no handler`);
    const allowed = operation.method === 'get' || operation.method === 'head' ? roles.read : roles.write;
    router[operation.method](operation.expressPath, authenticate(authenticators, allowed, operation.summary), async (req: Request, res: Response) => {
      // express-openapi-validator has checked both against this operation's parameters and
      // coerced the query's numbers, which is what the handler's input type says.
      const result = await handler({ path: req.params, query: req.query }, { principal: res.locals.principal!, requestId: res.locals.requestId, correlationId: res.locals.correlationId });
      res.status(result.status);
      if (result.body === undefined) res.end();
      else res.json(result.body);
    });
  }
  return router;
}
