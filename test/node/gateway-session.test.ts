// planship-portal/session's cookie: only what the host signed, unexpired, names a user; bad input is
// "no session", never a crash.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { readSession, SESSION_COOKIE, sessionIdentify, signSession } from '../../src/gateway/session.ts';

const SECRET = 'session-test-secret-0123456789abcdef';
const ADA = { id: 'ada@example.com', email: 'ada@example.com', name: 'Ada' };
const header = (value: string) => `theme=dark; ${SESSION_COOKIE}=${value}; other=1`;
/** A payload signed with the right secret, whatever it holds. */
const signedRaw = (payload: string) => `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;

test('a signed cookie names its user, among other cookies', () => {
  assert.deepEqual(readSession(header(signSession(ADA, SECRET)), SECRET), ADA);
  const identify = sessionIdentify(SECRET);
  assert.deepEqual(identify(new Request('http://host/planship', { headers: { cookie: header(signSession(ADA, SECRET)) } })), ADA);
});

test('a forged, altered, expired or malformed cookie is no session', () => {
  const good = signSession(ADA, SECRET);
  const [payload, signature] = good.split('.');
  const altered = Buffer.from(JSON.stringify({ id: 'grace@example.com', exp: Date.now() / 1000 + 3600 })).toString('base64url');
  for (const value of [
    signSession(ADA, 'another-secret-0123456789abcdefghij'),
    `${altered}.${signature}`,
    `${payload}.${signature.slice(1)}`,
    signSession(ADA, SECRET, -1),
    '',
    '.',
    'no-dot',
    signedRaw(Buffer.from('not json').toString('base64url')),
    signedRaw('%%%'),
    'x'.repeat(100_000),
  ]) {
    assert.equal(readSession(header(value), SECRET), null, value.slice(0, 40));
  }
  assert.equal(readSession(null, SECRET), null);
  assert.equal(readSession('unrelated=1', SECRET), null);
});

test('a payload without a string id is no session, even when signed', () => {
  assert.equal(readSession(header(signSession({ id: 42 } as never, SECRET)), SECRET), null);
  assert.equal(readSession(header(signedRaw(Buffer.from(JSON.stringify({ id: 'ada@example.com' })).toString('base64url'))), SECRET), null, 'no expiry');
});

test('a short secret is refused when the identify is made', () => {
  assert.throws(() => sessionIdentify('short'), /at least 32 characters/);
  assert.throws(() => signSession(ADA, 'short'), /at least 32 characters/);
});
