// The API reference outside the service.
//   npm run docs                  writes dist/docs/index.html: the reference as one offline
//                                 HTML file (spec, Redoc and styles inlined), for publishing
//   npm run docs -- --out DIR     writes DIR/index.html instead
//   npm run docs:screenshot       writes docs/api-reference.png: the service's /docs page in
//                                 Chromium (/usr/bin/chromium), as the README shows it
//                                 (`-- --out FILE.png` writes another file)
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { staticPage } from '../server/docs/reference-page.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

async function writeStaticReference(dir: string): Promise<string> {
  const file = path.join(dir, 'index.html');
  await mkdir(dir, { recursive: true });
  await writeFile(file, staticPage());
  return file;
}

async function writeScreenshot(file: string): Promise<void> {
  // Loaded only here: the export needs neither a browser nor a running service.
  const { startTestServer } = await import('../tests/support/test-server.ts');
  const { chromiumInstalled, CHROMIUM_MISSING, launchChromium } = await import('../tests/browser/support/chromium.ts');
  const { openReference, operationSelector, watchedPage } = await import('../tests/browser/support/reference-page.ts');
  if (!chromiumInstalled()) throw new Error(CHROMIUM_MISSING);
  const server = await startTestServer();
  const browser = await launchChromium();
  try {
    const watched = await watchedPage(browser, server.url);
    await openReference(watched.page, `${server.url}/docs`);
    // The delete operation: its checks, the token it needs (expanded) and its error examples.
    await watched.page.setViewportSize({ width: 1280, height: 1060 });
    const deleteOp = watched.page.locator(operationSelector('deleteBackup'));
    await deleteOp.getByText('Authorizations:', { exact: true }).click();
    await deleteOp.getByText('Header parameter name:').waitFor({ state: 'visible' });
    await deleteOp.evaluate((el) => el.scrollIntoView());
    await mkdir(path.dirname(file), { recursive: true });
    await watched.page.screenshot({ path: file, animations: 'disabled' });
    if (watched.errors.length > 0 || watched.outside.length > 0) {
      throw new Error(`the page was not clean: ${[...watched.errors, ...watched.outside].join('; ')}`);
    }
    await watched.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

const { values } = parseArgs({ options: { out: { type: 'string' }, screenshot: { type: 'boolean', default: false } } });

if (values.screenshot) {
  const file = path.resolve(values.out ?? path.join(REPO_ROOT, 'docs/api-reference.png'));
  await writeScreenshot(file);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
} else {
  const file = await writeStaticReference(path.resolve(values.out ?? path.join(REPO_ROOT, 'dist/docs')));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
