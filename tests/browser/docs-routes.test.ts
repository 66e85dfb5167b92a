// What the service sends for the reference page, checked over HTTP without a browser: the
// contract's own bytes at /openapi.yaml, and a /docs page whose every asset is the service's
// own, under a CSP with no 'unsafe-inline' or 'unsafe-eval' and a fresh nonce per response.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { staticPage } from '../../server/docs/reference-page.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

/** The directives of a Content-Security-Policy, by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== '')
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** The URLs of a page's <script src>, <link href> and <img src> (not text inside inline scripts). */
function assetUrls(html: string): string[] {
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
  return [...markup.matchAll(/<(?:script|link|img)\b[^>]*?\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
}

test('/openapi.yaml serves the repository contract byte for byte, as YAML', async () => {
  const response = await fetch(`${server.url}/openapi.yaml`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/yaml/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(response.headers.get('x-request-id'), 'it carries an X-Request-Id like every response');
  const served = Buffer.from(await response.arrayBuffer());
  assert.ok(served.equals(await readFile(path.join(REPO_ROOT, 'openapi.yaml'))), 'served bytes differ from openapi.yaml');
});

test('/docs sets a strict CSP: own origin only, no inline scripts, no eval, a fresh style nonce each time', async () => {
  const [first, second] = await Promise.all([fetch(`${server.url}/docs`), fetch(`${server.url}/docs`)]);
  assert.equal(first.status, 200);
  assert.match(first.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
  const policy = first.headers.get('content-security-policy') ?? '';
  const csp = directives(policy);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), ["'self'"]);
  assert.deepEqual(csp.get('connect-src'), ["'self'"]);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(csp.get('base-uri'), ["'none'"]);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|https?:|\*/);
  assert.equal(csp.get('worker-src'), undefined, 'no worker is allowed (search, which needs one, is off)');

  const nonce = csp.get('style-src')?.find((source) => source.startsWith("'nonce-"));
  assert.ok(nonce, 'style-src has a nonce');
  const otherNonce = directives(second.headers.get('content-security-policy') ?? '').get('style-src')?.find((s) => s.startsWith("'nonce-"));
  assert.notEqual(nonce, otherNonce, 'each response has its own nonce');
  const html = await first.text();
  assert.ok(html.includes(`"nonce":"${nonce.slice("'nonce-".length, -1)}"`), 'the page hands its nonce to Redoc');
  await second.text();
});

test('every asset of /docs comes from the service, and the bundle names no outside host to load', async () => {
  const html = await (await fetch(`${server.url}/docs`)).text();
  const assets = assetUrls(html).filter((url) => !url.startsWith('data:'));
  assert.ok(assets.length >= 3, `the page loads its bundle, start-up script and stylesheet: ${assets.join(', ')}`);
  for (const asset of assets) {
    assert.match(asset, /^\/docs\/assets\//, `${asset} is a path on the service`);
    const response = await fetch(new URL(asset, server.url));
    assert.equal(response.status, 200, asset);
    assert.match(response.headers.get('content-type') ?? '', /^(text\/javascript|text\/css); charset=utf-8/, asset);
    const body = await response.text();
    assert.doesNotMatch(body, /cdn\.redoc\.ly|fonts\.googleapis|fonts\.gstatic/, `${asset} loads nothing from a CDN`);
  }
});

test('an unknown path under /docs gets the contract\'s 404 body', async () => {
  const response = await fetch(`${server.url}/docs/assets/nothing-here.js`);
  assert.equal(response.status, 404);
  const body = (await response.json()) as { error_code: string };
  assert.equal(body.error_code, 'APIGW.0101');
});

test('the static reference inlines everything and forbids the network in its own CSP', () => {
  const html = staticPage();
  assert.deepEqual(assetUrls(html).filter((url) => url !== 'data:,'), [], 'no asset to fetch');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(meta, 'the file carries its CSP');
  const csp = directives(meta[1]!);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.equal(csp.get('connect-src'), undefined, 'no fetch allowed (default-src none)');
  assert.doesNotMatch(meta[1]!, /unsafe-inline|unsafe-eval|'self'|https?:/);
  assert.equal(csp.get('script-src')?.length, 2, 'exactly the two inline scripts, by hash');
  assert.doesNotMatch(html, /cdn\.redoc\.ly/);
});
