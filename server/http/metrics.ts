// Prometheus metrics (prom-client), one registry per app so that apps built in tests do not
// share counters.
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Counts one delete by its outcome: `deleted` or the error code returned. */
  countDeletion(outcome: string): void;
  /** Times and counts every request by method, route template and status. */
  middleware: RequestHandler;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const deletions = new Counter({
    name: 'backup_deletions_total',
    help: 'Delete requests that reached the store, by outcome (deleted, or the error code)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const seriesByKey = new Map<string, { requests: ReturnType<typeof requests.labels>; duration: ReturnType<typeof duration.labels> }>();
  return {
    registry,
    countDeletion: (outcome) => deletions.inc({ outcome }),
    middleware: (req, res, next) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        // The route template, never the raw path, so ids do not explode label cardinality.
        const route = (req as { openapi?: { openApiRoute?: string } }).openapi?.openApiRoute ?? 'unmatched';
        const series = seriesOf(req.method, route, res.statusCode);
        series.requests.inc();
        series.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    },
  };

  /**
   * The two series of one method, route and status, looked up once: prom-client would hash the
   * labels on every call. The key space is small (the spec's routes, 'unmatched', the statuses).
   */
  function seriesOf(method: string, route: string, status: number) {
    const key = `${method} ${route} ${status}`;
    let series = seriesByKey.get(key);
    if (series === undefined) {
      const labels = { method, route, status: String(status) };
      series = { requests: requests.labels(labels), duration: duration.labels(labels) };
      seriesByKey.set(key, series);
    }
    return series;
  }
}
