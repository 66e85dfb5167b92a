// The contract the service enforces, served as it is (/openapi.yaml), and an API reference
// page rendered from it (/docs). Outside the API contract, like the ops endpoints; every
// asset the page needs is served from here, so it works offline.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Router, type Response } from 'express';
import { SPEC_FILE } from '../contract/spec.ts';
import { DOCS_ASSETS, REDOC_START_FILE, REFERENCE_CSS_FILE, redocBundle, servedPage, servedPagePolicy } from '../docs/reference-page.ts';

const JAVASCRIPT = 'text/javascript; charset=utf-8';

function noSniff(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

interface DocsAssets {
  spec: Buffer;
  bundle: string;
  start: Buffer;
  css: Buffer;
}

let loaded: DocsAssets | undefined;

/** Read once per process (the Redoc bundle is a megabyte): the bytes served are those of the contract this process loaded. */
function docsAssets(): DocsAssets {
  loaded ??= { spec: readFileSync(SPEC_FILE), bundle: redocBundle(), start: readFileSync(REDOC_START_FILE), css: readFileSync(REFERENCE_CSS_FILE) };
  return loaded;
}

/** The paths docsRoutes serves, and nothing else. */
export const DOCS_PATHS = { spec: '/openapi.yaml', page: '/docs', ...DOCS_ASSETS } as const;

export function docsRoutes(): Router {
  const { spec, bundle, start, css } = docsAssets();

  const router = Router();
  router.get(DOCS_PATHS.spec, (_req, res) => {
    noSniff(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/yaml; charset=utf-8').send(spec);
  });
  router.get(DOCS_PATHS.page, (_req, res) => {
    // A fresh nonce per response: only the <style> elements Redoc makes for this page carry it.
    const nonce = randomBytes(16).toString('base64');
    noSniff(res);
    res.setHeader('Content-Security-Policy', servedPagePolicy(nonce));
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html; charset=utf-8').send(servedPage(nonce));
  });
  router.get(DOCS_PATHS.bundle, (_req, res) => {
    noSniff(res);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type(JAVASCRIPT).send(bundle);
  });
  router.get(DOCS_PATHS.start, (_req, res) => {
    noSniff(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.type(JAVASCRIPT).send(start);
  });
  router.get(DOCS_PATHS.css, (_req, res) => {
    noSniff(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/css; charset=utf-8').send(css);
  });
  return router;
}
