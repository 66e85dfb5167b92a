// The API reference outside the service.
//   npm run docs                  writes dist/docs/index.html: the reference as one offline
//                                 HTML file (spec, Redoc and styles inlined), for publishing
//   npm run docs -- --out DIR     writes DIR/index.html instead
//   npm run docs:screenshot       writes docs/api-reference.png: the service's /docs page in
//                                 Chromium (/usr/bin/chromium), as the README shows it
//                                 (`-- --out FILE.png` writes another file)
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { staticPage } from '../server/docs/reference-page.ts';
import { REPO_ROOT, startServerProcess } from './lib/processes.ts';

async function writeStaticReference(dir: string): Promise<string> {
  const file = path.join(dir, 'index.html');
  await mkdir(dir, { recursive: true });
  await writeFile(file, staticPage());
  return file;
}

/**
 * The service as `npm start` runs it: built first (as `prestart` does), then the compiled
 * entry point with the package's flags, on a store file of its own in a temporary folder. A
 * new store and no TOKENS_FILE: the demo tokens and backups, as a first `npm start` shows them.
 */
async function startDemoService(): Promise<{ url: string; close(): Promise<void> }> {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed (its errors are above): the screenshot needs the compiled service');
  const dir = await mkdtemp(path.join(tmpdir(), 'cbr-docs-'));
  try {
    const service = await startServerProcess({
      NODE_ENV: 'development',
      DATABASE_URL: `sqlite:${path.join(dir, 'backups.sqlite')}`,
      // Set in the caller's shell, these would replace the demo data.
      TOKENS_FILE: '',
      IAM_URL: '',
      SEED_FILE: '',
    });
    return {
      url: service.url,
      async close() {
        await service.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function writeScreenshot(file: string): Promise<void> {
  // Loaded only here: the export needs neither a browser nor a running service.
  const { chromiumInstalled, CHROMIUM_MISSING, launchChromium } = await import('./lib/chromium.ts');
  const { openReference, operationSelector, watchedPage } = await import('./lib/reference-page.ts');
  if (!chromiumInstalled()) throw new Error(CHROMIUM_MISSING);
  const server = await startDemoService();
  try {
    const browser = await launchChromium();
    try {
      const watched = await watchedPage(browser, server.url);
      await openReference(watched.page, `${server.url}/docs`);
      // The delete operation: its checks, the token it needs (expanded) and its error examples.
      await watched.page.setViewportSize({ width: 1280, height: 1060 });
      const deleteOp = watched.page.locator(operationSelector('deleteBackup'));
      await deleteOp.getByText('Authorizations:', { exact: true }).click();
      // One line per security scheme (a token, or an AK/SK signature): all shown together.
      await deleteOp.getByText('Header parameter name:').first().waitFor({ state: 'visible' });
      await deleteOp.evaluate((el) => el.scrollIntoView());
      await mkdir(path.dirname(file), { recursive: true });
      await watched.page.screenshot({ path: file, animations: 'disabled' });
      if (watched.errors.length > 0 || watched.outside.length > 0) {
        throw new Error(`the page was not clean: ${[...watched.errors, ...watched.outside].join('; ')}`);
      }
      await watched.close();
    } finally {
      await browser.close();
    }
  } finally {
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
