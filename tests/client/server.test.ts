// The client and the `backups` command against the real service (the app on a loopback port
// over a temporary SQLite file with the demo data): every demo case surfaces as its error
// code, the command's exit codes and JSON output are right, and paging returns every backup once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError, type BackupDetail, createBackupClient, type ErrorCode } from '../../client/index.ts';
import { DEMO_BACKUPS, DEMO_OTHER_PROJECT, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { freePort } from '../support/processes.ts';
import { APP_MODES, type AppMode, demoBackups, inEachAppMode, startTestServer, type TestServer } from '../support/test-server.ts';
import { runBin, runInProcess } from './support/cli.ts';

const servers: TestServer[] = [];
/** The configuration the suites below start their servers in (each is declared once per mode). */
let currentMode: AppMode = APP_MODES[0];
async function server(backups?: BackupDetail[]): Promise<TestServer> {
  const config = currentMode.config;
  const started = await startTestServer(backups === undefined ? { config } : { backups, config });
  servers.push(started);
  return started;
}
after(async () => {
  await Promise.all(servers.map((started) => started.close()));
});

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    (value) => assert.fail(`expected an ApiError, got ${JSON.stringify(value)}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
  assert.match(error.requestId, /^[A-Za-z0-9._-]+$/);
  return error;
}

inEachAppMode((mode) => {
  before(() => {
    currentMode = mode;
  });
  describe('the client against the service', () => {
    let url: string;
    before(async () => {
      url = (await server()).url;
    });
    const client = (token: string = DEMO_TOKENS.member) => createBackupClient({ baseUrl: url, token });

    test('show returns the stored backup', async () => {
      const expected = demoBackups().find((backup) => backup.id === DEMO_BACKUPS.available[0]);
      assert.deepEqual(await client().showBackup(DEMO_PROJECT, DEMO_BACKUPS.available[0]), expected);
    });

    test('delete resolves on 204, and the backup is gone afterwards', async () => {
      const id = DEMO_BACKUPS.available[0];
      const result = await client().deleteBackup(DEMO_PROJECT, id);
      assert.equal(result.outcome, 'deleted');
      assert.equal(result.attempts, 1);
      assert.match(result.requestId ?? '', /^[A-Za-z0-9._-]+$/);

      const shown = await apiError(client().showBackup(DEMO_PROJECT, id));
      assert.deepEqual([shown.status, shown.errorCode], [404, 'CSBS.3001']);
      const again = await apiError(client().deleteBackup(DEMO_PROJECT, id));
      assert.deepEqual([again.status, again.errorCode], [400, 'CSBS.3001']);
    });

    test('a backup in error may be deleted', async () => {
      assert.equal((await client().deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.error)).outcome, 'deleted');
    });

    const refusals: Array<[string, () => Promise<unknown>, number, ErrorCode]> = [
      ...Object.entries(DEMO_BACKUPS.busy).map(
        ([status, id]): [string, () => Promise<unknown>, number, ErrorCode] => [`busy (${status})`, () => client().deleteBackup(DEMO_PROJECT, id), 400, 'CSBS.2003'],
      ),
      ['registered as an image', () => client().deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.registeredAsImage), 400, '6201'],
      ['a backup of another project', () => client().deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.otherProject), 400, 'CSBS.3001'],
      ['an absent id', () => client().deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.absent), 400, 'CSBS.3001'],
      ['a malformed id', () => client().deleteBackup(DEMO_PROJECT, 'not-a-uuid'), 400, 'CSBS.9001'],
      ['a reader token', () => client(DEMO_TOKENS.reader).deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1]), 403, 'APIGW.0302'],
      ['a token of another project', () => client(DEMO_TOKENS.otherProject).deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1]), 403, 'APIGW.0302'],
      ['an expired token', () => client(DEMO_TOKENS.expired).deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1]), 401, 'APIGW.0301'],
      ['an unknown token', () => client('no-such-token').deleteBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1]), 401, 'APIGW.0301'],
      ['show of another project\'s backup', () => client().showBackup(DEMO_PROJECT, DEMO_BACKUPS.otherProject), 404, 'CSBS.3001'],
      ['list with a bad filter value', () => client().listBackups(DEMO_PROJECT, { limit: 0 }), 400, 'CSBS.9001'],
      ['list of another project', () => client().listBackups(DEMO_OTHER_PROJECT), 403, 'APIGW.0302'],
    ];
    for (const [what, call, status, code] of refusals) {
      test(`${what}: ${status} ${code}`, async () => {
        const error = await apiError(call());
        assert.equal(error.status, status);
        assert.equal(error.errorCode, code);
        assert.ok(error.errorMsg.length > 0);
      });
    }

    test('a reader may show and list, and the refused delete left the backup in place', async () => {
      const reader = client(DEMO_TOKENS.reader);
      assert.equal((await reader.showBackup(DEMO_PROJECT, DEMO_BACKUPS.available[1])).id, DEMO_BACKUPS.available[1]);
      const { backups, count } = await reader.listBackups(DEMO_PROJECT, { status: ['available'], sort: 'name:asc' });
      assert.ok(backups.length > 0 && backups.every((backup) => backup.status === 'available'));
      assert.equal(count, backups.length);
      assert.deepEqual(backups.map((backup) => backup.name), backups.map((backup) => backup.name).sort());
    });
  });

  describe('paging', () => {
    // 23 backups, several created at the same instant, so the order needs its id tie-break.
    const template = demoBackups()[0] as BackupDetail;
    const seeded: BackupDetail[] = Array.from({ length: 23 }, (_, n) => ({
      ...template,
      id: `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`,
      name: `paged-${n}`,
      status: n % 3 === 0 ? 'error' : 'available',
      created_at: `2026-11-${String(10 + (n % 4)).padStart(2, '0')}T08:00:00.000000`,
    }));
    let url: string;
    before(async () => {
      url = (await server(seeded)).url;
    });

    function countingClient() {
      const requested: string[] = [];
      const client = createBackupClient({
        baseUrl: url,
        token: DEMO_TOKENS.member,
        fetch: (request) => {
          requested.push(request.url);
          return fetch(request);
        },
      });
      return { client, requested };
    }

    test('iterateBackups returns every backup once, page after page with markers', async () => {
      const { client, requested } = countingClient();
      const ids: string[] = [];
      for await (const backup of client.iterateBackups(DEMO_PROJECT, { limit: 5 })) ids.push(backup.id);
      assert.equal(ids.length, 23);
      assert.deepEqual([...ids].sort(), seeded.map((backup) => backup.id).sort());
      assert.equal(requested.length, 5);
      assert.ok(!(requested[0] as string).includes('marker='));
      assert.ok(requested.slice(1).every((requestUrl) => requestUrl.includes('marker=')));
    });

    test('with a filter, and a page size that divides the total, it still ends', async () => {
      const { client, requested } = countingClient();
      const ids: string[] = [];
      for await (const backup of client.iterateBackups(DEMO_PROJECT, { status: ['error'], limit: 4, sort: 'created_at:asc' })) ids.push(backup.id);
      const expected = seeded.filter((backup) => backup.status === 'error').map((backup) => backup.id);
      assert.equal(expected.length, 8);
      assert.deepEqual([...ids].sort(), expected.sort());
      // Two full pages, then an empty one that ends the iteration.
      assert.equal(requested.length, 3);
    });

    test('filter values with reserved characters reach the service exactly as given', async () => {
      const odd = ['a&b=c', 'x#y', 'vm(1)!*', "it's 50% + more", 'ünï cödé/?'];
      const extra: BackupDetail[] = odd.map((name, n) => ({ ...template, id: `bbbbbbbb-0000-4000-8000-${String(n).padStart(12, '0')}`, name, resource_id: name }));
      const own = await server(extra);
      const client = createBackupClient({ baseUrl: own.url, token: DEMO_TOKENS.reader });
      for (const name of odd) {
        const byName = await client.listBackups(DEMO_PROJECT, { name });
        assert.deepEqual(byName.backups.map((b) => b.name), [name], `name ${name}`);
        const byResource = await client.listBackups(DEMO_PROJECT, { resource_id: name });
        assert.deepEqual(byResource.backups.map((b) => b.resource_id), [name], `resource_id ${name}`);
      }
    });

    test('deleting the marker between two pages neither repeats nor skips a backup', async () => {
      const { client } = countingClient();
      const ids: string[] = [];
      for await (const backup of client.iterateBackups(DEMO_PROJECT, { limit: 6 })) {
        ids.push(backup.id);
        if (ids.length === 6) await client.deleteBackup(DEMO_PROJECT, backup.id);
      }
      assert.equal(new Set(ids).size, ids.length);
      assert.equal(ids.length, 23);
    });
  });

  describe('the backups command against the service', () => {
    let url: string;
    let env: Record<string, string>;
    before(async () => {
      url = (await server()).url;
      env = { OS_AUTH_TOKEN: DEMO_TOKENS.member, OS_PROJECT_ID: DEMO_PROJECT };
    });

    describe('as a process (node client/bin/backups.mjs)', () => {
      test('exit 0: delete prints what it deleted', async () => {
        const run = await runBin(['delete', DEMO_BACKUPS.available[1], '--endpoint', url], env);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, new RegExp(`^Deleted backup ${DEMO_BACKUPS.available[1]} \\(request id [A-Za-z0-9._-]+\\)\\.\\n$`));
        assert.equal(run.stderr, '');
      });

      test('exit 1: the API refused; code, message and request id on stderr, JSON on stdout', async () => {
        const run = await runBin(['delete', DEMO_BACKUPS.busy.protecting, '--endpoint', url, '--json'], env);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /CSBS\.2003: Backup 3f6c1e2a-7d4b-4c1e-9a5f-000000000005 is protecting/);
        const { error } = JSON.parse(run.stdout) as { error: { kind: string; status: number; error_code: string; request_id: string } };
        assert.deepEqual([error.kind, error.status, error.error_code], ['api', 400, 'CSBS.2003']);
        assert.ok(run.stderr.includes(`request id ${error.request_id}`));
      });

      test('exit 2: no token and no access key', async () => {
        const run = await runBin(['delete', DEMO_BACKUPS.available[2], '--endpoint', url], { OS_PROJECT_ID: DEMO_PROJECT });
        assert.equal(run.code, 2);
        assert.match(run.stderr, /no credentials: set OS_AUTH_TOKEN \(or pass --token <token>\), or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK/);
        assert.equal(run.stdout, '');
      });

      test('exit 2: an unknown command', async () => {
        const run = await runBin(['remove', DEMO_BACKUPS.available[2]], env);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /unknown command "remove"/);
      });

      test('exit 3: nothing listens at the endpoint', async () => {
        const run = await runBin(['delete', DEMO_BACKUPS.available[2], '--endpoint', `http://127.0.0.1:${await freePort()}`], env);
        assert.equal(run.code, 3);
        assert.match(run.stderr, /no answer from the service: .*ECONNREFUSED/);
      });

      test('list --json parses and is the API\'s page', async () => {
        const run = await runBin(['list', '--endpoint', url, '--json', '--limit', '3', '--sort', 'name:asc'], env);
        assert.equal(run.code, 0, run.stderr);
        const page = JSON.parse(run.stdout) as { backups: BackupDetail[]; count: number };
        assert.equal(page.backups.length, 3);
        assert.ok(page.count >= 3);
        assert.deepEqual(page.backups.map((backup) => backup.name), page.backups.map((backup) => backup.name).sort());
      });

      test('--help explains commands, options, variables and exit codes', async () => {
        const run = await runBin(['--help'], {});
        assert.equal(run.code, 0);
        for (const text of ['delete <backup_id>', 'show <backup_id>', 'list', '--endpoint', '--json', 'OS_AUTH_TOKEN', 'OS_PROJECT_ID', 'Exit codes:', '3  no answer']) {
          assert.ok(run.stdout.includes(text), `--help does not mention ${text}`);
        }
      });
    });

    describe('in process (runCli)', () => {
      const refusals: Array<[string, string[], Record<string, string>, string]> = [
        ['a reader token', ['delete', DEMO_BACKUPS.available[2]], { OS_AUTH_TOKEN: DEMO_TOKENS.reader }, 'APIGW.0302'],
        ['an expired token', ['delete', DEMO_BACKUPS.available[2]], { OS_AUTH_TOKEN: DEMO_TOKENS.expired }, 'APIGW.0301'],
        ['another project\'s backup', ['delete', DEMO_BACKUPS.otherProject], {}, 'CSBS.3001'],
        ['an absent backup', ['delete', DEMO_BACKUPS.absent], {}, 'CSBS.3001'],
        ['an image', ['delete', DEMO_BACKUPS.registeredAsImage], {}, '6201'],
        ['a bad filter value', ['list', '--status', 'gone'], {}, 'CSBS.9001'],
        ['show of an absent backup', ['show', DEMO_BACKUPS.absent], {}, 'CSBS.3001'],
      ];
      for (const [what, args, extraEnv, code] of refusals) {
        test(`exit 1 for ${what}: ${code}`, async () => {
          const run = await runInProcess([...args, '--endpoint', url], { ...env, ...extraEnv });
          assert.equal(run.code, 1);
          assert.match(run.stderr, new RegExp(`^error: the API refused: ${code.replace('.', '\\.')}: .+\\n  HTTP \\d{3}, request id [A-Za-z0-9._-]+\\n$`));
          assert.equal(run.stdout, '');
        });
      }

      test('--token and --project win over the environment', async () => {
        const run = await runInProcess(['show', DEMO_BACKUPS.available[2], '--endpoint', url, '--token', DEMO_TOKENS.reader, '-p', DEMO_PROJECT], {
          OS_AUTH_TOKEN: DEMO_TOKENS.expired,
          OS_PROJECT_ID: DEMO_OTHER_PROJECT,
        });
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^id +3f6c1e2a-7d4b-4c1e-9a5f-000000000003$/m);
      });

      test('show --json is the API\'s BackupResponse', async () => {
        const run = await runInProcess(['show', DEMO_BACKUPS.available[2], '--endpoint', url, '--json'], env);
        assert.equal(run.code, 0, run.stderr);
        assert.equal((JSON.parse(run.stdout) as { backup: BackupDetail }).backup.id, DEMO_BACKUPS.available[2]);
      });

      test('list prints a table and how many match', async () => {
        const run = await runInProcess(['list', '--endpoint', url, '--status', 'available'], env);
        assert.equal(run.code, 0, run.stderr);
        const lines = run.stdout.trimEnd().split('\n');
        assert.match(lines[0] as string, /^ID +NAME +STATUS +RESOURCE TYPE +SIZE \(GB\) +CREATED$/);
        const rows = lines.slice(1, -1);
        assert.ok(rows.length > 0 && rows.every((row) => / available /.test(row)));
        assert.equal(lines.at(-1), `${rows.length} of ${rows.length} backup${rows.length === 1 ? '' : 's'}.`);
      });

      test('list --all --json pages through everything, each backup once', async () => {
        const run = await runInProcess(['list', '--endpoint', url, '--all', '--limit', '2', '--json'], env);
        assert.equal(run.code, 0, run.stderr);
        const { backups, count } = JSON.parse(run.stdout) as { backups: BackupDetail[]; count: number };
        const single = await createBackupClient({ baseUrl: url, token: DEMO_TOKENS.member }).listBackups(DEMO_PROJECT);
        assert.equal(count, single.count);
        assert.deepEqual(backups.map((backup) => backup.id), single.backups.map((backup) => backup.id));
      });

      const usage: Array<[string, string[]]> = [
        ['show without an id', ['show']],
        ['list with an id', ['list', DEMO_BACKUPS.absent]],
        ['a list filter on delete', ['delete', DEMO_BACKUPS.absent, '--status', 'available']],
        ['a limit that is not a number', ['list', '--limit', 'ten']],
        ['--all with --marker', ['list', '--all', '--marker', DEMO_BACKUPS.absent]],
        ['an endpoint that is not a URL', ['list', '--endpoint', 'localhost:8080']],
        ['too many retries', ['list', '--retries', '99']],
        ['an unknown option', ['list', '--colour']],
        ['no command', []],
      ];
      for (const [what, args] of usage) {
        test(`exit 2 for ${what}`, async () => {
          const run = await runInProcess(args, env);
          assert.equal(run.code, 2);
          assert.match(run.stderr, /^error: .+\nRun "backups --help"/);
          assert.equal(run.stdout, '');
        });
      }

      test('exit 3 for an answer the contract does not allow, reported as such', async () => {
        const proxy = async () => new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } });
        const run = await runInProcess(['delete', DEMO_BACKUPS.absent, '--endpoint', url, '--json'], env, proxy);
        assert.equal(run.code, 3);
        assert.match(run.stderr, /not what the API's contract allows: .*HTTP 502.*\n  body: <html>502 Bad Gateway<\/html>/);
        assert.equal((JSON.parse(run.stdout) as { error: { kind: string } }).error.kind, 'unexpected-response');
      });

      test('--retries: a delete whose answer was lost, then CSBS.3001, is reported as gone, exit 0', async () => {
        let calls = 0;
        // The first DELETE reaches the service (and deletes), but its answer is lost on the way back.
        const losingFirstAnswer = async (request: Request) => {
          const response = await fetch(request);
          calls += 1;
          if (calls === 1) throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
          return response;
        };
        const args = ['delete', DEMO_BACKUPS.error, '--endpoint', url, '--retries', '2'];
        const run = await runInProcess(args, env, losingFirstAnswer);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(calls, 2);
        assert.match(run.stdout, /is gone: an earlier attempt, whose answer was lost or 5xx, most likely deleted it; the retry was told CSBS\.3001/);

        const again = await runInProcess([...args, '--json'], env, losingFirstAnswer);
        assert.equal(again.code, 1, 'a first attempt that was answered CSBS.3001 is a plain refusal');
      });

      test('exit 3 with --json for no answer, after the retries asked for', async () => {
        const run = await runInProcess(['list', '--endpoint', `http://127.0.0.1:${await freePort()}`, '--json', '--retries', '1'], env);
        assert.equal(run.code, 3);
        const { error } = JSON.parse(run.stdout) as { error: { kind: string; attempts: number } };
        assert.deepEqual(error, { ...error, kind: 'network', attempts: 2 });
        assert.match(run.stderr, /\(after 2 attempts\)/);
      });
    });
  });
});
