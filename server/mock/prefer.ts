// What the stateful mock takes from Prism: a `Prefer` request header that forces an answer,
// `Prefer: code=400, example=backupRunning` (the status and the name of one of the spec's
// examples for it; either alone picks the first match), and `delay=<ms>` before any answer.
// A forced answer is the spec's example, with this request's id, and leaves the data alone.
import type { RequestHandler } from 'express';
import type { OpenAPIV3 } from 'openapi-types';
import { resolveRef, specOperations } from '../contract/operations.ts';
import { errors } from '../http/errors.ts';

/** The longest delay a request may ask for. */
export const MAX_DELAY_MS = 60_000;

export interface Preference {
  code?: number;
  example?: string;
  delayMs?: number;
}

/** `code=400, example=backupRunning, delay=500` as its parts; unknown parts are ignored, as Prism does. */
export function parsePrefer(header: string | undefined): Preference {
  const preference: Preference = {};
  for (const part of (header ?? '').split(',')) {
    const [key = '', value = ''] = part.split('=').map((text) => text.trim());
    if (key === 'code' && /^[1-5][0-9]{2}$/.test(value)) preference.code = Number(value);
    if (key === 'example' && value !== '') preference.example = value;
    if (key === 'delay' && /^[0-9]{1,6}$/.test(value)) preference.delayMs = Math.min(Number(value), MAX_DELAY_MS);
  }
  return preference;
}

/** Waits MOCK_DELAY_MS, or the request's `Prefer: delay=<ms>`, before going on. */
export function delayAnswers(defaultDelayMs: number): RequestHandler {
  return (req, _res, next) => {
    const delayMs = parsePrefer(req.get('prefer')).delayMs ?? defaultDelayMs;
    if (delayMs <= 0) next();
    else setTimeout(next, delayMs);
  };
}

interface Example {
  status: number;
  name: string;
  value: unknown;
}

/** Each operation's examples, by status then in the spec's order, references resolved. */
function examplesByOperation(spec: OpenAPIV3.Document): Map<string, Example[]> {
  const table = new Map<string, Example[]>();
  for (const operation of specOperations(spec)) {
    const examples: Example[] = [];
    for (const [status, response] of Object.entries(operation.responses)) {
      const content = response.content?.['application/json'];
      if (content === undefined) examples.push({ status: Number(status), name: '', value: undefined });
      else for (const [name, example] of Object.entries(content.examples ?? {})) examples.push({ status: Number(status), name, value: resolveRef(spec, example).value });
    }
    table.set(operation.operationId, examples);
  }
  return table;
}

/**
 * Answers a request that asks for it (`Prefer: code=..., example=...`) with the spec's example,
 * before the token check and the handler: the data stays as it is. After the validator, which
 * has matched the operation (and refused a malformed request).
 */
export function preferredAnswers(spec: OpenAPIV3.Document): RequestHandler {
  const table = examplesByOperation(spec);
  return (req, res, next) => {
    const { code, example } = parsePrefer(req.get('prefer'));
    if (code === undefined && example === undefined) {
      next();
      return;
    }
    const operationId = (req as { openapi?: { schema?: { operationId?: string } } }).openapi?.schema?.operationId;
    const found = (table.get(operationId ?? '') ?? []).find((candidate) => (code === undefined || candidate.status === code) && (example === undefined || candidate.name === example));
    if (found === undefined) {
      next(errors.invalidRequest(`Prefer: ${operationId ?? 'this request'} has no example${example === undefined ? '' : ` named ${example}`}${code === undefined ? '' : ` for status ${code}`} in the spec`));
      return;
    }
    res.status(found.status);
    if (found.value === undefined) {
      res.end();
      return;
    }
    const body = found.value as Record<string, unknown>;
    // An error example carries this request's id, as every error body does.
    res.json('request_id' in body ? { ...body, request_id: res.locals.requestId } : body);
  };
}
