// express-openapi-validator, set up for this service: requests are always checked against
// openapi.yaml; responses too unless switched off (production). Security is not left to the
// validator: authenticate.ts checks tokens with the service's own verifier, once.
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { OpenAPIV3 } from 'openapi-types';
import { ApiError } from './api-error.ts';
import { withPathOnlyFastPath } from './path-only-validation.ts';

export interface ValidationOptions {
  /** A response that breaks the contract becomes 500 CSBS.9998 (logged by the error handler). */
  validateResponses: boolean;
  /** Accept path-parameter-only requests with validators compiled at start (default: on when responses are not validated). */
  pathOnlyFastPath?: boolean;
}

export function contractValidator(spec: OpenAPIV3.Document, options: ValidationOptions): RequestHandler[] {
  const library = OpenApiValidator.middleware({
    apiSpec: spec as never,
    // openapi.yaml is linted and tested in CI; validating it again on every start costs time.
    validateApiSpec: false,
    validateRequests: { allowUnknownQueryParameters: false, allErrors: false },
    // No onError: then a violation is thrown as a 500, which the error handler logs and answers.
    validateResponses: options.validateResponses ? { allErrors: true } : false,
    validateSecurity: false,
    validateFormats: true,
    ajvFormats: { mode: 'fast' },
    ignoreUndocumented: false,
  }) as RequestHandler[];
  // Response validation needs the library on every request, so no fast path then.
  if (!(options.pathOnlyFastPath ?? !options.validateResponses)) return library;
  return withPathOnlyFastPath(spec, library);
}

interface ValidatorError {
  status: number;
  message: string;
  path?: string;
  errors?: { path?: string; message?: string }[];
  headers?: Record<string, string>;
}

const VALIDATOR_ERRORS = Object.values(OpenApiValidator.error);

/** Errors of the validator only: another error with a `status` is not taken for a client error. */
function isValidatorError(error: unknown): error is ValidatorError {
  return VALIDATOR_ERRORS.some((type) => error instanceof type);
}

/** A path as error messages echo it: short enough for the spec's error_msg length. */
function shown(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}...` : path;
}

/**
 * Maps what the validator throws to the contract's codes.
 * Returns undefined for anything else, which the error handler treats as internal.
 */
export function validationErrorToApiError(error: unknown, method: string, path: string): ApiError | undefined {
  if (!isValidatorError(error) || error.status >= 500) return undefined;
  switch (error.status) {
    case 404:
      return new ApiError(404, 'APIGW.0101', `The API does not exist: no API at ${method} ${shown(path)}`);
    case 405:
      return new ApiError(405, 'APIGW.0101', `The API does not exist: ${method} is not an API of ${shown(path)}`, allowHeader(error));
    default: {
      const findings = (error.errors ?? []).map((e) => `${(e.path ?? '').replace(/^\./, '')} ${e.message ?? ''}`.trim());
      const detail = findings.length > 0 ? findings.join('; ') : error.message;
      return new ApiError(400, 'CSBS.9001', `Invalid request: ${detail}`);
    }
  }
}

function allowHeader(error: ValidatorError): Record<string, string> {
  const allow = error.headers?.Allow ?? error.headers?.allow;
  return allow === undefined ? {} : { Allow: allow.toUpperCase() };
}
