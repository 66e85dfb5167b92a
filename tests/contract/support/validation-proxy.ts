// The Prism validation proxy as the contract tests run it, in front of a server.
import { type RunningProcess, startProxy } from '../../support/processes.ts';

/**
 * `prism proxy openapi.yaml <upstream> --errors --validate-request=false`. Prism still
 * validates the answer to every request; without request validation it forwards malformed
 * requests instead of answering 422 problem+json itself, so the server's own 400s are checked
 * too. It still answers a missing or empty token, an unknown path and an undeclared method
 * itself (scenarios.ts documents those).
 */
export function startValidationProxy(upstreamUrl: string): Promise<RunningProcess> {
  return startProxy(upstreamUrl, ['--validate-request=false']);
}
