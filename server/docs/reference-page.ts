// The API reference page: Redoc's standalone bundle rendering openapi.yaml. One template
// serves two cases: the service's /docs (the bundle, the start-up script and the spec are
// fetched from the service itself, under a strict CSP with a per-response nonce for the
// styles Redoc injects) and `npm run docs` (everything inlined into one offline file).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadSpec } from '../contract/spec.ts';
import { packageFile } from '../package-files.ts';

const require = createRequire(import.meta.url);

export const REDOC_VERSION = (require('redoc/package.json') as { version: string }).version;
export const REDOC_BUNDLE_FILE = require.resolve('redoc/bundles/redoc.standalone.js');
export const REDOC_START_FILE = packageFile('server/docs/redoc-start.js');

export const REFERENCE_CSS_FILE = packageFile('server/docs/reference.css');

/** Where the served page finds its assets; the version in the name lets browsers cache it for good. */
export const DOCS_ASSETS = {
  bundle: `/docs/assets/redoc-${REDOC_VERSION}.standalone.js`,
  start: '/docs/assets/redoc-start.js',
  css: '/docs/assets/reference.css',
} as const;

/**
 * The one <style> element Redoc's bundle adds while it loads, before Redoc can hand out a
 * nonce: perfect-scrollbar's CSS (with its source map), always the same text in Redoc 2.5.4,
 * so the CSP allows it by hash. It is inserted empty and filled afterwards, so the empty
 * element's hash is needed too (an empty <style> can do nothing). Another Redoc version may
 * change the text: the browser test then fails on a CSP console error that names the new hash.
 */
const SCROLLBAR_STYLE_HASH = "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='";
const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/**
 * Redoc's bundle, with its one reference to a host of its own replaced: the footer's Redocly
 * logo (an <img> from Redocly's CDN) becomes an empty inline image, so the page fetches
 * nothing from outside. The footer's link and text stay.
 */
const REDOC_LOGO_URL = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";

export function redocBundle(): string {
  const code = readFileSync(REDOC_BUNDLE_FILE, 'utf8');
  const uses = code.split(REDOC_LOGO_URL).length - 1;
  if (uses !== 1) throw new Error(`Redoc ${REDOC_VERSION}: expected the logo URL once in ${REDOC_BUNDLE_FILE}, found it ${uses} times`);
  return code.replace(REDOC_LOGO_URL, EMPTY_IMAGE);
}

const SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif';
const MONOSPACE_FONTS = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace';

/**
 * Redoc's options. Every response is expanded, so each error code shows its description and
 * example without a click. Search is off: Redoc runs it in a Worker made from a blob: URL,
 * which the CSP would otherwise have to allow, and three operations need no search. Fonts are
 * the reader's own, so nothing is fetched from a font host.
 */
export function redocOptions(nonce?: string): Record<string, unknown> {
  return {
    expandResponses: 'all',
    requiredPropsFirst: true,
    pathInMiddlePanel: true,
    disableSearch: true,
    hideLoading: false,
    ...(nonce === undefined ? {} : { nonce }),
    theme: {
      typography: {
        fontFamily: SYSTEM_FONTS,
        headings: { fontFamily: SYSTEM_FONTS },
        code: { fontFamily: MONOSPACE_FONTS },
      },
    },
  };
}

/** A JSON data block for an HTML page: `<` is escaped so no text in it can close the element. */
function jsonDataBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * Script text safe to inline in a `<script>` element. `<!--` and `<script` change how the
 * HTML parser looks for the closing tag; in Redoc's bundle they only occur inside string and
 * regular-expression literals, where `\x3C` means the same `<`.
 */
function inlineScript(code: string): string {
  return code.replace(/<(!--|\/?script)/gi, '\\x3C$1');
}

function pageTitle(): string {
  const { title, version } = loadSpec().info;
  return `${title} ${version}: reference`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(head: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No icon to fetch: without this line the browser asks for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(pageTitle())}</title>`,
    head,
    '</head>',
    '<body>',
    '<noscript>This reference is rendered by JavaScript. The contract itself is openapi.yaml.</noscript>',
    '<div id="redoc-container"></div>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The Content-Security-Policy of the served page. Scripts and fetches only from the service
 * itself. Styles: the service's stylesheets, <style> elements carrying this response's nonce
 * (Redoc hands it to the element styled-components makes) and the one fixed <style> of the
 * bundle, by hash; no 'unsafe-inline', no 'unsafe-eval'. Images also as data: URIs (Redoc's icons).
 */
export function servedPagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}' ${EMPTY_STYLE_HASH} ${SCROLLBAR_STYLE_HASH}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The page the service serves at /docs: Redoc fetches `specUrl` (the service's /openapi.yaml). */
export function servedPage(nonce: string, specUrl = '/openapi.yaml'): string {
  const config = { specUrl, options: redocOptions(nonce) };
  return page(
    `<link rel="stylesheet" href="${DOCS_ASSETS.css}">`,
    [
      `<script type="application/json" id="redoc-config">${jsonDataBlock(config)}</script>`,
      `<script src="${DOCS_ASSETS.bundle}"></script>`,
      `<script src="${DOCS_ASSETS.start}"></script>`,
    ].join('\n'),
  );
}

function sha256Source(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

/**
 * The whole reference as one HTML file with nothing to fetch: the spec, Redoc, the start-up
 * script and the stylesheet are inlined. Its own CSP (a meta element) allows no network at
 * all and exactly these scripts and styles by hash: a fixed file has no use for a nonce, so
 * styled-components' element is allowed as the empty <style> it starts as (its rules are
 * added through the CSSOM, which the CSP does not govern).
 */
export function staticPage(): string {
  const bundle = inlineScript(redocBundle());
  const start = inlineScript(readFileSync(REDOC_START_FILE, 'utf8'));
  const css = readFileSync(REFERENCE_CSS_FILE, 'utf8');
  const config = { spec: loadSpec(), options: redocOptions() };
  const policy = [
    "default-src 'none'",
    `script-src ${sha256Source(bundle)} ${sha256Source(start)}`,
    `style-src ${sha256Source(css)} ${EMPTY_STYLE_HASH} ${SCROLLBAR_STYLE_HASH}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return page(
    [`<meta http-equiv="Content-Security-Policy" content="${policy}">`, `<style>${css}</style>`].join('\n'),
    [
      `<script type="application/json" id="redoc-config">${jsonDataBlock(config)}</script>`,
      `<script>${bundle}</script>`,
      `<script>${start}</script>`,
    ].join('\n'),
  );
}
