// The shape every IAM token has (server/auth/token-shape.ts): each format Keystone and
// Huawei Cloud IAM issue passes it; what no IAM issues does not. Real Keystone tokens are
// checked against it in real-keystone.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { IAM_TOKEN_MAX_LENGTH, IAM_TOKEN_MIN_LENGTH, isPlausibleIamToken } from '../../server/auth/token-shape.ts';
import { DEMO_TOKENS_FILE, TokensFileVerifier } from '../../server/auth/tokens-file.ts';
import { userToken } from './fake-keystone.ts';

const base64url = (bytes: number) => randomBytes(bytes).toString('base64url');

/** One token of each format, as its issuer writes it. */
const REAL_FORMATS: Record<string, string> = {
  // 1 + 8 + 16 + 96 + 32 bytes, unpadded base64url, as Keystone's fernet provider packs it.
  fernet: `gAAAAAB${randomBytes(150).toString('base64url')}`.slice(0, 204),
  // header.payload.signature, each base64url (Keystone's JWS provider, ES256).
  jws: [
    Buffer.from('{"typ":"JWT","alg":"ES256"}').toString('base64url'),
    Buffer.from(JSON.stringify({ sub: 'a'.repeat(32), iat: 1, exp: 2, openstack_methods: ['password'], openstack_audit_ids: ['x'] })).toString('base64url'),
    base64url(64),
  ].join('.'),
  // CMS in base64 with '/' written '-', '+' and '=' padding kept: old Keystone PKI tokens and
  // Huawei Cloud IAM's, which are several KB.
  'PKI / Huawei IAM': `MIIZ${randomBytes(4500).toString('base64').replaceAll('/', '-')}+ab=`,
  // A padded base64 one, as a proxy may hand on.
  'base64 padded': `MII${randomBytes(301).toString('base64')}`,
  pkiz: `PKIZ_${base64url(900)}`,
  // The shortest format Keystone ever issued.
  uuid: randomBytes(16).toString('hex'),
};

for (const [format, token] of Object.entries(REAL_FORMATS)) {
  test(`passes: a ${format} token (${token.length} characters)`, () => {
    assert.equal(isPlausibleIamToken(token), true);
  });
}

test('passes: the fake Keystone tokens the other tests use', () => {
  assert.equal(isPlausibleIamToken(userToken('member-token')), true);
});

test('the bounds: 32 to 16,384 characters, the HTTP layer\'s maximum', () => {
  assert.equal(IAM_TOKEN_MIN_LENGTH, 32);
  assert.equal(IAM_TOKEN_MAX_LENGTH, 16_384);
  assert.equal(isPlausibleIamToken('a'.repeat(32)), true);
  assert.equal(isPlausibleIamToken('a'.repeat(31)), false);
  assert.equal(isPlausibleIamToken('a'.repeat(16_384)), true);
  assert.equal(isPlausibleIamToken('a'.repeat(16_385)), false);
});

const JUNK: Record<string, string> = {
  empty: '',
  short: 'abc',
  'the demo tokens (tokens file only)': 'demo-member-token',
  'a Fernet prefix alone': 'gAAAAABnot-a-real-fernet-token',
  'a space': `gAAAAAB${'x'.repeat(100)} ${'y'.repeat(100)}`,
  'a Bearer prefix': `Bearer gAAAAAB${'x'.repeat(180)}`,
  'JSON': `{"token": "${'x'.repeat(100)}"}`,
  'percent-encoding': `gAAAAAB${'x'.repeat(100)}%3D%3D`,
  quotes: `"gAAAAAB${'x'.repeat(180)}"`,
  'a colon': `user:${'x'.repeat(100)}`,
  'non-ASCII': `gAAAAAB${'x'.repeat(100)}é`,
  'a control character': `gAAAAAB${'x'.repeat(100)}\t`,
  'a newline': `gAAAAAB${'x'.repeat(100)}\n`,
  'too long': 'A'.repeat(16_385),
};

for (const [what, token] of Object.entries(JUNK)) {
  test(`refused: ${what}`, () => {
    assert.equal(isPlausibleIamToken(token), false);
  });
}

test('the tokens-file verifier is not bound by it: the demo tokens still pass', async () => {
  const verifier = TokensFileVerifier.fromFile(DEMO_TOKENS_FILE);
  assert.equal(isPlausibleIamToken('demo-member-token'), false);
  assert.equal((await verifier.verify('demo-member-token')).ok, true);
});
