// NODE_ENV and the HTTP server's limits, read from the environment and checked at start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.ts';

const PRODUCTION = { NODE_ENV: 'production', TOKENS_FILE: '/etc/cbr/tokens.json' };

test('NODE_ENV is production, development or test; anything else (a typo of production) stops the service', () => {
  assert.equal(loadConfig(PRODUCTION).production, true);
  for (const value of ['development', 'test', undefined]) assert.equal(loadConfig({ NODE_ENV: value }).production, false, String(value));
  for (const typo of ['prod', 'Production', 'staging']) {
    assert.throws(
      () => loadConfig({ ...PRODUCTION, NODE_ENV: typo }),
      (error: unknown) => error instanceof ConfigError && /^NODE_ENV must be one of production, development, test/.test(error.message),
      typo,
    );
  }
});

test('the HTTP limits and the shutdown deadline have defaults fit for an API', () => {
  const config = loadConfig({});
  assert.deepEqual(config.http, { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_000 });
  assert.equal(config.shutdownTimeoutMs, 10_000);
  assert.equal(config.listTimeLimitMs, 2_000);
  assert.equal(loadConfig({ LIST_TIME_LIMIT_MS: '500' }).listTimeLimitMs, 500);
  assert.throws(() => loadConfig({ LIST_TIME_LIMIT_MS: '50' }), /^ConfigError: LIST_TIME_LIMIT_MS must be an integer/);
});

test('HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS and SHUTDOWN_TIMEOUT_MS set them', () => {
  const env = { HEADERS_TIMEOUT_MS: '2000', REQUEST_TIMEOUT_MS: '4000', KEEP_ALIVE_TIMEOUT_MS: '1000', MAX_CONNECTIONS: '50', SHUTDOWN_TIMEOUT_MS: '3000' };
  const config = loadConfig(env);
  assert.deepEqual(config.http, { headersTimeoutMs: 2000, requestTimeoutMs: 4000, keepAliveTimeoutMs: 1000, maxConnections: 50 });
  assert.equal(config.shutdownTimeoutMs, 3000);
});

test('a bad limit stops the service with a message naming the variable', () => {
  const bad: [string, string][] = [['HEADERS_TIMEOUT_MS', '0'], ['REQUEST_TIMEOUT_MS', '5s'], ['MAX_CONNECTIONS', '0'], ['SHUTDOWN_TIMEOUT_MS', '-1'], ['KEEP_ALIVE_TIMEOUT_MS', 'x']];
  for (const [name, value] of bad) {
    assert.throws(() => loadConfig({ [name]: value }), (error: unknown) => error instanceof ConfigError && error.message.startsWith(name), `${name}=${value}`);
  }
  assert.throws(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' }), /REQUEST_TIMEOUT_MS \(10000\) must be at least HEADERS_TIMEOUT_MS/);
});
