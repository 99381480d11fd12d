// The demo host backend (demo/backend.ts) is the production pattern: a signed session cookie,
// the portal gateway at /planship (no token in the page), usage and checkout from the backend.
// It runs against our server in the hosted profile, as `npm run demo` does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDemoBackend } from '../../demo/backend.ts';
import { startServer, type RequestRecord, type RunningServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { PRODUCT_CLIENT } from '../fixtures/test-catalog.ts';

const PRODUCT = 'acme-analytics';
let server: RunningServer;
let backend: Awaited<ReturnType<typeof startDemoBackend>>;
const upstream: RequestRecord[] = [];

before(async () => {
  server = await startServer({ profile: 'hosted', onRequest: (record) => upstream.push(record) });
  backend = await startDemoBackend({ apiUrl: server.url, productSlug: PRODUCT, ...PRODUCT_CLIENT });
});
after(async () => {
  await backend.close();
  await server.close();
});

async function call(method: string, path: string, options: { body?: unknown; cookie?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.cookie) headers.cookie = options.cookie;
  const response = await fetch(backend.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function signIn(user: string): Promise<string> {
  const answer = await call('POST', '/api/demo/login', { body: { user } });
  assert.equal(answer.status, 200);
  const cookie = answer.headers.get('set-cookie')!;
  assert.match(cookie, /HttpOnly/);
  return cookie.split(';')[0];
}

describe('demo backend', () => {
  it('lists the demo users; signs in only demo users; without a session the gateway answers 401', async () => {
    const users = await call('GET', '/api/demo/users');
    assert.ok(users.body.some((user: any) => user.id === 'ada@example.com'));
    assert.equal((await call('POST', '/api/demo/login', { body: { user: 'mallory@example.com' } })).status, 404);
    assert.equal((await call('GET', '/planship/api/v1/customers/me/subscriptions')).status, 401);
    assert.equal((await call('GET', '/planship/api/v1/customers/me/subscriptions', { cookie: 'demo_session=YWRhQGV4YW1wbGUuY29t.forged' })).status, 401);
  });

  it("a signed-in user reads their own subscriptions through the gateway, and nobody else's", async () => {
    const cookie = await signIn('ada@example.com');
    const own = await call('GET', '/planship/api/v1/customers/me/subscriptions', { cookie });
    assert.equal(own.status, 200);
    assert.equal(own.body[0].plan.slug, 'pro');
    assert.equal((await call('GET', '/planship/api/v1/customers/grace%40example.com/subscriptions', { cookie })).status, 403);
  });

  it('a first visit creates no customer; the first subscribe creates it once, however many race', async () => {
    const existing = await backendCall(server.url, 'GET', '/api/v1/customers/newcomer%40example.com');
    if (existing.status === 200) assert.equal((await backendCall(server.url, 'DELETE', `/api/v1/customers/${existing.body.id}`)).status, 200);
    const cookie = await signIn('newcomer@example.com');
    const creates = () => upstream.filter((record) => record.method === 'POST' && record.path === '/api/v1/customers').length;
    const before_ = creates();
    const answers = await Promise.all([1, 2, 3].map(() => call('GET', '/planship/api/v1/customers/me/subscriptions', { cookie })));
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200]);
    assert.equal(creates(), before_, 'reading creates nothing');
    const subscribe = () =>
      fetch(`${backend.url}/planship/api/v1/products/${PRODUCT}/plans/free/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin: backend.url },
        body: JSON.stringify({ customer_id: 'me' }),
      });
    const subscribed = await Promise.all([subscribe(), subscribe(), subscribe()]);
    assert.deepEqual(subscribed.map((answer) => answer.status).sort(), [200, 409, 409]);
    assert.equal(creates() - before_, 1);
    const created = await backendCall(server.url, 'GET', '/api/v1/customers/newcomer%40example.com');
    assert.equal(created.body.name, 'New Customer');
  });

  it('POST /api/demo/usage reports usage; API errors keep their status', async () => {
    const cookie = await signIn('grace@example.com');
    const usage = await call('POST', '/api/demo/usage', { cookie, body: { metering_id: 'ai-insights', usage: 2 } });
    assert.equal(usage.status, 200);
    assert.equal(usage.body.usage, 2);
    const meter = await call('GET', `/planship/api/v1/customers/me/products/${PRODUCT}/levers/ai-insights/usage`, { cookie });
    assert.equal(meter.body.total, 2);
    assert.equal((await call('POST', '/api/demo/usage', { cookie, body: { metering_id: 'no-such-meter', usage: 1 } })).status, 404);
  });

  it('a plan that costs more goes to the demo payment page; paying makes the change and comes back pending', async () => {
    const cookie = await signIn('grace@example.com');
    const [subscription] = (await call('GET', '/planship/api/v1/customers/me/subscriptions', { cookie })).body;
    const change = await fetch(`${backend.url}/planship/api/v1/customers/me/subscriptions/${subscription.subscription_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie, origin: backend.url },
      body: JSON.stringify({ plan_slug: 'business' }),
    });
    assert.equal(change.status, 402);
    const { checkout_url: checkoutUrl } = await change.json();
    const payPath = new URL(checkoutUrl).pathname;
    const payPage = await fetch(`${backend.url}${payPath}`, { headers: { cookie } });
    assert.equal(payPage.status, 200);
    assert.match(await payPage.text(), /Demo payment page/);
    assert.equal((await fetch(`${backend.url}${payPath}`, { headers: { cookie: await signIn('ada@example.com') } })).status, 404, "another user's checkout");
    const paid = await fetch(`${backend.url}${payPath}`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'pay=yes', redirect: 'manual' });
    assert.equal(paid.status, 303);
    assert.match(paid.headers.get('location')!, /\?planship-pending=business$/);
    const [after] = (await call('GET', '/planship/api/v1/customers/me/subscriptions', { cookie })).body;
    assert.equal(after.plan.slug, 'business');
  });

  it('the page changes its own plan through the gateway: a cheaper self-serve plan yes, a contract plan no', async () => {
    const cookie = await signIn('linus@example.com');
    const [subscription] = (await call('GET', '/planship/api/v1/customers/me/subscriptions', { cookie })).body;
    const change = (planSlug: string) =>
      fetch(`${backend.url}/planship/api/v1/customers/me/subscriptions/${subscription.subscription_id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie, origin: backend.url },
        body: JSON.stringify({ plan_slug: planSlug }),
      });
    // Linus is on Free: a change that costs nothing more needs no payment.
    const downgraded = await change('free');
    assert.equal(downgraded.status, 200);
    assert.equal((await downgraded.json()).plan.slug, 'free');
    assert.equal((await change('enterprise')).status, 403);
  });

  it('invitations by email: mailed to the demo inbox; the invitee accepts from the link and joins', async () => {
    const cookie = await signIn('ada@example.com');
    const [subscription] = (await call('GET', '/planship/api/v1/customers/me/subscriptions', { cookie })).body;
    const invited = await fetch(`${backend.url}/planship/api/v1/customers/me/subscriptions/${subscription.subscription_id}/invites`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: backend.url },
      body: JSON.stringify({ email: 'Margaret@Example.com', is_administrator: false }),
    });
    assert.equal(invited.status, 202);
    assert.match(invited.headers.get('planship-portal-features')!, /\binvites\b/, 'the page shows the invite form');
    const invitee = await signIn('margaret@example.com');
    const [mail] = (await call('GET', '/api/demo/inbox', { cookie: invitee })).body;
    assert.equal(mail.from, 'Ada Lovelace');
    assert.deepEqual((await call('GET', '/api/demo/inbox', { cookie })).body, [], "the inviter's inbox holds none of it");
    const id = new URL(mail.url).searchParams.get('planship-invitation');
    const accepted = await fetch(`${backend.url}/planship/api/v1/invitations/${id}/accept`, { method: 'POST', headers: { cookie: invitee, origin: backend.url } });
    assert.equal(accepted.status, 200);
    const members = await call('GET', `/planship/api/v1/customers/me/subscriptions/${subscription.subscription_id}/customers`, { cookie });
    assert.ok(members.body.some((member: any) => member.customer.name === 'Margaret Hamilton'));
  });
});
