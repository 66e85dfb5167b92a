// Writes a handler's typed result (contract/types.ts OperationResult) to the response.
import type { Response } from 'express';

export function sendResult(res: Response, result: { status: number; body?: unknown }): void {
  res.status(result.status);
  if (result.body === undefined) res.end();
  else res.json(result.body);
}
