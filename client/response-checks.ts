// Which answers the contract allows, per operation, and the checks that tell a contract
// answer from anything else. The tables are typed against generated/, so when openapi.yaml
// adds or drops a status or an error code, this file stops compiling until it follows.
import { ApiError, UnexpectedResponseError } from './errors.ts';
import type {
  BackupDetail,
  BackupList,
  BackupStatus,
  DeclaredErrorCode,
  ErrorCode,
  ErrorStatus,
  OperationId,
} from './types.ts';

type CodeSet<Code extends string> = Readonly<Record<Code, true>>;

/** Every status and error code each operation declares (all keys required, no extra ones). */
const DECLARED_ERRORS: { readonly [Op in OperationId]: { readonly [S in ErrorStatus<Op>]: CodeSet<DeclaredErrorCode<Op, S>> } } = {
  deleteBackup: {
    400: { '6201': true, 'CSBS.2003': true, 'CSBS.3001': true, 'CSBS.9001': true },
    401: { 'APIGW.0301': true },
    403: { 'APIGW.0302': true },
    500: { 'CSBS.9998': true },
  },
  showBackup: {
    400: { 'CSBS.9001': true },
    401: { 'APIGW.0301': true },
    403: { 'APIGW.0302': true },
    404: { 'CSBS.3001': true },
    500: { 'CSBS.9998': true },
  },
  listBackups: {
    400: { 'CSBS.9001': true },
    401: { 'APIGW.0301': true },
    403: { 'APIGW.0302': true },
    500: { 'CSBS.9998': true },
  },
};

/**
 * The spec's routing errors (its description's table): any path may answer 404 or 405
 * `APIGW.0101` when the service has no such API, e.g. a base URL with a wrong prefix.
 */
const ROUTING_ERRORS: Readonly<Record<number, Partial<CodeSet<ErrorCode>>>> = {
  404: { 'APIGW.0101': true },
  405: { 'APIGW.0101': true },
};

/** Every ErrorCode of the spec; a missing or unknown one does not compile. */
const ERROR_CODES: CodeSet<ErrorCode> = {
  '6201': true,
  'CSBS.2003': true,
  'CSBS.3001': true,
  'CSBS.9001': true,
  'APIGW.0301': true,
  'APIGW.0302': true,
  'APIGW.0101': true,
  'CSBS.9998': true,
};

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

function allowedCodes(operation: OperationId, status: number): ReadonlySet<string> {
  const declared = (DECLARED_ERRORS[operation] as Readonly<Record<number, CodeSet<string> | undefined>>)[status];
  return new Set([...Object.keys(declared ?? {}), ...Object.keys(ROUTING_ERRORS[status] ?? {})]);
}

const EXCERPT_LENGTH = 200;

export function excerpt(body: unknown): string {
  if (body === undefined) return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * An error answer (status 400 and up): an ApiError when its status and code are ones the
 * contract declares for this operation and its body is the contract's error body, otherwise
 * an UnexpectedResponseError that says what is wrong.
 */
export function decodeErrorAnswer(operation: OperationId, response: Response, body: unknown): ApiError | UnexpectedResponseError {
  const headerRequestId = response.headers.get('X-Request-Id');
  const unexpected = (reason: string) => new UnexpectedResponseError(operation, response.status, reason, headerRequestId, excerpt(body));
  const allowed = allowedCodes(operation, response.status);
  if (allowed.size === 0) return unexpected(`the contract declares no HTTP ${response.status} for ${operation}`);
  if (!isObject(body)) return unexpected('the body is not the contract\'s JSON error object');
  const { error_code: code, error_msg: message, request_id: requestId } = body;
  if (!isErrorCode(code)) return unexpected(`error_code ${JSON.stringify(code)} is not one of the contract's codes`);
  if (!allowed.has(code)) return unexpected(`error_code ${code} is not declared for HTTP ${response.status}`);
  if (!nonEmptyString(message)) return unexpected('error_msg is missing or empty');
  if (!nonEmptyString(requestId)) return unexpected('request_id is missing or empty');
  return new ApiError(operation, response.status, { error_code: code, error_msg: message, request_id: requestId });
}

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** The JSON type of every field a BackupDetail must have; typed so none is forgotten. */
const BACKUP_REQUIRED_FIELDS: Readonly<Record<RequiredKeys<BackupDetail>, 'string' | 'number' | 'object'>> = {
  id: 'string',
  name: 'string',
  project_id: 'string',
  vault_id: 'string',
  checkpoint_id: 'string',
  resource_id: 'string',
  resource_name: 'string',
  resource_type: 'string',
  resource_size: 'number',
  image_type: 'string',
  status: 'string',
  created_at: 'string',
  updated_at: 'string',
  extend_info: 'object',
};

const BACKUP_STATUSES: CodeSet<BackupStatus> = {
  available: true,
  protecting: true,
  deleting: true,
  restoring: true,
  error: true,
  waiting_protect: true,
  waiting_delete: true,
  waiting_restore: true,
};

/** Why a value is not a BackupDetail, or null when it has every required field. */
function backupProblem(value: unknown): string | null {
  if (!isObject(value)) return 'a backup is not an object';
  for (const [field, type] of Object.entries(BACKUP_REQUIRED_FIELDS)) {
    const actual = value[field];
    if (typeof actual !== type || actual === null) return `backup field ${field} is missing or not a ${type}`;
  }
  if (!Object.hasOwn(BACKUP_STATUSES, value.status as string)) return `backup status ${JSON.stringify(value.status)} is not one of the contract's`;
  return null;
}

/** The BackupDetail inside showBackup's body, or why the body is not a BackupResponse. */
export function checkShowBody(body: unknown): BackupDetail | string {
  if (!isObject(body)) return 'the body is not a JSON object';
  return backupProblem(body.backup) ?? (body.backup as BackupDetail);
}

/** listBackups' body, or why it is not a BackupList. */
export function checkListBody(body: unknown): BackupList | string {
  if (!isObject(body)) return 'the body is not a JSON object';
  if (!Array.isArray(body.backups)) return 'backups is not an array';
  if (!Number.isSafeInteger(body.count) || (body.count as number) < 0) return 'count is not a non-negative integer';
  for (const backup of body.backups) {
    const problem = backupProblem(backup);
    if (problem !== null) return problem;
  }
  return body as unknown as BackupList;
}
