// Requests Node's HTTP parser refuses (malformed request line or headers, headers too
// large) never reach Express; they still get the contract's envelope and a request id.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { errors } from './errors.ts';

export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const refusal = error.code === 'HPE_HEADER_OVERFLOW' ? errors.headersTooLarge() : errors.malformedHttpRequest();
    const status = `${refusal.status} ${STATUS_CODES[refusal.status]}`;
    const body = JSON.stringify(refusal.body(requestId));
    logger.info({ request_id: requestId, code: error.code }, refusal.message);
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
