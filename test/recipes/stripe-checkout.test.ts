// The Stripe checkout recipe (examples/gateway/stripe-checkout.ts) against a simulated Stripe
// (there is no Stripe account or network here: test/fixtures/fake-stripe.ts answers the API the
// official `stripe` package calls, and signs webhooks with Stripe's own test helper), our server
// in the hosted profile, and the page's requests through the gateway.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { SESSION_COOKIE, signSession } from '../../src/gateway/session.ts';
import { startStripeHost } from '../../examples/gateway/stripe-checkout.ts';
import type { RunningHost } from '../../examples/gateway/common.ts';
import { startServer, type RequestRecord, type RunningServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { startFakeStripe, type FakeStripe } from '../fixtures/fake-stripe.ts';
import { PRODUCT_CLIENT, testCatalog } from '../fixtures/test-catalog.ts';

const PRODUCT = 'acme-analytics';
const SESSION_SECRET = 'stripe-recipe-session-secret-0123456789';
const WEBHOOK_SECRET = 'whsec_test_recipe';
const PRICES = {
  free: { amount: 0, currency: 'USD', interval: 'month' },
  starter: { amount: 19, currency: 'USD', interval: 'month' },
  pro: [
    { amount: 49, currency: 'USD', interval: 'month' },
    { amount: 490, currency: 'USD', interval: 'year' },
  ],
  business: { amount: 199, currency: 'USD', interval: 'month' },
};
const STRIPE_PRICES = { starter: { month: 'price_starter_m' }, pro: { month: 'price_pro_m', year: 'price_pro_y' }, business: { month: 'price_business_m' } };

let api: RunningServer;
let stripe: FakeStripe;
let host: RunningHost & { returnUrl: string };
const upstream: RequestRecord[] = [];

before(async () => {
  api = await startServer({ profile: 'hosted', catalog: testCatalog(), onRequest: (record) => upstream.push(record) });
  stripe = await startFakeStripe({ webhookUrl: () => `${host.url}/stripe/webhook`, webhookSecret: WEBHOOK_SECRET });
  host = await startStripeHost({
    apiUrl: api.url,
    ...PRODUCT_CLIENT,
    sessionSecret: SESSION_SECRET,
    stripe: new Stripe('sk_test_fake', { ...stripe.config, maxNetworkRetries: 0 }),
    webhookSecret: WEBHOOK_SECRET,
    stripePrices: STRIPE_PRICES,
    prices: PRICES,
    returnPath: '/account/billing',
  });
});
after(async () => {
  await host?.close();
  await stripe?.close();
  await api?.close();
});

let serial = 0;
async function customer(plan?: string) {
  const id = `stripe-${process.pid}-${++serial}@example.com`;
  const cookie = `${SESSION_COOKIE}=${signSession({ id, email: id, name: 'Paying Customer' }, SESSION_SECRET)}`;
  let subscriptionId: string | undefined;
  let customerId: string | undefined;
  if (plan) {
    customerId = (await backendCall(api.url, 'POST', '/api/v1/customers', { alternative_id: id, email: id })).body.id;
    subscriptionId = (await backendCall(api.url, 'POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { customer_id: customerId, max_subscribers: 1 })).body.id;
  }
  return { id, cookie, subscriptionId, customerId };
}

async function page(cookie: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${host.url}/planship/api/v1${path}`, {
    method,
    headers: { cookie, 'sec-fetch-site': 'same-origin', ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const planOf = async (userId: string) => (await backendCall(api.url, 'GET', `/api/v1/customers/${encodeURIComponent(userId)}/subscriptions`)).body.filter((s: { is_active: boolean }) => s.is_active).map((s: { plan: { slug: string } }) => s.plan.slug);

describe('Stripe checkout recipe (simulated Stripe: no Stripe account here)', () => {
  it('an upgrade opens a Checkout Session (promotion codes, the change in its metadata); paying applies it through the signed webhook', async () => {
    const c = await customer('starter');
    const answer = await page(c.cookie, 'PATCH', `/customers/me/subscriptions/${c.subscriptionId}`, { plan_slug: 'pro', interval: 'year' });
    assert.equal(answer.status, 402);
    const session = [...stripe.sessions.values()].at(-1)!;
    assert.equal(answer.body.checkout_url, session.url);
    assert.equal(session.allow_promotion_codes, true);
    assert.deepEqual(session.line_items, [{ price: 'price_pro_y', quantity: 1 }]);
    assert.deepEqual(JSON.parse(session.metadata.planship_change), { subscriptionId: c.subscriptionId, fromPlan: 'starter', toPlan: 'pro', interval: 'year', seats: 1, at: 'now' });
    assert.equal(session.success_url, `${host.returnUrl}?planship-pending=pro`);
    assert.deepEqual(await planOf(c.id), ['starter'], 'nothing changed before payment');

    const back = await stripe.pay(session.id);
    assert.equal(back, session.success_url);
    assert.deepEqual(await planOf(c.id), ['pro']);
  });

  it('a replayed webhook applies once; a bad signature changes nothing (400)', async () => {
    const c = await customer('starter');
    await page(c.cookie, 'PATCH', `/customers/me/subscriptions/${c.subscriptionId}`, { plan_slug: 'business' });
    await stripe.pay([...stripe.sessions.values()].at(-1)!.id);
    assert.deepEqual(await planOf(c.id), ['business']);
    const { payload, header } = stripe.sent.at(-1)!;
    const writes = () => upstream.filter((record) => record.method === 'PATCH').length;
    const before = writes();
    const replay = await fetch(`${host.url}/stripe/webhook`, { method: 'POST', headers: { 'stripe-signature': header, 'content-type': 'application/json' }, body: payload });
    assert.equal(replay.status, 200);
    assert.equal((await replay.json()).replayed, true);
    assert.equal(writes(), before, 'applied once');

    const forged = payload.replace('"paid"', '"unpaid"');
    assert.notEqual(forged, payload);
    const refused = await fetch(`${host.url}/stripe/webhook`, { method: 'POST', headers: { 'stripe-signature': header, 'content-type': 'application/json' }, body: forged });
    assert.equal(refused.status, 400);
    const unsigned = await fetch(`${host.url}/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload.replace('evt_', 'evt_x') });
    assert.equal(unsigned.status, 400);
    assert.equal(writes(), before);
    assert.deepEqual(await planOf(c.id), ['business']);
  });

  it('a first purchase by a user with no Planship customer yet: paid, then created with its subscription', async () => {
    const c = await customer();
    const answer = await page(c.cookie, 'POST', `/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: 'me' });
    assert.equal(answer.status, 402);
    assert.equal((await backendCall(api.url, 'GET', `/api/v1/customers/${encodeURIComponent(c.id)}`)).status, 404, 'nothing created before payment');
    await stripe.pay([...stripe.sessions.values()].at(-1)!.id);
    assert.deepEqual(await planOf(c.id), ['pro']);
  });

  it('a cheaper plan needs no checkout; the billing portal opens Stripe\'s for a customer who paid', async () => {
    const c = await customer('starter');
    await page(c.cookie, 'PATCH', `/customers/me/subscriptions/${c.subscriptionId}`, { plan_slug: 'pro' });
    await stripe.pay([...stripe.sessions.values()].at(-1)!.id);
    const sessions = stripe.sessions.size;
    const cheaper = await page(c.cookie, 'PATCH', `/customers/me/subscriptions/${c.subscriptionId}`, { plan_slug: 'free' });
    assert.equal(cheaper.status, 200);
    assert.equal(stripe.sessions.size, sessions, 'no checkout for a cheaper plan');
    const portal = await page(c.cookie, 'POST', '/customers/me/billing-portal');
    assert.equal(portal.status, 200);
    assert.match(portal.body.url, new RegExp(`^${stripe.origin}/billing/cus_test_`));
    const stranger = await customer('starter');
    assert.equal((await page(stranger.cookie, 'POST', '/customers/me/billing-portal')).status, 502, 'no Stripe customer yet: words, no crash');
  });
});
