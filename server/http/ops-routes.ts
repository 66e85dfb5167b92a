// Operations endpoints, outside the API contract: liveness, readiness, metrics.
import { Router } from 'express';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/verifier.ts';
import type { BackupStore } from '../store/store.ts';
import { errors } from './errors.ts';
import type { Metrics } from './metrics.ts';

/** The paths opsRoutes serves, and nothing else. */
export const OPS_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

export function opsRoutes(deps: { store: BackupStore; verifier: TokenVerifier; metrics: Metrics; logger: Logger }): Router {
  const router = Router();
  // Liveness: the process answers. Restarting it would not help a down database.
  router.get(OPS_PATHS.health, (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: this instance can serve, so a load balancer may send it traffic. Reads alone
  // are not enough: a store that takes no writes would answer every DELETE with a 500.
  router.get(OPS_PATHS.ready, async (_req, res) => {
    const checks: [name: string, failure: string, check: () => Promise<void>][] = [
      ['store', 'store unavailable', () => deps.store.ping()],
      ['store', 'store takes no writes', () => deps.store.checkWritable()],
      ['token verifier', 'token verifier unavailable', () => deps.verifier.ready?.() ?? Promise.resolve()],
    ];
    for (const [name, failure, check] of checks) {
      try {
        await check();
      } catch (error) {
        deps.logger.warn({ err: error, request_id: res.locals.requestId }, `not ready: ${failure}`);
        const notReady = errors.notReady(name);
        res.status(notReady.status).json(notReady.body(res.locals.requestId));
        return;
      }
    }
    res.json({ status: 'ready' });
  });
  router.get(OPS_PATHS.metrics, async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
