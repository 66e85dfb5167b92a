// express-openapi-validator, set up for this service: requests are always checked against
// openapi.yaml; responses too unless switched off (production). Production and tests run
// this same code; the library's route lookup is patched to compile its matchers once
// (patches/express-openapi-validator+5.6.2.patch). Security is not left to the validator:
// authenticate.ts checks tokens with the service's own verifier, once.
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { OpenAPIV3 } from 'openapi-types';
import { type ApiError, errors } from './errors.ts';

export interface ValidationOptions {
  /** A response that breaks the contract becomes 500 CSBS.9998 (logged by the error handler). */
  validateResponses: boolean;
}

export function contractValidator(spec: OpenAPIV3.Document, options: ValidationOptions): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec: spec as never,
    // openapi.yaml is linted and tested in CI; validating it again on every start costs time.
    validateApiSpec: false,
    validateRequests: { allowUnknownQueryParameters: false, allErrors: false },
    // No onError: then a violation is thrown as a 500, which the error handler logs and answers.
    validateResponses: options.validateResponses ? { allErrors: true } : false,
    validateSecurity: false,
    validateFormats: true,
    // Full: a date-time must be a real time (fast mode takes month 13).
    ajvFormats: { mode: 'full' },
    ignoreUndocumented: false,
  }) as RequestHandler[];
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

/**
 * Maps what the validator throws to the contract's errors.
 * Returns undefined for anything else, which the error handler treats as internal.
 */
export function fromValidatorError(error: unknown, method: string, path: string): ApiError | undefined {
  if (!isValidatorError(error) || error.status >= 500) return undefined;
  switch (error.status) {
    case 404:
      return errors.noSuchApi(method, path);
    case 405: {
      const allow = error.headers?.Allow ?? error.headers?.allow ?? '';
      return errors.methodNotAllowed(method, path, allow.split(/,\s*/).filter((m) => m !== ''));
    }
    default: {
      const findings = (error.errors ?? []).map((e) => `${(e.path ?? '').replace(/^\./, '')} ${e.message ?? ''}`.trim());
      return errors.invalidRequest(findings.length > 0 ? findings.join('; ') : error.message);
    }
  }
}
