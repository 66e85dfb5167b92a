// The API reference page in a real browser (Debian's Chromium through playwright-core): the
// service's /docs and the file `npm run docs` writes. Both must show every operation, the
// token requirement and every error code with its example, fetch nothing from outside and
// log no console error (a CSP violation is one). Without Chromium the tests are skipped with
// one line, except in CI, where they fail.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { loadSpec } from '../../server/contract/spec.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { CHROMIUM_MISSING, chromiumInstalled, launchChromium } from '../../scripts/lib/chromium.ts';
import { openReference, operationSelector, watchedPage } from '../../scripts/lib/reference-page.ts';

const OUTPUT_DIR = path.join(REPO_ROOT, 'test-results/browser');
const missing = !chromiumInstalled();

interface OperationFacts {
  operationId: string;
  summary: string;
  path: string;
}

interface ErrorExample {
  status: string;
  summary: string;
  errorCode: string;
}

const spec = loadSpec();

function resolve<T>(value: T | { $ref: string }): T {
  if (typeof value === 'object' && value !== null && '$ref' in value) {
    const target = value.$ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], spec);
    return resolve(target as T);
  }
  return value;
}

/** Every operation of the contract, with the summary Redoc shows as its heading. */
const operations: OperationFacts[] = Object.entries(spec.paths).flatMap(([apiPath, item]) =>
  (['get', 'put', 'post', 'delete', 'patch'] as const).flatMap((method) => {
    const op = item?.[method];
    return op?.operationId && op.summary ? [{ operationId: op.operationId, summary: op.summary, path: apiPath }] : [];
  }),
);

/** deleteBackup's error responses and their named examples, as the contract declares them. */
function deleteErrorExamples(): ErrorExample[] {
  const responses = spec.paths['/v3/{project_id}/backups/{backup_id}']?.delete?.responses ?? {};
  return Object.entries(responses)
    .filter(([status]) => Number(status) >= 400)
    .flatMap(([status, response]) => {
      const examples = resolve(response).content?.['application/json']?.examples ?? {};
      return Object.values(examples).map((ref) => {
        const example = resolve(ref);
        return { status, summary: String(example.summary), errorCode: String((example.value as { error_code: string }).error_code) };
      });
    });
}

const ALL_ERROR_CODES = (resolve(spec.components!.schemas!.ErrorCode!) as { enum: string[] }).enum;
const SOURCE_CODES = ['6201', 'CSBS.2003', 'CSBS.3001'];

function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

async function visible(locator: Locator, what: string): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    assert.fail(`not visible on the page: ${what}`);
  }
}

/** Every operation's heading, method and path are on the page. */
async function checkOperations(page: Page): Promise<void> {
  assert.ok(operations.length >= 3, 'the contract has its operations');
  for (const op of operations) {
    const section = page.locator(operationSelector(op.operationId));
    await visible(section.locator('h2').filter({ hasText: exactly(op.summary) }), `heading "${op.summary}"`);
    await visible(section.getByText(op.path, { exact: true }), `path of ${op.operationId}`);
  }
}

/** Every error code is in the introduction's table, and deleteBackup names the source's codes. */
async function checkErrorCodes(page: Page): Promise<void> {
  for (const code of ALL_ERROR_CODES) {
    await visible(page.locator('td > code').filter({ hasText: exactly(code) }), `error code ${code} in the codes table`);
  }
  const deleteOp = page.locator(operationSelector('deleteBackup'));
  for (const code of SOURCE_CODES) {
    await visible(deleteOp.locator('code').filter({ hasText: exactly(code) }), `error code ${code} in deleteBackup's checks`);
  }
}

/** deleteBackup takes an X-Auth-Token or an AK/SK signature: its Authorizations panel, once expanded, shows both headers. */
async function checkTokenRequirement(page: Page): Promise<void> {
  const deleteOp = page.locator(operationSelector('deleteBackup'));
  await deleteOp.getByText('Authorizations:', { exact: true }).click();
  for (const name of ['X-Auth-Token', 'Authorization']) {
    const header = deleteOp.locator('div', { has: page.getByText('Header parameter name:') }).filter({ hasText: new RegExp(`Header parameter name:\\s*${name}\\b`) }).last();
    await visible(header, `the ${name} header of deleteBackup`);
    assert.match(await header.innerText(), new RegExp(`Header parameter name:\\s*${name}`));
  }
}

/** Each error response of deleteBackup shows each of its examples, with its error_code. */
async function checkErrorExamples(page: Page): Promise<string[]> {
  const deleteOp = page.locator(operationSelector('deleteBackup'));
  const shown: string[] = [];
  for (const example of deleteErrorExamples()) {
    await deleteOp.getByRole('tab', { name: example.status, exact: true }).click();
    const panel = deleteOp.locator('.react-tabs__tab-panel--selected');
    const chooser = panel.locator('select[aria-label="Example"]');
    if ((await chooser.count()) > 0) await chooser.selectOption({ label: example.summary });
    await visible(panel.getByText(`"${example.errorCode}"`, { exact: true }), `example "${example.summary}" of ${example.status}`);
    assert.match(await panel.innerText(), new RegExp(`"error_code":\\s*"${example.errorCode.replace('.', '\\.')}"`));
    shown.push(example.errorCode);
  }
  return shown;
}

// CI must run the browser tests: there a missing Chromium is a failure, not a skip.
if (missing && process.env.CI === 'true') {
  test('Chromium is installed (required in CI)', () => assert.fail(CHROMIUM_MISSING));
}

describe('API reference page in Chromium', { skip: missing ? CHROMIUM_MISSING : false }, () => {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let exportDir: string | undefined;

  before(async () => {
    await mkdir(OUTPUT_DIR, { recursive: true });
    server = await startTestServer();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (exportDir !== undefined) await rm(exportDir, { recursive: true, force: true });
  });

  test('/docs shows the operations, the token and every error code with its example, offline and cleanly', async () => {
    const watched = await watchedPage(browser!, server!.url);
    try {
      await openReference(watched.page, `${server!.url}/docs`);
      await checkOperations(watched.page);
      await checkErrorCodes(watched.page);
      await checkTokenRequirement(watched.page);
      const shown = await checkErrorExamples(watched.page);
      for (const code of SOURCE_CODES) assert.ok(shown.includes(code), `an example of ${code} was shown`);

      const paths = watched.requests.map((url) => new URL(url).pathname);
      assert.ok(paths.includes('/openapi.yaml'), 'the page rendered the spec the service serves');
      assert.deepEqual(watched.outside, [], 'requests outside the service');
      assert.deepEqual(watched.errors, [], 'console errors');
    } finally {
      await watched.page.locator(operationSelector('deleteBackup')).evaluate((el) => el.scrollIntoView()).catch(() => {});
      await watched.page.screenshot({ path: path.join(OUTPUT_DIR, 'docs-page.png'), animations: 'disabled' }).catch(() => {});
      await watched.close();
    }
  });

  test('npm run docs writes one file that shows the same reference from file:// with nothing fetched', async () => {
    exportDir = await mkdtemp(path.join(tmpdir(), 'cbr-docs-'));
    await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/docs.ts'), '--out', exportDir], {
      cwd: REPO_ROOT,
    });
    const fileUrl = pathToFileURL(path.join(exportDir, 'index.html')).href;
    const watched = await watchedPage(browser!, 'file:');
    try {
      await openReference(watched.page, fileUrl);
      await checkOperations(watched.page);
      await checkErrorCodes(watched.page);
      await checkTokenRequirement(watched.page);
      await checkErrorExamples(watched.page);

      assert.deepEqual(watched.requests, [fileUrl], 'the file is the only thing loaded');
      assert.deepEqual(watched.outside, [], 'requests outside the file');
      assert.deepEqual(watched.errors, [], 'console errors');
    } finally {
      await watched.page.screenshot({ path: path.join(OUTPUT_DIR, 'docs-static.png'), animations: 'disabled' }).catch(() => {});
      await watched.close();
    }
  });
});
