// A loopback HTTP server whose every answer a test scripts: contract answers, answers the
// contract does not allow, dropped connections, or none at all. It records what it was sent.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  token: string | undefined;
}

/** Answers request number `attempt` (1 for the first). */
export type Script = (attempt: number, request: IncomingMessage, response: ServerResponse) => void;

export interface ScriptedServer {
  url: string;
  port: number;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(script: Script, port = 0): Promise<ScriptedServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const token = request.headers['x-auth-token'];
    received.push({ method: request.method ?? '', url: request.url ?? '', token: typeof token === 'string' ? token : undefined });
    // Read the (empty) request to its end before answering, as a real service would.
    request.resume();
    request.once('end', () => script(received.length, request, response));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let requestCounter = 0;

/** A contract error answer. */
export function answerError(response: ServerResponse, status: number, code: string, message = `scripted ${code}`): void {
  requestCounter += 1;
  const requestId = `scripted-${requestCounter}`;
  const body = JSON.stringify({ error_code: code, error_msg: message, request_id: requestId });
  response.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': requestId }).end(body);
}

export function answerRaw(response: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
  response.writeHead(status, { 'Content-Type': contentType }).end(body);
}

export function answerNoContent(response: ServerResponse): void {
  response.writeHead(204, { 'X-Request-Id': 'scripted-deleted' }).end();
}

/** Drops the connection after the request arrived: the service may have acted on it. */
export function dropConnection(request: IncomingMessage): void {
  request.socket.destroy();
}
