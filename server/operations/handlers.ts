// The handler map's type: one handler per operationId of openapi.yaml (generated/), each
// given its operation's validated parameters and held to its operation's answers.
import type { operations } from '../../generated/openapi.ts';
import type { Principal } from '../auth/verifier.ts';
import type { HandlersOf } from '../contract/types.ts';

export type Handlers = HandlersOf<operations, Principal>;
