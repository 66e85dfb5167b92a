// One structured JSON line per API request (not for the ops and docs endpoints, mounted
// before it), keyed by the request id: method, URL, status, time taken and the caller's user
// id. Never headers, and never query values (a caller may put a token there), so never the token.
//
// The line is written straight from the service's logger when the response is done. (pino-http
// wrote the same line, but built two child loggers and three listeners for every request,
// which cost more than the line itself; see the README's Performance section.)
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    // As received (routers rewrite req.url while they run), with the query's values left out.
    const { method } = req;
    const url = withoutQueryValues(req.url);
    // 'close' comes once per response: after 'finish', or when the caller went away first.
    res.once('close', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const { requestId, correlationId, principal } = res.locals;
      const line: Record<string, unknown> = { reqId: requestId, req: { method, url } };
      if (correlationId !== undefined) line.correlation_id = correlationId;
      if (principal !== undefined) line.user_id = principal.user.id;
      line.res = { status };
      line.responseTime = Date.now() - started;
      if (!res.writableFinished) line.aborted = true;
      logger[level](line, `${method} ${url} ${status}`);
    });
    next();
  };
}

/**
 * `/path?limit=10&X-Auth-Token=abc` as `/path?limit=…&X-Auth-Token=…`: which parameters came,
 * not their values. A name too long to be a parameter's (a token sent as `?<token>`) is left out too.
 */
export function withoutQueryValues(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return url;
  const names = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => pair.split('=', 1)[0]!)
    .map((name) => `${name.length <= 64 ? name : '…'}=…`);
  return `${url.slice(0, queryAt)}?${names.join('&')}`;
}
