// npm run example:screenshot: docs/frontend-example.png for the README, the example page
// (built from a copy, as the tests build it) against the stateful mock, after a delete that
// the mock refused because the backup is busy. Needs `npm run build` (the script runs it)
// and Debian's Chromium.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM_MISSING, chromiumInstalled, launchChromium } from '../../../scripts/lib/chromium.ts';
import { REPO_ROOT, freePort, startTracked } from '../../../scripts/lib/processes.ts';
import { buildPage, preparePage, servePage } from './page.ts';

const OUTPUT = path.join(REPO_ROOT, 'docs/frontend-example.png');

if (!chromiumInstalled()) {
  console.error(CHROMIUM_MISSING);
  process.exit(1);
}
/** `npm run mock:stateful`'s port, as the README shows it, when it is free. */
async function mockPort(preferred = 4011): Promise<number> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(preferred, '127.0.0.1', resolve));
    await new Promise((resolve) => probe.close(resolve));
    return preferred;
  } catch {
    return freePort();
  }
}

const directory = await mkdtemp(path.join(tmpdir(), 'cbr-frontend-'));
const port = await mockPort();
const mockUrl = `http://127.0.0.1:${port}`;
const [mock, pages] = await Promise.all([
  startTracked('stateful mock', process.execPath, ['dist/server/mock/main.js'], { PORT: String(port) }, mockUrl, async () => (await fetch(`${mockUrl}/healthz`)).ok, 20_000),
  preparePage(directory).then(() => buildPage(directory)).then(servePage),
]);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${pages.url}/?${new URLSearchParams({ api: mock.url })}`);
  await page.locator('#backups tbody tr').first().waitFor();
  await page.locator('#backups tr', { hasText: 'running-web-05' }).getByRole('button', { name: 'Delete' }).click();
  await page.locator('#confirm').getByRole('button', { name: 'Delete' }).click();
  await page.locator('#message[data-error-code="CSBS.2003"]').waitFor();
  await page.screenshot({ path: OUTPUT, fullPage: true });
  console.log(`wrote ${path.relative(REPO_ROOT, OUTPUT)}`);
} finally {
  await browser.close();
  await pages.close();
  await mock.stop();
  await rm(directory, { recursive: true, force: true });
}
