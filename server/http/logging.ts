// One structured JSON line per request (pino-http), keyed by the request id. Only the
// method, path and status are logged: never headers, so never the token.
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => (res as unknown as { locals: Express.Locals }).locals.requestId,
    customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
    // `reqId` (pino-http's name) is the request id of the X-Request-Id header and error bodies.
    customProps: (_req, res) => {
      const { requestId, principal } = (res as unknown as { locals: Express.Locals }).locals;
      return principal === undefined ? { reqId: requestId } : { reqId: requestId, user_id: principal.user.id };
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    wrapSerializers: false,
  }) as unknown as RequestHandler;
}
