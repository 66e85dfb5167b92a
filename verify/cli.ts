// cbr-verify (npm run verify): verifies the implementation at a URL against openapi.yaml.
// Exit status: 0 every check passed (and the coverage gate, when set, is met), 1 a violation or
// a missing fixture, 2 a usage error or a target that cannot be reached.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FIXTURE_ACCESS_KEY, POOL, POOL_PROJECT, TOKEN_NAMES, type TokenName } from './fixtures.ts';
import { annotations, junitXml, markdownSummary, textSummary } from './report.ts';
import { CHECK_NAMES, DEFAULTS, UsageError, type VerifyOptions, verify } from './run.ts';

export const USAGE = `Usage: cbr-verify --base-url URL [options]

Verifies the implementation at URL against openapi.yaml: the fixtures it must hold, the
contract scenarios, the scenarios again through the Prism validation proxy, and generated
requests (status, schema, headers, negative data, missing token, authorization, use after free).
Requests go to URL and to the verifier's own Prism proxy on 127.0.0.1, nowhere else.

Target
  --base-url URL           the implementation, as http://127.0.0.1:8080
  --token NAME=VALUE       the token to use as NAME instead of the fixture's (repeatable);
                           names: ${TOKEN_NAMES.join(', ')}
  --tokens FILE            tokens by name, as a JSON object {"member": "...", ...}
  --access-key AK          also check requests signed with this access key (AK/SK), a member of
                           project ${POOL_PROJECT}; the secret from CBR_VERIFY_SECRET_KEY or
                           --secret-key (for ${FIXTURE_ACCESS_KEY.accessKey}, the fixture's)
  --secret-key SK          the access key's secret
  --prism-mock             the target is a Prism mock of openapi.yaml: scenarios only, with the
                           Prefer headers the mock needs
  --prism PATH             Prism's executable (default: @stoplight/prism-cli from node_modules)

Checks
  --only LIST              run only these checks and/or operations (comma-separated, repeatable)
  --skip LIST              leave these out; checks: ${CHECK_NAMES.join(', ')};
                           operations: listBackups, showBackup, deleteBackup
  --seed N                 the seed of the generated requests (default ${DEFAULTS.seed})
  --budget N               how many requests to generate (default ${DEFAULTS.budget})
  --timeout MS             how long to wait for each answer (default ${DEFAULTS.timeoutMs})
  --min-coverage PERCENT   fail when fewer of the declared answers were observed
  --ignore-coverage PAT    leave operation:status:error_code out of the coverage gate ('*' for
                           any part), as '*:500:CSBS.9998' (repeatable, comma-separated)

Reports
  --junit FILE             a JUnit XML report: a test case per fixture, scenario and check
  --summary FILE           a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)
  --annotations            print GitHub Actions annotations (default: when GITHUB_ACTIONS=true)
  --no-annotations         never print them

Each run deletes up to ${2 * 3 + DEFAULTS.useAfterFree + DEFAULTS.generatedDeletes} backups of the disposable pool (${POOL.id(1)} to
${POOL.id(POOL.size)}), picking ones still there: load fixtures/verification/*.json into the
target first (README: "Verify your implementation").
`;

const list = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

function integer(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`--${name} must be an integer of at least ${min}, not "${raw}"`);
  return Number(raw);
}

function tokenName(name: string): TokenName {
  if (!(TOKEN_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown token name "${name}"; names: ${TOKEN_NAMES.join(', ')}`);
  return name as TokenName;
}

/** The verification options and the report files a command line asks for. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): { options: VerifyOptions; junit?: string; summary?: string; annotations: boolean } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        'base-url': { type: 'string' },
        token: { type: 'string', multiple: true },
        tokens: { type: 'string' },
        'access-key': { type: 'string' },
        'secret-key': { type: 'string' },
        'prism-mock': { type: 'boolean' },
        prism: { type: 'string' },
        only: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        seed: { type: 'string' },
        budget: { type: 'string' },
        timeout: { type: 'string' },
        'min-coverage': { type: 'string' },
        'ignore-coverage': { type: 'string', multiple: true },
        junit: { type: 'string' },
        summary: { type: 'string' },
        annotations: { type: 'boolean' },
        'no-annotations': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help === true) return 'help';
  if (values['base-url'] === undefined) throw new UsageError('--base-url is required');

  const tokens: Partial<Record<TokenName, string>> = {};
  if (values.tokens !== undefined) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(values.tokens, 'utf8'));
    } catch (error) {
      throw new UsageError(`--tokens ${values.tokens}: ${(error as Error).message}`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UsageError(`--tokens ${values.tokens}: expected {"member": "...", ...}`);
    for (const [name, value] of Object.entries(data)) {
      if (typeof value !== 'string') throw new UsageError(`--tokens ${values.tokens}: ${name} is not a string`);
      tokens[tokenName(name)] = value;
    }
  }
  for (const pair of values.token ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--token ${pair}: expected NAME=VALUE`);
    tokens[tokenName(pair.slice(0, at))] = pair.slice(at + 1);
  }

  let accessKey: VerifyOptions['accessKey'];
  if (values['access-key'] !== undefined) {
    const secretKey = values['secret-key'] ?? env.CBR_VERIFY_SECRET_KEY ?? (values['access-key'] === FIXTURE_ACCESS_KEY.accessKey ? FIXTURE_ACCESS_KEY.secretKey : undefined);
    if (secretKey === undefined || secretKey === '') throw new UsageError(`--access-key ${values['access-key']}: its secret is needed (CBR_VERIFY_SECRET_KEY or --secret-key)`);
    accessKey = { accessKey: values['access-key'], secretKey };
  } else if (values['secret-key'] !== undefined) {
    throw new UsageError('--secret-key without --access-key');
  }

  const minCoverage = values['min-coverage'] === undefined ? undefined : Number(values['min-coverage']);
  if (minCoverage !== undefined && !(minCoverage >= 0 && minCoverage <= 100)) throw new UsageError(`--min-coverage must be a percentage from 0 to 100, not "${values['min-coverage']}"`);
  const ignoreCoverage = list(values['ignore-coverage']);
  for (const pattern of ignoreCoverage) {
    if (pattern.split(':').length !== 3) throw new UsageError(`--ignore-coverage ${pattern}: expected operation:status:error_code, as deleteBackup:500:CSBS.9998`);
  }
  const seed = integer('seed', values.seed, 0);
  const budget = integer('budget', values.budget, 0);
  const timeoutMs = integer('timeout', values.timeout, 1);

  const options: VerifyOptions = {
    baseUrl: values['base-url'],
    tokens,
    only: list(values.only),
    skip: list(values.skip),
    ignoreCoverage,
    ...(accessKey === undefined ? {} : { accessKey }),
    ...(seed === undefined ? {} : { seed }),
    ...(budget === undefined ? {} : { budget }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(values['prism-mock'] === true ? { prismMock: true } : {}),
    ...(values.prism === undefined ? {} : { prism: values.prism }),
    ...(minCoverage === undefined ? {} : { minCoverage }),
  };
  const annotate = values['no-annotations'] === true ? false : values.annotations === true || env.GITHUB_ACTIONS === 'true';
  return { options, ...(values.junit === undefined ? {} : { junit: values.junit }), ...(values.summary === undefined ? {} : { summary: values.summary }), annotations: annotate };
}

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`cbr-verify: ${error.message}\n\nRun cbr-verify --help for the options.\n`);
    return 2;
  }
  if (command === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  let result;
  try {
    io.stdout.write(`cbr-verify: verifying ${command.options.baseUrl} against openapi.yaml\n`);
    result = await verify({ ...command.options, log: (line) => io.stdout.write(`${line}\n`) });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`cbr-verify: ${error.message}\n`);
    return 2;
  }
  if (command.junit !== undefined) writeFileSync(command.junit, junitXml(result));
  const summary = markdownSummary(result);
  if (command.summary !== undefined) writeFileSync(command.summary, summary);
  if (io.env.GITHUB_STEP_SUMMARY !== undefined && io.env.GITHUB_STEP_SUMMARY !== '') appendFileSync(io.env.GITHUB_STEP_SUMMARY, summary);
  io.stdout.write(`\n${textSummary(result)}`);
  if (command.annotations) for (const line of annotations(result)) io.stdout.write(`${line}\n`);
  return result.passed ? 0 : 1;
}
