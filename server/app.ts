// Builds the Express app from its dependencies, without listening, so tests can drive it
// directly. A request flows one way: request id, ops and docs endpoints, metrics, logging,
// HTTP framing and exact paths, contract validation, body refusal, then the operation's route
// (token check, handler, store), a catch-all 404, and one error handler.
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { AccessKeysVerifier } from './auth/access-keys.ts';
import type { TokenVerifier } from './auth/verifier.ts';
import { loadSpec } from './contract/spec.ts';
import './http/locals.ts';
import { DOCS_PATHS, docsRoutes } from './http/docs-routes.ts';
import { type CorsOrigins, corsPolicy } from './http/cors.ts';
import { errorHandler } from './http/error-handler.ts';
import { errors } from './http/errors.ts';
import { onlyAt } from './http/exact-path-gate.ts';
import { exactPaths } from './http/exact-paths.ts';
import { requestLogging } from './http/logging.ts';
import { type Metrics, createMetrics } from './http/metrics.ts';
import { OPS_PATHS, opsRoutes } from './http/ops-routes.ts';
import { rejectRequestBodies } from './http/reject-body.ts';
import { checkRequestFraming } from './http/request-framing.ts';
import { strictIntegers } from './http/strict-integers.ts';
import { requestId } from './http/request-id.ts';
import { operationRoutes } from './http/operation-routes.ts';
import { contractValidator } from './http/validation.ts';
import { specOperations } from './contract/operations.ts';
import { backupHandlers } from './operations/backups.ts';
import type { BackupStore } from './store/store.ts';
import type { BackupDetail } from './contract/types.ts';
import { MOCK_PATHS, mockRoutes } from './mock/mock-routes.ts';
import { delayAnswers, preferredAnswers } from './mock/prefer.ts';
import type { SwappableStore } from './mock/swappable-store.ts';

export interface AppConfig {
  /** Check responses against the spec too (on outside production). */
  validateResponses: boolean;
  /** Roles that may delete (Keystone personas: member, admin). */
  deleteRoles: readonly string[];
  /** Roles that may read (reader, member, admin). */
  readRoles: readonly string[];
  /** Origins whose pages may call the API; undefined: no CORS headers. */
  corsOrigins?: CorsOrigins | undefined;
}

/** The stateful mock's additions (server/mock): its own endpoints, forced answers, delays. */
export interface MockDeps {
  store: SwappableStore;
  demoBackups: () => BackupDetail[];
  /** Waited before every answer (MOCK_DELAY_MS); `Prefer: delay=<ms>` overrides it. */
  delayMs: number;
}

export interface AppDeps {
  store: BackupStore;
  verifier: TokenVerifier;
  /** Access keys for signed (AK/SK) requests; without them only tokens are taken. */
  accessKeys?: AccessKeysVerifier;
  logger: Logger;
  config: AppConfig;
  metrics?: Metrics;
  /** Only for the stateful mock (npm run mock:stateful). */
  mock?: MockDeps;
}

export function createApp(deps: AppDeps): Express {
  const { store, verifier, logger, config } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Paths are matched exactly as the spec writes them: /V3/... or a trailing slash is no API.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);

  app.use(requestId());
  if (deps.mock !== undefined) {
    app.use(delayAnswers(deps.mock.delayMs));
    app.use(onlyAt(Object.values(MOCK_PATHS), mockRoutes(deps.mock.store, deps.mock.demoBackups)));
  }
  app.use(onlyAt(Object.values(OPS_PATHS), opsRoutes({ store, verifier, metrics, logger })));
  app.use(onlyAt(Object.values(DOCS_PATHS), docsRoutes()));
  app.use(metrics.middleware);
  app.use(requestLogging(logger));
  app.use(checkRequestFraming());
  const spec = loadSpec();
  // Before the validator: a preflight (OPTIONS) is no operation of the spec.
  // The stateful mock also lets a page send Prism's Prefer header (server/mock/prefer.ts).
  if (config.corsOrigins !== undefined) app.use(corsPolicy(spec, config.corsOrigins, deps.mock === undefined ? [] : ['Prefer']));
  app.use(exactPaths());
  app.use(contractValidator(spec, { validateResponses: config.validateResponses }));
  app.use(strictIntegers(spec));
  if (deps.mock !== undefined) app.use(preferredAnswers(spec));
  // After the validator, so that an unknown path or method is answered 404/405 as such.
  app.use(rejectRequestBodies());
  app.use(
    operationRoutes(specOperations(spec), backupHandlers({ store, metrics }), { tokens: verifier, accessKeys: deps.accessKeys }, {
      read: new Set(config.readRoles),
      write: new Set(config.deleteRoles),
    }),
  );
  // Whatever no route took (a path the validator matched loosely, `*`, ...): no such API.
  app.use((req, _res, next) => next(errors.noSuchApi(req.method, req.path)));
  app.use(errorHandler(logger));
  return app;
}
