// express-openapi-validator, set up for this service: requests are always checked against
// openapi.yaml; responses too unless switched off (production). Security is not left to the
// validator: authenticate.ts checks tokens with the service's own verifier, once.
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { OpenAPIV3 } from 'openapi-types';
import { ApiError } from './api-error.ts';

export interface ValidationOptions {
  validateResponses: boolean;
  /** Called when a response breaks the contract; the caller gets 500 CSBS.9998 instead. */
  onResponseViolation: (message: string, body: unknown) => void;
}

export function contractValidator(spec: OpenAPIV3.Document, options: ValidationOptions): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec: spec as never,
    // openapi.yaml is linted and tested in CI; validating it again on every start costs time.
    validateApiSpec: false,
    validateRequests: { allowUnknownQueryParameters: false, allErrors: false },
    validateResponses: options.validateResponses
      ? { allErrors: true, onError: (error, body) => options.onResponseViolation(error.message, body) }
      : false,
    validateSecurity: false,
    validateFormats: true,
    ajvFormats: { mode: 'fast' },
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

function isValidatorError(error: unknown): error is ValidatorError {
  return typeof error === 'object' && error !== null && typeof (error as ValidatorError).status === 'number';
}

/**
 * Maps what the validator (or Express's router) throws to the contract's codes.
 * Returns undefined for anything else, which the error handler treats as internal.
 */
export function validationErrorToApiError(error: unknown, method: string, path: string): ApiError | undefined {
  if (!isValidatorError(error) || error.status >= 500) return undefined;
  switch (error.status) {
    case 404:
      return new ApiError(404, 'APIGW.0101', `The API does not exist: no API at ${method} ${path}`);
    case 405:
      return new ApiError(405, 'APIGW.0101', `The API does not exist: ${method} is not an API of ${path}`, allowHeader(error));
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
