// patches/express-openapi-validator+5.6.2.patch (applied by patch-package on install) makes the
// validator compile each route's path-to-regexp matcher once instead of on every request, as
// upstream PR cdimascio/express-openapi-validator#1217 does. These tests fail when the patch is
// not applied, and when the library moves to a version the patch was not written for.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_BACKUPS } from '../../server/demo/demo.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { deleteBackup, showBackup } from '../support/http.ts';
import { APP_MODES, type TestServer, startTestServer } from '../support/test-server.ts';

const libraryRequire = createRequire(createRequire(import.meta.url).resolve('express-openapi-validator'));
const LIBRARY_VERSION = (libraryRequire('express-openapi-validator/package.json') as { version: string }).version;
const PATCH = path.join(REPO_ROOT, 'patches', `express-openapi-validator+${LIBRARY_VERSION}.patch`);

describe('the express-openapi-validator patch', () => {
  it('exists for the installed version (drop it once a release carries upstream PR #1217)', () => {
    assert.ok(existsSync(PATCH), `no patch for express-openapi-validator ${LIBRARY_VERSION}: check whether the release compiles route matchers once, then drop or port ${path.basename(PATCH)}`);
    assert.match(readFileSync(PATCH, 'utf8'), /cachedMatcher/);
  });

  for (const mode of APP_MODES) {
    describe(`route lookup, ${mode.name} configuration`, () => {
      const pathToRegexpModule = libraryRequire('path-to-regexp') as { pathToRegexp: (...args: unknown[]) => unknown };
      const original = pathToRegexpModule.pathToRegexp;
      let compiled = 0;
      let server: TestServer;
      before(async () => {
        pathToRegexpModule.pathToRegexp = (...args: unknown[]) => {
          compiled += 1;
          return original(...args);
        };
        server = await startTestServer({ config: mode.config });
      });
      after(async () => {
        pathToRegexpModule.pathToRegexp = original;
        await server.close();
      });

      it('compiles no matcher again once each route has been seen', async () => {
        // The first requests load the spec and fill the cache.
        await showBackup(server.url, DEMO_BACKUPS.available[0]);
        await deleteBackup(server.url, DEMO_BACKUPS.available[0]);
        const before = compiled;
        for (let i = 0; i < 50; i += 1) {
          assert.equal((await showBackup(server.url, DEMO_BACKUPS.available[1])).status, 200);
          assert.equal((await deleteBackup(server.url, DEMO_BACKUPS.available[0])).status, 400);
        }
        assert.equal(compiled - before, 0, `${compiled - before} route matchers compiled for 100 requests: is the patch applied (npx patch-package)?`);
      });
    });
  }
});
