// The compiled client (dist/client, as `npm run build` writes it) in a real browser (Debian's
// Chromium through playwright-core), on a page of another origin: signed calls go through
// WebCrypto, the browser's own Host header and the service's CORS, and get the contract's
// answers. Without Chromium the tests are skipped with one line, except in CI, where they fail.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_MISSING, chromiumInstalled, launchChromium } from '../../scripts/lib/chromium.ts';
import { DEMO_BACKUPS, DEMO_PROJECT } from '../../server/demo/demo.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const missing = !chromiumInstalled();

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>client</title>
<script type="importmap">{"imports": {"openapi-fetch": "/openapi-fetch.mjs"}}</script>
<script type="module">
  import { createBackupClient } from '/dist/client/index.js';
  window.createBackupClient = createBackupClient;
</script>`;

/** The page, the compiled client and openapi-fetch, from one loopback origin. */
async function startPageServer(): Promise<{ url: string; server: Server }> {
  const files: Record<string, string> = { '/openapi-fetch.mjs': path.join(REPO_ROOT, 'node_modules/openapi-fetch/dist/index.mjs') };
  const server = createServer(async (request, response) => {
    const url = request.url ?? '/';
    if (url === '/') return void response.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    const file = files[url] ?? (/^\/dist\/client\/[a-z-]+\.js$/.test(url) ? path.join(REPO_ROOT, url) : undefined);
    if (file === undefined) return void response.writeHead(404).end();
    try {
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(await readFile(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

if (missing && process.env.CI === 'true') {
  test('Chromium is installed (required in CI)', () => assert.fail(CHROMIUM_MISSING));
}

describe('the client signing in Chromium', { skip: missing ? CHROMIUM_MISSING : false }, () => {
  let api: TestServer;
  let pages: { url: string; server: Server };
  let browser: Browser;
  let page: Page;
  before(async () => {
    api = await startTestServer({ config: { corsOrigins: 'local' } });
    pages = await startPageServer();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(pages.url);
    await page.waitForFunction(() => 'createBackupClient' in globalThis);
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => pages?.server.close(resolve));
    await api?.close();
  });

  test('show, list with several statuses and delete: the contract\'s answers; a wrong secret: ApiError 401', async () => {
    const result = await page.evaluate(
      async ({ baseUrl, project, ids }) => {
        const create = (globalThis as unknown as { createBackupClient: typeof import('../../client/index.ts').createBackupClient }).createBackupClient;
        const client = create({ baseUrl, credentials: { accessKey: 'DEMOMEMBERAK0000000001', secretKey: 'demo-member-secret-key-0000000001' } });
        const shown = await client.showBackup(project, ids.show);
        const listed = await client.listBackups(project, { status: ['available', 'error'], name: 'a b&c' });
        const deleted = await client.deleteBackup(project, ids.delete);
        const wrong = create({ baseUrl, credentials: { accessKey: 'DEMOMEMBERAK0000000001', secretKey: 'not-the-secret-key-0000000001' } });
        const refused = await wrong.showBackup(project, ids.show).then(
          () => null,
          (error: { name: string; status: number; errorCode: string }) => [error.name, error.status, error.errorCode],
        );
        return { shown: shown.id, listed: listed.count, deleted: deleted.outcome, refused };
      },
      { baseUrl: api.url, project: DEMO_PROJECT, ids: { show: DEMO_BACKUPS.available[1], delete: DEMO_BACKUPS.available[0] } },
    );
    assert.deepEqual(result, { shown: DEMO_BACKUPS.available[1], listed: 0, deleted: 'deleted', refused: ['ApiError', 401, 'APIGW.0301'] });
  });
});
