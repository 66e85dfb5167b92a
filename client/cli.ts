// The `backups` command-line tool: delete, show and list backups through the typed client.
// It takes its arguments and its environment as parameters and returns the exit code, so
// it runs the same in a test as from client/bin/backups.mjs.
import { parseArgs } from 'node:util';
import { type BackupClient, createBackupClient } from './backup-client.ts';
import { ApiError, BackupClientError, NetworkError, UnexpectedResponseError } from './errors.ts';
import { MAX_RETRIES } from './retry.ts';
import { formatBackup, formatTable } from './cli-format.ts';
import type { FetchFunction } from './transport.ts';
import type { BackupDetail, ListBackupsFilters } from './types.ts';

export const EXIT = {
  /** Done. */
  ok: 0,
  /** The API refused the call (it answered with one of its error codes). */
  refused: 1,
  /** The command line is wrong. */
  usage: 2,
  /** No answer (network failure, timeout), or an answer the contract does not allow. */
  failure: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';
const DEFAULT_TIMEOUT_SECONDS = 30;

export const HELP = `backups: delete, show and list backups of the Cloud Backup and Recovery (CBR) v3 API

Usage:
  backups delete <backup_id> [--project <id>] [options]
  backups show <backup_id> [--project <id>] [options]
  backups list [--project <id>] [filters] [options]
  backups --help

Commands:
  delete <backup_id>   Delete the backup. Prints what was deleted.
  show <backup_id>     Print one backup.
  list                 Print the project's backups: a table, and how many match in all.
                       One page (up to --limit backups) unless --all is given.

Options:
  -p, --project <id>   The project (32 hex characters). Default: $OS_PROJECT_ID with a
                       token, $HUAWEICLOUD_SDK_PROJECT_ID with an access key (either one
                       when the other is not set).
  -e, --endpoint <url> The service's root URL. Default: ${DEFAULT_ENDPOINT}
                       (the Prism mock of \`npm run mock\` is http://127.0.0.1:4010).
  -t, --token <token>  The IAM token, sent as X-Auth-Token. Default: $OS_AUTH_TOKEN.
                       Prefer the variable: a command line is visible to other users.
      --json           Machine output: JSON on stdout (see Output).
      --retries <n>    Retry failures that may be transient (no answer, or HTTP 5xx) up to
                       n times (0 to ${MAX_RETRIES}), waiting up to 0.2 s, 0.4 s, 0.8 s ... (at
                       most 5 s; each wait is randomized between half and all of that).
                       Default: 0. A 4xx answer is never retried.
      --timeout <s>    Give up on an attempt without a complete answer after s seconds.
                       Default: ${DEFAULT_TIMEOUT_SECONDS}.
  -h, --help           This help.

Credentials: an IAM token (--token or $OS_AUTH_TOKEN), or an access key in the variables
of Huawei Cloud's SDKs, $HUAWEICLOUD_SDK_AK and $HUAWEICLOUD_SDK_SK, with which every
request is signed (SDK-HMAC-SHA256). The access key is read from the environment only: a
secret on a command line is visible to other users. When a token is given, it is used and
the access key is ignored (as the service does with a request that carries both).

Filters of list (the service checks their values; a bad one is CSBS.9001, exit 1):
  --status <status>    available, protecting, deleting, restoring, error, waiting_protect,
                       waiting_delete or waiting_restore; repeat it for several
                       (--status available --status error: backups in either)
  --name <text>        backups whose name contains this text
  --resource-id <id>   backups of this resource
  --resource-name <n>  backups of a resource with exactly this name
  --resource-type <t>  OS::Nova::Server, OS::Cinder::Volume, OS::Sfs::Turbo or
                       OS::Workspace::DesktopV2
  --resource-az <az>   backups of resources in this availability zone
  --vault-id <id>      backups kept in this vault
  --checkpoint-id <id> backups of this restore point
  --parent-id <id>     backups made from this backup
  --enterprise-project-id <id>
                       backups of this enterprise project (0 is the default one)
  --image-type <t>     backup or replication
  --show-replication <true|false>
                       list replicas too (default false, unless --image-type replication)
  --incremental <true|false>
                       only incremental (true) or only full (false) backups
  --start-time <time>  backups created at this second or later (UTC, 2026-05-10T07:59:12Z)
  --end-time <time>    backups created at this second or earlier (UTC)
  --own-type <t>       private (the project's own, the default), shared or all_granted
  --member-status <s>  pending, accepted or rejected: backups shared with the project in
                       this state (this service keeps none)
  --dec <true|false>   backups of a dedicated cloud (this service models none)
  --used-percent <n>   1 to 100, a filter on the vault's used capacity (checked, no effect
                       in this service)
  --sort <field:dir>   one or more of created_at, updated_at, name, status, protected_at,
                       id, expired_at or resource_size, each with :asc or :desc (default
                       desc), comma-separated. Default: created_at:desc
  --limit <n>          the most backups in one page (1 to 1000). Default: 1000
  --offset <n>         skip this many backups (one page only)
  --marker <id>        start after this backup (one page only)
  --all                every page, following markers (not with --offset or --marker)

Environment:
  OS_AUTH_TOKEN        the IAM token, when --token is not given
  OS_PROJECT_ID        the project, when --project is not given
  HUAWEICLOUD_SDK_AK   the access key, and
  HUAWEICLOUD_SDK_SK   its secret key: without a token, every request is signed with them
  HUAWEICLOUD_SDK_PROJECT_ID
                       the project when signing, when --project is not given

Output:
  Results go to stdout, errors to stderr in plain words. An API error names its error
  code, message and request id (the id the service's logs use for the call).
  With --json, stdout is one JSON document:
    delete  {"outcome":"deleted","backup_id":...,"request_id":...,"attempts":1}
            ("outcome":"gone-after-retry" when an earlier attempt whose answer was lost
            or 5xx most likely deleted it, and the retry was told CSBS.3001)
    show    {"backup":{...}}            the API's BackupResponse
    list    {"backups":[...],"count":n} the API's BackupList (with --all: every page)
    failure {"error":{"kind":"api","status":400,"error_code":"CSBS.3001","error_msg":...,
            "request_id":...}}; kind is "api", "network" or "unexpected-response"

Exit codes:
  0  success
  1  the API refused: its error code, message and request id are printed to stderr
  2  usage error: unknown command or option, missing backup id, project or credentials
  3  no answer (network failure, timeout) or an answer the contract does not allow
`;

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The fetch the client uses (tests); default: globalThis.fetch. */
  fetch?: FetchFunction;
}

class UsageError extends Error {}

const OPTIONS = {
  project: { type: 'string', short: 'p' },
  endpoint: { type: 'string', short: 'e' },
  token: { type: 'string', short: 't' },
  json: { type: 'boolean' },
  retries: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  status: { type: 'string', multiple: true },
  name: { type: 'string' },
  'resource-id': { type: 'string' },
  'resource-name': { type: 'string' },
  'resource-type': { type: 'string' },
  'resource-az': { type: 'string' },
  'vault-id': { type: 'string' },
  'checkpoint-id': { type: 'string' },
  'parent-id': { type: 'string' },
  'enterprise-project-id': { type: 'string' },
  'image-type': { type: 'string' },
  'show-replication': { type: 'string' },
  incremental: { type: 'string' },
  'start-time': { type: 'string' },
  'end-time': { type: 'string' },
  'own-type': { type: 'string' },
  'member-status': { type: 'string' },
  dec: { type: 'string' },
  'used-percent': { type: 'string' },
  sort: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  marker: { type: 'string' },
  all: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** The list filters passed on as they are, by option name and query parameter (option name with `_`). */
const TEXT_FILTERS = [
  'name', 'resource-id', 'resource-name', 'resource-type', 'resource-az', 'vault-id', 'checkpoint-id', 'parent-id',
  'enterprise-project-id', 'image-type', 'show-replication', 'incremental', 'start-time', 'end-time', 'own-type',
  'member-status', 'dec', 'used-percent', 'sort', 'marker',
] as const;

const LIST_ONLY = ['status', ...TEXT_FILTERS, 'limit', 'offset', 'all'] as const;

/** A whole number option; its range is checked here only when the CLI itself relies on it. */
function integer(name: string, text: string | undefined, range?: { min: number; max: number }): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new UsageError(`--${name} must be a whole number, not "${text}"`);
  if (range !== undefined && (value < range.min || value > range.max)) {
    throw new UsageError(`--${name} must be from ${range.min} to ${range.max}, not ${text}`);
  }
  return value;
}

function nonEmpty(name: string, value: string | undefined): string | undefined {
  if (value === '') throw new UsageError(`--${name} must not be empty`);
  return value;
}

/**
 * The filters as the spec names them. The CLI does not re-check values (enums, booleans,
 * times): the service does (CSBS.9001), and one place decides what is valid. A text such as
 * "true" goes on the wire as the boolean would.
 */
function listFilters(values: Values): ListBackupsFilters {
  const filters: Record<string, string | string[] | number | undefined> = {
    status: values.status?.map((status) => nonEmpty('status', status) as string),
    limit: integer('limit', values.limit),
    offset: integer('offset', values.offset),
  };
  for (const option of TEXT_FILTERS) filters[option.replaceAll('-', '_')] = nonEmpty(option, values[option]);
  for (const key of Object.keys(filters)) if (filters[key] === undefined) delete filters[key];
  return filters as ListBackupsFilters;
}

/** The variable's value; an empty one counts as not set. */
function variable(env: CliIo['env'], name: string): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}

type Credentials = { token: string } | { credentials: { accessKey: string; secretKey: string } };

/**
 * A token (--token, then OS_AUTH_TOKEN) wins over an access key (HUAWEICLOUD_SDK_AK and
 * HUAWEICLOUD_SDK_SK), as it does on the service when a request carries both.
 */
function credentials(values: Values, env: CliIo['env']): Credentials | UsageError {
  if (values.token === '') return new UsageError('--token must not be empty');
  const token = values.token ?? variable(env, 'OS_AUTH_TOKEN');
  if (token !== undefined) return { token };
  const accessKey = variable(env, 'HUAWEICLOUD_SDK_AK');
  const secretKey = variable(env, 'HUAWEICLOUD_SDK_SK');
  if (accessKey !== undefined && secretKey !== undefined) return { credentials: { accessKey, secretKey } };
  if (accessKey !== undefined) return new UsageError('HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not: signing needs both');
  if (secretKey !== undefined) return new UsageError('HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not: signing needs both');
  return new UsageError('no credentials: set OS_AUTH_TOKEN (or pass --token <token>), or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK');
}

interface Command {
  name: 'delete' | 'show' | 'list';
  backupId: string | undefined;
  projectId: string;
  json: boolean;
  /** list: the filters; --all: every page. */
  filters: ListBackupsFilters;
  all: boolean;
  client: BackupClient;
}

function parse(argv: readonly string[], io: CliIo): Command | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const [name, backupId, ...extra] = positionals;
  if (name === undefined) throw new UsageError('no command: use delete, show or list');
  if (name !== 'delete' && name !== 'show' && name !== 'list') throw new UsageError(`unknown command "${name}": use delete, show or list`);
  if (name === 'list') {
    if (backupId !== undefined) throw new UsageError(`list takes no backup id (got "${backupId}")`);
    if (values.all === true && (values.marker !== undefined || values.offset !== undefined)) {
      throw new UsageError('--all pages with markers itself: it does not go with --marker or --offset');
    }
  } else {
    if (backupId === undefined || backupId === '') throw new UsageError(`${name} needs a backup id: backups ${name} <backup_id>`);
    const listOption = LIST_ONLY.find((option) => values[option] !== undefined);
    if (listOption !== undefined) throw new UsageError(`--${listOption} is an option of list, not of ${name}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

  const auth = credentials(values, io.env);
  const [first, second] = 'credentials' in auth ? ['HUAWEICLOUD_SDK_PROJECT_ID', 'OS_PROJECT_ID'] : ['OS_PROJECT_ID', 'HUAWEICLOUD_SDK_PROJECT_ID'];
  const projectId = values.project ?? variable(io.env, first) ?? variable(io.env, second);
  if (projectId === undefined || projectId === '') throw new UsageError('no project: pass --project <id> or set OS_PROJECT_ID (or HUAWEICLOUD_SDK_PROJECT_ID)');
  if (auth instanceof UsageError) throw auth;
  const endpoint = values.endpoint ?? DEFAULT_ENDPOINT;
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new UsageError(`--endpoint must be an http:// or https:// URL, not "${endpoint}"`);
  }
  const retries = integer('retries', values.retries, { min: 0, max: MAX_RETRIES }) ?? 0;
  const timeoutSeconds = integer('timeout', values.timeout, { min: 1, max: 3600 }) ?? DEFAULT_TIMEOUT_SECONDS;
  const client = createBackupClient({
    baseUrl: endpoint,
    ...auth,
    timeoutMs: timeoutSeconds * 1000,
    ...(retries > 0 ? { retry: { retries } } : {}),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
  });
  const filters = listFilters(values);
  return { name, backupId, projectId, json: values.json === true, filters, all: values.all === true, client };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function run(command: Command, io: CliIo): Promise<void> {
  const { client, projectId, json: asJson } = command;
  switch (command.name) {
    case 'delete': {
      const backupId = command.backupId as string;
      const result = await client.deleteBackup(projectId, backupId);
      if (asJson) {
        io.stdout.write(json({ outcome: result.outcome, backup_id: backupId, request_id: result.requestId, attempts: result.attempts }));
      } else if (result.outcome === 'deleted') {
        io.stdout.write(`Deleted backup ${backupId} (request id ${result.requestId ?? 'none'}).\n`);
      } else {
        io.stdout.write(
          `Backup ${backupId} is gone: an earlier attempt, whose answer was lost or 5xx, most likely deleted it; ` +
            `the retry was told ${result.notFound.errorCode} (request id ${result.requestId}).\n`,
        );
      }
      return;
    }
    case 'show': {
      const backup = await client.showBackup(projectId, command.backupId as string);
      io.stdout.write(asJson ? json({ backup }) : formatBackup(backup));
      return;
    }
    case 'list': {
      const { filters } = command;
      let backups: BackupDetail[];
      let count: number;
      if (command.all) {
        backups = [];
        for await (const backup of client.iterateBackups(projectId, filters)) backups.push(backup);
        count = backups.length;
      } else {
        ({ backups, count } = await client.listBackups(projectId, filters));
      }
      if (asJson) {
        io.stdout.write(json({ backups, count }));
      } else {
        io.stdout.write(formatTable(backups));
        io.stdout.write(`${backups.length} of ${count} backup${count === 1 ? '' : 's'}.\n`);
      }
      return;
    }
  }
}

function attemptsNote(error: BackupClientError): string {
  return error.attempts > 1 ? ` (after ${error.attempts} attempts)` : '';
}

/** Reports a failure on stderr (and, with --json, stdout) and says which exit code it is. */
function report(error: unknown, asJson: boolean, io: CliIo): ExitCode {
  if (error instanceof ApiError) {
    io.stderr.write(
      `error: the API refused: ${error.errorCode}: ${error.errorMsg}\n` +
        `  HTTP ${error.status}, request id ${error.requestId}${attemptsNote(error)}\n`,
    );
    if (asJson) {
      const { status, errorCode, errorMsg, requestId } = error;
      io.stdout.write(json({ error: { kind: 'api', status, error_code: errorCode, error_msg: errorMsg, request_id: requestId } }));
    }
    return EXIT.refused;
  }
  if (error instanceof NetworkError) {
    io.stderr.write(`error: no answer from the service: ${error.message}${attemptsNote(error)}\n`);
    if (asJson) io.stdout.write(json({ error: { kind: 'network', message: error.message, attempts: error.attempts } }));
    return EXIT.failure;
  }
  if (error instanceof UnexpectedResponseError) {
    const requestId = error.requestId === null ? '' : `, request id ${error.requestId}`;
    const body = error.bodyExcerpt === '' ? '' : `\n  body: ${error.bodyExcerpt}`;
    io.stderr.write(`error: the answer is not what the API's contract allows: ${error.message}${requestId}${attemptsNote(error)}${body}\n`);
    if (asJson) {
      const { status, message } = error;
      io.stdout.write(json({ error: { kind: 'unexpected-response', status, message, request_id: error.requestId } }));
    }
    return EXIT.failure;
  }
  io.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
  return EXIT.failure;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let command;
  try {
    command = parse(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error: ${error.message}\nRun "backups --help" for the commands, options and exit codes.\n`);
    return EXIT.usage;
  }
  if (command === 'help') {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  try {
    await run(command, io);
    return EXIT.ok;
  } catch (error) {
    return report(error, command.json, io);
  }
}
