// Opening the API reference page in Chromium and watching what it does: every request it
// makes and every console error, so that the browser tests and the screenshot can require a
// page that stays on its own origin and renders cleanly.
import type { Browser, Page } from 'playwright-core';

export const VIEWPORT = { width: 1280, height: 900 };

/** The selector of one operation's section in Redoc's page. */
export function operationSelector(operationId: string, tag = 'Backups'): string {
  return `[id="tag/${tag}/operation/${operationId}"]`;
}

export interface WatchedPage {
  page: Page;
  /** Every URL the page asked for (documents, scripts, styles, fetches, images). */
  requests: string[];
  /** Requests that left the allowed origins; they are aborted, never sent. */
  outside: string[];
  /** Console errors and uncaught exceptions, CSP violations included. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * A new page that may fetch only from `allowed` (an origin such as http://127.0.0.1:1234, or
 * 'file:'); data: and blob: URLs are part of the page itself. Anything else is recorded and
 * aborted, so a test on a machine without network fails on the record, not on a time-out.
 */
export async function watchedPage(browser: Browser, allowed: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
  const page = await context.newPage();
  const requests: string[] = [];
  const outside: string[] = [];
  const errors: string[] = [];
  const isAllowed = (url: string): boolean => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return true;
    return allowed === 'file:' ? url.startsWith('file:') : new URL(url).origin === allowed;
  };
  page.on('request', (request) => {
    requests.push(request.url());
    if (!isAllowed(request.url())) outside.push(request.url());
  });
  await context.route((url) => !isAllowed(url.href), (route) => route.abort('blockedbyclient'));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return { page, requests, outside, errors, close: () => context.close() };
}

/**
 * Loads the reference at `url` and waits until Redoc has rendered it (the start-up script
 * marks <html data-reference="ready">, or "failed").
 */
export async function openReference(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('html[data-reference]', { timeout: 30_000 });
  const state = await page.getAttribute('html', 'data-reference');
  if (state !== 'ready') throw new Error(`the reference at ${url} did not render (data-reference=${state})`);
}
