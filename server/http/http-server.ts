// The HTTP server in front of the app, set up for an API: bounded time to send headers and a
// request, a bounded number of connections, and every answer that Node's HTTP layer would
// write itself (malformed request, headers too large, too slow, no Host, an Expect it cannot
// meet) written in the contract's envelope with a request id instead.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type RequestListener, type Server, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type ApiError, errors } from './errors.ts';

export interface HttpLimits {
  /** Longest a caller may take to send a request's headers (408 after). */
  headersTimeoutMs: number;
  /** Longest a caller may take to send a whole request (408 after). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; more are closed as they come. */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_000 };

export function createHttpServer(app: RequestListener, logger: Logger, limits: HttpLimits = DEFAULT_HTTP_LIMITS): Server {
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above this often (by default every 30 s, which would let a
    // slow caller keep its connection up to 30 s longer than allowed).
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    // Node answers a missing Host with a bare 400; the app answers it in the envelope.
    requireHostHeader: false,
  }, app);
  server.maxConnections = limits.maxConnections;
  // No operation takes a body, so no `100 Continue` is ever sent: the app answers at once
  // (refusing the announced body). Other expectations are the app's to refuse (417).
  server.on('checkContinue', app);
  server.on('checkExpectation', app);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, logger));
  return server;
}

/** Requests Node's HTTP parser refuses never reach the app; they still get the envelope and a request id. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const refusal = refusalOf(error);
  const requestId = randomUUID();
  const body = JSON.stringify(refusal.body(requestId));
  logger.info({ request_id: requestId, code: error.code }, refusal.message);
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function refusalOf(error: NodeJS.ErrnoException): ApiError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return errors.headersTooLarge();
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.requestTimeout();
    default:
      return errors.malformedHttpRequest();
  }
}
