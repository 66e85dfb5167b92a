// Stops a server the way a rolling deploy needs: no new connections, requests in flight
// finish, then the store closes. A connection still open at the deadline (a request still
// running, a caller still sending its headers) is closed then. A second signal exits at once.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Logger } from 'pino';

export async function stopGracefully(server: Server, closeStore: () => Promise<void>, deadlineMs: number): Promise<void> {
  const closed = once(server, 'close');
  server.close();
  // Keep-alive connections with no request in flight would otherwise hold close() open.
  server.closeIdleConnections();
  const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
  try {
    await closed;
  } finally {
    clearTimeout(deadline);
  }
  await closeStore();
}

export function onStopSignals(stop: (signal: string) => Promise<void>, logger: Logger): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      logger.flush();
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    stop(signal).then(
      () => {
        logger.info('stopped');
        logger.flush();
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
