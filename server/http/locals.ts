// What middleware hands on to later middleware and handlers, per response.
import type { Principal } from '../auth/verifier.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by request-id.ts before anything else runs. */
      requestId: string;
      /** The caller's well-formed X-Request-Id, if it sent one (request-id.ts). */
      correlationId?: string;
      /** Set by authenticate.ts on routes that need a token. */
      principal?: Principal;
    }
  }
}

export {};
