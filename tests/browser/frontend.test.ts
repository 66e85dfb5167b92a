// The example page (examples/frontend) in a real browser (Debian's Chromium through
// playwright-core), built as its own project builds it: the client's tarball installed by
// npm, then Vite. It is served from a loopback port of its own, another origin than the API,
// and driven against Prism (answers forced with Prefer), the stateful mock (a delete is seen
// by the next list; reset brings it back) and the service with CORS_ORIGINS set to the page's
// origin. Screenshots go to test-results/frontend/. Without Chromium the tests are skipped
// with one line, except in CI, where they fail.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildPage, EXAMPLE_DIR, type PageServer, preparePage, servePage, typecheckPage } from '../../examples/frontend/tools/page.ts';
import { CHROMIUM_MISSING, chromiumInstalled, launchChromium } from '../../scripts/lib/chromium.ts';
import { loadSpec } from '../../server/contract/spec.ts';
import { DEMO_BACKUPS, DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';
import { REPO_ROOT, type RunningProcess, startMock, startServerProcess, startStatefulMock } from '../support/processes.ts';

const OUTPUT_DIR = path.join(REPO_ROOT, 'test-results/frontend');
const missing = !chromiumInstalled();

interface ErrorExample {
  error_code: string;
  error_msg: string;
  request_id: string;
}

/** One of the spec's named examples (components.examples), as Prism answers it. */
function specExample(name: string): ErrorExample {
  return (loadSpec().components!.examples![name] as { value: ErrorExample }).value;
}

test("the example's dev dependencies are this repository's versions (its scripts and tests use the repository's)", async () => {
  const read = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as { devDependencies: Record<string, string> };
  const [example, root] = await Promise.all([read(path.join(EXAMPLE_DIR, 'package.json')), read(path.join(REPO_ROOT, 'package.json'))]);
  for (const [name, version] of Object.entries(example.devDependencies)) assert.equal(version, root.devDependencies[name], name);
});

if (missing && process.env.CI === 'true') {
  test('Chromium is installed (required in CI)', () => assert.fail(CHROMIUM_MISSING));
}

describe('the example page in Chromium', { skip: missing ? CHROMIUM_MISSING : false }, () => {
  let dir: string;
  let pages: PageServer;
  let browser: Browser;
  let prism: RunningProcess;
  let mock: RunningProcess;
  let service: RunningProcess;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cbr-frontend-'));
    await mkdir(OUTPUT_DIR, { recursive: true });
    // The page's origin is known before it is built: the service's CORS_ORIGINS names it.
    pages = await servePage(path.join(dir, 'dist'));
    const started = await Promise.allSettled([
      preparePage(dir).then(() => Promise.all([buildPage(dir), typecheckPage(dir)])),
      startMock().then((started) => (prism = started)),
      startStatefulMock().then((started) => (mock = started)),
      // A loaded machine (CI's two cores run four test files at once) may take a while.
      startServerProcess({ DATABASE_URL: path.join(dir, 'service.sqlite'), CORS_ORIGINS: pages.url }, { readyTimeoutMs: 60_000 }).then(
        (started) => (service = started),
      ),
      launchChromium().then((started) => (browser = started)),
    ]);
    // Everything has started or failed by now, so that `after` stops what did start.
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all([prism?.stop(), mock?.stop(), service?.stop(), pages?.close()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const uncaught = new WeakMap<Page, Error[]>();

  /** The page with these settings (the query string its form writes), once its list is done. */
  async function open(settings: Record<string, string>, origin = pages.url): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: Error[] = [];
    uncaught.set(page, errors);
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${origin}/?${new URLSearchParams(settings)}`);
    await page.locator('#refresh:enabled').waitFor();
    return page;
  }

  /** Closes the page, which must have thrown nothing uncaught. */
  async function done(page: Page): Promise<void> {
    await page.close();
    assert.deepEqual(uncaught.get(page), [], 'no uncaught error on the page');
  }

  async function rows(page: Page): Promise<{ name: string; status: string }[]> {
    return page.locator('#backups tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ name: tr.querySelector('.name')?.textContent ?? '', status: tr.querySelector('.status')?.textContent ?? '' })),
    );
  }

  async function message(page: Page): Promise<{ kind: string; text: string; errorCode: string | null; requestId: string | null }> {
    const box = page.locator('#message');
    await box.waitFor({ state: 'visible' });
    return {
      kind: (await box.getAttribute('class'))?.replace('message ', '') ?? '',
      text: await box.innerText(),
      errorCode: await box.getAttribute('data-error-code'),
      requestId: await box.getAttribute('data-request-id'),
    };
  }

  /** Clicks the row's Delete, then the dialog's Delete; waits for the answer (and the list after a delete). */
  async function remove(page: Page, name: string): Promise<Awaited<ReturnType<typeof message>> & { header: string | null }> {
    await page.locator('#backups tr', { hasText: name }).getByRole('button', { name: 'Delete' }).click();
    const dialog = page.locator('#confirm');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), new RegExp(`Delete the backup ${name}\\?`));
    const answer = page.waitForResponse((response) => response.request().method() === 'DELETE');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    const header = (await answer).headers()['x-request-id'] ?? null;
    const shown = await message(page);
    await page.locator('#refresh:enabled').waitFor();
    return { ...shown, header };
  }

  const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`), fullPage: true });

  describe('against Prism (npm run mock)', () => {
    const settings = () => ({ api: prism.url, project: DEMO_PROJECT, token: 'any-token' });

    test('lists the backups with their status; a delete asks first, Cancel sends nothing, Delete shows the request id', async () => {
      const page = await open(settings());
      const listed = await rows(page);
      assert.ok(listed.length > 0);
      assert.deepEqual(listed.slice(0, 3), [
        { name: 'nightly-web-01', status: 'available' },
        { name: 'failed-web-04', status: 'error' },
        { name: 'running-web-05', status: 'protecting' },
      ]);
      assert.match(await page.locator('#summary').innerText(), /^\d+ of \d+ backups · request id [\w-]+$/);

      const deletes: string[] = [];
      page.on('request', (request) => void (request.method() === 'DELETE' && deletes.push(request.url())));
      await page.locator('#backups tr', { hasText: 'nightly-web-01' }).getByRole('button', { name: 'Delete' }).click();
      await page.locator('#confirm').getByRole('button', { name: 'Cancel' }).click();
      await page.locator('#confirm').waitFor({ state: 'hidden' });
      assert.deepEqual(deletes, [], 'Cancel sends no request');

      const deleted = await remove(page, 'nightly-web-01');
      assert.equal(deleted.kind, 'success');
      assert.match(deleted.text, /^Deleted nightly-web-01\./);
      assert.ok(deleted.header !== null && deleted.requestId === deleted.header, 'the request id of the answer');
      assert.match(deleted.text, new RegExp(`request id ${deleted.header}`));
      await screenshot(page, 'prism-deleted');
      await done(page);
    });

    const forced = [
      { prefer: 'code=400, example=backupRunning', example: 'backupRunning', status: 400, advice: /The backup is busy/ },
      { prefer: 'code=400, example=backupCannotBeDeleted', example: 'backupCannotBeDeleted', status: 400, advice: /registered as an image/ },
      { prefer: 'code=400, example=backupNotFound', example: 'backupNotFound', status: 400, advice: /no such backup in this project/ },
      { prefer: 'code=401', example: 'invalidToken', status: 401, advice: /The token is missing, unknown or expired/ },
      { prefer: 'code=403', example: 'notAuthorized', status: 403, advice: /The token may not do this in this project/ },
    ];
    for (const { prefer, example, status, advice } of forced) {
      test(`a delete answered ${status} ${specExample(example).error_code} (Prefer: ${prefer}): its message, code and request id`, async () => {
        const expected = specExample(example);
        const page = await open({ ...settings(), 'prefer-delete': prefer });
        const shown = await remove(page, 'running-web-05');
        assert.equal(shown.kind, 'error');
        assert.equal(shown.errorCode, expected.error_code);
        assert.equal(shown.requestId, expected.request_id);
        assert.match(shown.text, /^Deleting running-web-05 failed: /);
        assert.match(shown.text, advice);
        assert.ok(shown.text.includes(expected.error_msg), `the contract's error_msg in:\n${shown.text}`);
        assert.ok(shown.text.includes(`Error code ${expected.error_code} · HTTP ${status} · request id ${expected.request_id}`), shown.text);
        await screenshot(page, `prism-${expected.error_code}`);
        await done(page);
      });
    }

    test('a list answered 401 (Prefer on every request): the error, no rows', async () => {
      const page = await open({ ...settings(), prefer: 'code=401' });
      const shown = await message(page);
      assert.equal(shown.errorCode, 'APIGW.0301');
      assert.match(shown.text, /^Listing the backups failed: The token is missing/);
      assert.deepEqual(await rows(page), []);
      await done(page);
    });
  });

  describe('against the stateful mock (npm run mock:stateful)', () => {
    const settings = (token: string = DEMO_TOKENS.member) => ({ api: mock.url, project: DEMO_PROJECT, token });
    beforeEach(async () => {
      assert.equal((await fetch(`${mock.url}/__mock/reset`, { method: 'POST' })).ok, true);
    });

    test('a deleted backup is gone from the list; after POST /__mock/reset it is back', async () => {
      const page = await open(settings());
      const before = await rows(page);
      assert.equal(before.length, 11);
      assert.deepEqual(before.find((row) => row.name === 'queued-web-06'), { name: 'queued-web-06', status: 'waiting protect' });

      const deleted = await remove(page, 'nightly-web-01');
      assert.equal(deleted.kind, 'success');
      assert.equal(deleted.requestId, deleted.header);
      const after = await rows(page);
      assert.equal(after.length, 10);
      assert.ok(!after.some((row) => row.name === 'nightly-web-01'), 'gone from the list');
      assert.match(await page.locator('#summary').innerText(), /^10 of 10 backups/);
      await screenshot(page, 'stateful-deleted');

      assert.equal((await fetch(`${mock.url}/__mock/reset`, { method: 'POST' })).ok, true);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.locator('#refresh:enabled').waitFor();
      await page.locator('#backups tbody tr').nth(10).waitFor();
      assert.ok((await rows(page)).some((row) => row.name === 'nightly-web-01'), 'back after the reset');
      await done(page);
    });

    test("refused deletes show the mock's own answers: busy, registered as an image, deleted meanwhile", async () => {
      const page = await open(settings());
      const busy = await remove(page, 'running-web-05');
      assert.equal(busy.errorCode, 'CSBS.2003');
      assert.equal(busy.requestId, busy.header, 'the request id of the answer');
      assert.ok(busy.text.includes(DEMO_BACKUPS.busy.protecting), busy.text);

      const image = await remove(page, 'golden-image-11');
      assert.equal(image.errorCode, '6201');
      assert.equal(image.requestId, image.header);

      // Deleted by someone else after the page listed it.
      const elsewhere = await fetch(`${mock.url}/v3/${DEMO_PROJECT}/backups/${DEMO_BACKUPS.available[1]}`, {
        method: 'DELETE',
        headers: { 'X-Auth-Token': DEMO_TOKENS.member },
      });
      assert.equal(elsewhere.status, 204);
      const gone = await remove(page, 'nightly-web-02');
      assert.equal(gone.errorCode, 'CSBS.3001');
      assert.match(gone.text, /it may have been deleted already/);
      await screenshot(page, 'stateful-not-found');
      await done(page);
    });

    test(
      'a Prefer header from the page forces an answer',
      async () => {
        const page = await open({ ...settings(), 'prefer-delete': 'code=400, example=backupRunning' });
        await page.locator('#backups tr', { hasText: 'nightly-web-01' }).getByRole('button', { name: 'Delete' }).click();
        await page.locator('#confirm').getByRole('button', { name: 'Delete' }).click();
        const shown = await message(page);
        await done(page);
        assert.equal(shown.errorCode, 'CSBS.2003', shown.text);
      },
    );

    test('token problems: an expired token cannot list (APIGW.0301), a reader cannot delete (APIGW.0302)', async () => {
      const expired = await open(settings(DEMO_TOKENS.expired));
      const listed = await message(expired);
      assert.equal(listed.errorCode, 'APIGW.0301');
      assert.deepEqual(await rows(expired), []);
      await done(expired);

      const reader = await open(settings(DEMO_TOKENS.reader));
      assert.equal((await rows(reader)).length, 11);
      const refused = await remove(reader, 'nightly-web-01');
      assert.equal(refused.errorCode, 'APIGW.0302');
      assert.equal(refused.requestId, refused.header);
      await done(reader);
    });
  });

  describe("against the service (CORS_ORIGINS set to the page's origin)", () => {
    const settings = () => ({ api: service.url, project: DEMO_PROJECT, token: DEMO_TOKENS.member });

    test('lists, deletes one (gone from the next list) and shows a refusal with its request id', async () => {
      const page = await open(settings());
      assert.equal((await rows(page)).length, 11);
      const deleted = await remove(page, 'nightly-db-03');
      assert.equal(deleted.kind, 'success');
      assert.equal(deleted.requestId, deleted.header);
      assert.ok(!(await rows(page)).some((row) => row.name === 'nightly-db-03'));

      const busy = await remove(page, 'restoring-web-07');
      assert.equal(busy.errorCode, 'CSBS.2003');
      assert.equal(busy.requestId, busy.header);
      await screenshot(page, 'service-busy');
      await done(page);
    });

    test('a page of an origin CORS_ORIGINS does not list gets no answer, and says so', async () => {
      const other = await servePage(path.join(dir, 'dist'));
      try {
        const page = await open(settings(), other.url);
        const shown = await message(page);
        assert.equal(shown.kind, 'error');
        assert.equal(shown.errorCode, null);
        assert.match(shown.text, new RegExp(`No answer from ${service.url}\\. .*\\(${other.url}\\) call it \\(CORS\\)`));
        assert.deepEqual(await rows(page), []);
        await done(page);
      } finally {
        await other.close();
      }
    });
  });
});
