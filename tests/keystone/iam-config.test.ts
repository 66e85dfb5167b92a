// IAM_* configuration: which verifier the environment selects, and the messages for
// settings that cannot work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.ts';

const SERVICE_USER = { IAM_SERVICE_USER: 'cbr', IAM_SERVICE_PASSWORD: ' pass word ', IAM_SERVICE_PROJECT: 'service' };

test('IAM_URL with a service user: Keystone, with defaults, /v3 and trailing slashes dropped', () => {
  const config = loadConfig({ IAM_URL: 'https://iam.example.com:5000/identity/v3/', ...SERVICE_USER });
  assert.deepEqual(config.iam, {
    url: 'https://iam.example.com:5000/identity',
    service: { kind: 'password', user: 'cbr', password: ' pass word ', project: 'service', domain: 'Default' },
    timeoutMs: 3000,
    cacheMaxAgeMs: 120_000,
    invalidCacheMaxAgeMs: 10_000,
    cacheSize: 10_000,
    rejectedCacheSize: 4096,
    maxConcurrentValidations: 32,
  });
  assert.equal(config.tokensFile, undefined);
});

test('IAM_URL with a fixed service token, and the tuning variables', () => {
  const config = loadConfig({
    IAM_URL: 'http://127.0.0.1:35357',
    IAM_SERVICE_TOKEN: 'gAAAA-service',
    IAM_TIMEOUT_MS: '500',
    IAM_CACHE_MAX_AGE_SECONDS: '30',
    IAM_CACHE_INVALID_SECONDS: '0',
    IAM_CACHE_SIZE: '50',
    IAM_MAX_CONCURRENT_VALIDATIONS: '8',
    IAM_CACHE_REJECTED_SIZE: '100',
  });
  assert.deepEqual(config.iam, {
    url: 'http://127.0.0.1:35357',
    service: { kind: 'token', token: 'gAAAA-service' },
    timeoutMs: 500,
    cacheMaxAgeMs: 30_000,
    invalidCacheMaxAgeMs: 0,
    cacheSize: 50,
    rejectedCacheSize: 100,
    maxConcurrentValidations: 8,
  });
});

test('production accepts IAM_URL instead of TOKENS_FILE, and still refuses neither', () => {
  assert.ok(loadConfig({ NODE_ENV: 'production', IAM_URL: 'https://iam.example.com', ...SERVICE_USER }).iam);
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /TOKENS_FILE is required .*unless IAM_URL/);
});

test('no IAM_URL: no Keystone', () => {
  assert.equal(loadConfig({}).iam, undefined);
});

for (const [env, message] of [
  [{ IAM_URL: 'https://iam.example.com' }, /needs the service's credentials.*missing: IAM_SERVICE_USER, IAM_SERVICE_PASSWORD, IAM_SERVICE_PROJECT/],
  [{ IAM_URL: 'https://iam.example.com', IAM_SERVICE_USER: 'cbr', IAM_SERVICE_PASSWORD: 'x' }, /missing: IAM_SERVICE_PROJECT/],
  [{ IAM_URL: 'https://iam.example.com', IAM_SERVICE_TOKEN: 't', ...SERVICE_USER }, /choose a fixed token or a service user/],
  [{ IAM_URL: 'https://iam.example.com', TOKENS_FILE: 'tokens.json', ...SERVICE_USER }, /TOKENS_FILE and IAM_URL are both set/],
  [{ IAM_URL: 'iam.example.com', ...SERVICE_USER }, /IAM_URL must be an http\(s\) URL/],
  [{ IAM_URL: 'ftp://iam.example.com', ...SERVICE_USER }, /IAM_URL must be an http\(s\) URL/],
  [{ IAM_URL: 'https://iam.example.com/?x=1', ...SERVICE_USER }, /must not have a query/],
  [{ IAM_SERVICE_TOKEN: 't' }, /IAM_SERVICE_TOKEN set without IAM_URL/],
  [{ IAM_URL: 'https://iam.example.com', ...SERVICE_USER, IAM_TIMEOUT_MS: '0' }, /IAM_TIMEOUT_MS must be an integer/],
  [{ IAM_URL: 'https://iam.example.com', ...SERVICE_USER, IAM_MAX_CONCURRENT_VALIDATIONS: '0' }, /IAM_MAX_CONCURRENT_VALIDATIONS must be an integer/],
  [{ IAM_URL: 'https://iam.example.com', ...SERVICE_USER, IAM_CACHE_MAX_AGE_SECONDS: '0' }, /IAM_CACHE_MAX_AGE_SECONDS must be an integer/],
] as const) {
  test(`refused: ${Object.keys(env).join(', ')} -> ${message.source.slice(0, 40)}`, () => {
    assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message));
  });
}
