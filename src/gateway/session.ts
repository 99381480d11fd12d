// planship-portal/session: a signed session cookie for the gateway's `identify`, for hosts that
// have no session of their own yet (the recipes and the README's app use it). It holds the
// signed-in user, signed with HMAC-SHA256 (node:crypto) so a page cannot make one up. Your app may
// have its own session (express-session, @fastify/secure-session, Auth.js, iron-session...):
// `identify` then reads that instead. What matters is that `identify` trusts only what your
// server signed, never a header.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PortalUser } from './customers.ts';
import type { Identify } from './fetch-handler.ts';

/** The cookie's name. */
export const SESSION_COOKIE = 'app_session';
const MAX_COOKIE_LENGTH = 4096;
const MIN_SECRET_LENGTH = 32;

function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The session secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
}

const signature = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('base64url');

/** The cookie value your sign-in route sets (HttpOnly, Secure, SameSite=Lax) once the user proved who they are. */
export function signSession(user: PortalUser, secret: string, maxAgeSeconds = 8 * 3600): string {
  checkSecret(secret);
  const payload = Buffer.from(JSON.stringify({ ...user, exp: Math.floor(Date.now() / 1000) + maxAgeSeconds })).toString('base64url');
  return `${payload}.${signature(payload, secret)}`;
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header || header.length > MAX_COOKIE_LENGTH * 4) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** The user of a `Cookie` header, or null when there is no session, it is forged, malformed or expired. */
export function readSession(cookieHeader: string | null, secret: string): PortalUser | null {
  const value = cookieValue(cookieHeader, SESSION_COOKIE);
  if (!value || value.length > MAX_COOKIE_LENGTH) return null;
  const dot = value.lastIndexOf('.');
  if (dot < 1) return null;
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(payload, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { id, email, name, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof id !== 'string' || typeof exp !== 'number' || exp * 1000 <= Date.now()) return null;
    return { id, email: typeof email === 'string' ? email : undefined, name: typeof name === 'string' ? name : undefined };
  } catch {
    return null;
  }
}

/** The gateway's `identify` for this session: it runs on every request and when a live connection opens. */
export function sessionIdentify(secret: string): Identify {
  checkSecret(secret);
  return (request) => readSession(request.headers.get('cookie'), secret);
}
