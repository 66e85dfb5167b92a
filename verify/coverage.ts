// Response coverage: every (operation, status, error_code) openapi.yaml declares, against the
// answers the target actually gave. An answer counts for its row only when it is conformant
// (declared status, valid body, X-Request-Id); answers the spec does not declare are listed apart.
import type { OpenAPIV3 } from 'openapi-types';
import { OPERATIONS, type SpecOperation, isConformant } from './conformance.ts';
import type { Reply } from './send.ts';
import { resolve } from './spec.ts';

export const NO_CODE = '-';

export interface CoverageRow {
  operation: string;
  status: string;
  errorCode: string;
  /** Where the response is declared. */
  at: string;
  /** Conformant answers seen. */
  seen: number;
  /** Answers with this status and code that broke the contract otherwise. */
  nonconformant: number;
  /** Left out of the gate by --ignore-coverage. */
  ignored: boolean;
}

export interface UndeclaredAnswer {
  operation: string;
  status: number;
  errorCode: string;
  count: number;
  example: Reply;
}

/** The error codes a response's schema allows for `error_code`: the intersection over allOf, through $refs. */
function errorCodes(schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject | undefined, where: string): string[] | undefined {
  if (schema === undefined) return undefined;
  const { value, pointer } = resolve<OpenAPIV3.SchemaObject>(schema, where);
  let codes: string[] | undefined;
  const narrow = (more: string[] | undefined) => {
    if (more !== undefined) codes = codes === undefined ? more : codes.filter((c) => more.includes(c));
  };
  const property = value.properties?.error_code;
  if (property !== undefined) {
    const resolved = resolve<OpenAPIV3.SchemaObject>(property, `${pointer}/properties/error_code`).value;
    if (resolved.enum !== undefined) narrow(resolved.enum.map(String));
  }
  for (const [i, part] of (value.allOf ?? []).entries()) narrow(errorCodes(part, `${pointer}/allOf/${i}`));
  return codes;
}

/** The answers the spec declares, one row per (operation, status, error_code). */
export function declaredAnswers(operations: readonly SpecOperation[] = OPERATIONS): Omit<CoverageRow, 'seen' | 'nonconformant' | 'ignored'>[] {
  return operations.flatMap((operation) =>
    Object.entries(operation.responses).flatMap(([status, { response, pointer }]) => {
      const schemaAt = `${pointer}/content/application~1json/schema`;
      const codes = errorCodes(response.content?.['application/json']?.schema, schemaAt);
      return (codes ?? [NO_CODE]).map((errorCode) => ({ operation: operation.id, status, errorCode, at: pointer }));
    }),
  );
}

/** `--ignore-coverage` patterns: `operation:status:error_code`, each part a value or `*`. */
export function matchesPattern(row: { operation: string; status: string; errorCode: string }, pattern: string): boolean {
  const [operation = '*', status = '*', code = '*'] = pattern.split(':');
  const match = (part: string, value: string) => part === '*' || part === value;
  return match(operation, row.operation) && match(status, row.status) && match(code, row.errorCode);
}

export class Coverage {
  readonly rows: CoverageRow[];
  readonly #undeclared = new Map<string, UndeclaredAnswer>();
  /** Answers to requests for no operation (an unknown path, an undeclared method), by status and code. */
  readonly noOperation = new Map<string, number>();

  constructor(operations: readonly SpecOperation[], ignore: readonly string[]) {
    this.rows = declaredAnswers(operations).map((row) => ({ ...row, seen: 0, nonconformant: 0, ignored: ignore.some((p) => matchesPattern(row, p)) }));
  }

  record(operation: SpecOperation | undefined, reply: Reply, options: { requestIdEcho?: boolean } = {}): void {
    if (reply.status === 0) return;
    const errorCode = typeof reply.body?.error_code === 'string' ? reply.body.error_code : NO_CODE;
    if (operation === undefined) {
      const key = `${reply.status} ${errorCode}`;
      this.noOperation.set(key, (this.noOperation.get(key) ?? 0) + 1);
      return;
    }
    const row = this.rows.find((r) => r.operation === operation.id && r.status === String(reply.status) && r.errorCode === errorCode);
    if (row === undefined) {
      const key = `${operation.id} ${reply.status} ${errorCode}`;
      const seen = this.#undeclared.get(key);
      if (seen === undefined) this.#undeclared.set(key, { operation: operation.id, status: reply.status, errorCode, count: 1, example: reply });
      else seen.count += 1;
      return;
    }
    if (isConformant(operation, reply, options)) row.seen += 1;
    else row.nonconformant += 1;
  }

  get undeclared(): UndeclaredAnswer[] {
    return [...this.#undeclared.values()];
  }

  /** Rows that count: declared and not ignored. */
  get counted(): CoverageRow[] {
    return this.rows.filter((row) => !row.ignored);
  }

  get percent(): number {
    const counted = this.counted;
    return counted.length === 0 ? 100 : (100 * counted.filter((row) => row.seen > 0).length) / counted.length;
  }
}
