// Paid plan changes through the host's checkout, at the gateway (our server in the hosted
// profile): with `prices`, a change that costs more is never made by the page's own request: the
// host's `checkout` answers where to pay (402 + checkout_url), yes, or no; a cheaper change goes
// through; prices ride along with the plans; the billing portal hook.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Checkout, GatewayPrices, PlanChange } from '../../src/gateway/index.ts';
import { PRODUCT, signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

const PRICES: GatewayPrices = {
  free: { amount: 0, currency: 'USD', interval: 'month' },
  starter: [
    { amount: 19, currency: 'USD', interval: 'month' },
    { amount: 190, currency: 'USD', interval: 'year' },
  ],
  pro: [
    { amount: 49, currency: 'USD', interval: 'month' },
    { amount: 490, currency: 'USD', interval: 'year' },
  ],
  business: { amount: 20, currency: 'USD', interval: 'month', perSeat: true },
};

interface Asked {
  change: PlanChange;
  user: { id: string };
}

/** A host whose checkout answers what the test sets, and records what it was asked. */
async function checkoutHost(answer: (change: PlanChange) => ReturnType<Checkout> = () => ({ url: 'https://pay.example/session/1' }), extra = {}) {
  const asked: Asked[] = [];
  const logged: string[] = [];
  const host = await startGatewayHost({
    prices: PRICES,
    checkout: (change, user) => {
      asked.push({ change, user });
      return answer(change);
    },
    log: (line) => logged.push(line),
    ...extra,
  });
  return { host, asked, logged };
}

/** Runs `test` against a checkout host (as `checkoutHost` makes it), then closes the host. */
async function withCheckoutHost(test: (parts: Awaited<ReturnType<typeof checkoutHost>>) => Promise<void>, ...options: Parameters<typeof checkoutHost>) {
  const parts = await checkoutHost(...options);
  try {
    await test(parts);
  } finally {
    await parts.host.close();
  }
}

const subscriptionPath = (id: string) => `/api/v1/customers/me/subscriptions/${id}`;
const stateOf = async (host: GatewayHost, customerId: string, subscriptionId: string) =>
  (await host.admin('GET', `/api/v1/customers/${customerId}/subscriptions/${subscriptionId}`)).body;
const writes = (host: GatewayHost) => host.upstream.filter((record) => record.method !== 'GET' && record.path !== '/api/v1/auth/token').length;

describe('a change that costs more goes to checkout', () => {
  it('a pricier plan: 402 with the checkout URL, nothing changed; the hook hears the change and the user', async () => {
    await withCheckoutHost(async ({ host, asked }) => {
      const p = await signedInPerson(host, 'starter');
      const before = writes(host);
      const answer = await host.call('PATCH', subscriptionPath(p.subscriptionId!), { session: p.session, body: { plan_slug: 'pro' } });
      assert.equal(answer.status, 402, answer.text);
      assert.deepEqual(answer.body, { detail: 'This change needs payment: continue at checkout.', checkout_url: 'https://pay.example/session/1' });
      assert.equal(writes(host), before, 'nothing written');
      assert.equal((await stateOf(host, p.customerId, p.subscriptionId!)).plan.slug, 'starter');
      const seats = (await stateOf(host, p.customerId, p.subscriptionId!)).max_subscribers;
      assert.deepEqual(asked.at(-1)!.change, { subscriptionId: p.subscriptionId, fromPlan: 'starter', toPlan: 'pro', interval: 'month', seats, at: 'now' });
      assert.equal(asked.at(-1)!.user.id, p.userId);
    });
  });

  it('a cheaper plan, now or at renewal, goes through without checkout', async () => {
    await withCheckoutHost(async ({ host, asked }) => {
      const p = await signedInPerson(host, 'pro', { max_subscribers: 1 });
      const renewal = await host.call('PATCH', subscriptionPath(p.subscriptionId!), { session: p.session, body: { renew_plan_slug: 'starter' } });
      assert.equal(renewal.status, 200, renewal.text);
      assert.equal(renewal.body.renew_plan.slug, 'starter');
      const now = await host.call('PATCH', subscriptionPath(p.subscriptionId!), { session: p.session, body: { plan_slug: 'free' } });
      assert.equal(now.status, 200, now.text);
      assert.deepEqual(asked, []);
    });
  });

  it('a pricier plan at renewal, a yearly interval, a resumed paid subscription, a new paid subscription: each asks checkout', async () => {
    await withCheckoutHost(async ({ host, asked }) => {
      const p = await signedInPerson(host, 'starter', { max_subscribers: 1 });
      const path = subscriptionPath(p.subscriptionId!);
      assert.equal((await host.call('PATCH', path, { session: p.session, body: { renew_plan_slug: 'pro' } })).status, 402);
      assert.deepEqual(asked.at(-1)!.change, { subscriptionId: p.subscriptionId, fromPlan: 'starter', toPlan: 'pro', interval: 'month', seats: 1, at: 'renewal' });
      assert.equal((await host.call('PATCH', path, { session: p.session, body: { plan_slug: 'starter', interval: 'year' } })).status, 402, 'month to year: 190 up front');
      assert.equal(asked.at(-1)!.change.interval, 'year');
      const week = await host.call('PATCH', path, { session: p.session, body: { plan_slug: 'pro', interval: 'week' } });
      assert.equal(week.status, 422);
      assert.deepEqual(week.body.detail[0].loc, ['body', 'interval']);

      await host.admin('PATCH', `/api/v1/customers/${p.customerId}/subscriptions/${p.subscriptionId}`, { is_active: false });
      assert.equal((await host.call('PATCH', path, { session: p.session, body: { is_active: true } })).status, 402, 'resuming an ended paid subscription');
      assert.equal((await stateOf(host, p.customerId, p.subscriptionId!)).is_active, false);

      const fresh = await signedInPerson(host);
      const subscribe = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { session: fresh.session, body: { customer_id: 'me' } });
      assert.equal(subscribe.status, 402);
      assert.deepEqual(asked.at(-1)!.change, { toPlan: 'pro', interval: 'month', seats: 1, at: 'now' });
      assert.deepEqual((await host.admin('GET', `/api/v1/customers/${fresh.customerId}/subscriptions`)).body, []);
      const free = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/free/subscriptions`, { session: fresh.session, body: { customer_id: 'me' } });
      assert.equal(free.status, 200, 'a free plan needs no payment');
    });
  });

  it('more seats on a per-seat plan ask checkout; fewer go through', async () => {
    await withCheckoutHost(async ({ host, asked }) => {
      const p = await signedInPerson(host, 'business', { max_subscribers: 3 });
      const path = subscriptionPath(p.subscriptionId!);
      assert.equal((await host.call('PATCH', path, { session: p.session, body: { max_subscribers: 5 } })).status, 402);
      assert.deepEqual(asked.at(-1)!.change, { subscriptionId: p.subscriptionId, fromPlan: 'business', toPlan: 'business', interval: 'month', seats: 5, at: 'now' });
      assert.equal((await host.call('PATCH', path, { session: p.session, body: { max_subscribers: 2 } })).status, 200);
      assert.equal((await stateOf(host, p.customerId, p.subscriptionId!)).max_subscribers, 2);
    });
  });

  it('a checkout that answers true: the change is made now', async () => {
    await withCheckoutHost(async ({ host, asked }) => {
      const fresh = await signedInPerson(host);
      const subscribed = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { session: fresh.session, body: { customer_id: 'me', interval: 'year' } });
      assert.equal(subscribed.status, 200, subscribed.text);
      assert.equal(asked.at(-1)!.change.interval, 'year');
      const [state] = (await host.admin('GET', `/api/v1/customers/${fresh.customerId}/subscriptions`)).body;
      assert.equal(state.plan.slug, 'pro');
    }, () => true);
  });
});

describe('without a checkout, or when it fails', () => {
  it('no checkout hook: a pricier change is refused with 402 and words; nothing changed', async () => {
    const host = await startGatewayHost({ prices: PRICES });
    try {
      const p = await signedInPerson(host, 'starter');
      const answer = await host.call('PATCH', subscriptionPath(p.subscriptionId!), { session: p.session, body: { plan_slug: 'business' } });
      assert.equal(answer.status, 402);
      assert.match(answer.body.detail, /costs more, and payment for it is not taken here: contact us/);
      assert.equal(answer.body.checkout_url, undefined);
      assert.equal((await stateOf(host, p.customerId, p.subscriptionId!)).plan.slug, 'starter');
    } finally {
      await host.close();
    }
  });

  it('a hook that refuses (false, null): 402 in words', async () => {
    for (const refusal of [false, null]) {
      await withCheckoutHost(async ({ host }) => {
        const p = await signedInPerson(host, 'starter');
        const answer = await host.call('PATCH', subscriptionPath(p.subscriptionId!), { session: p.session, body: { plan_slug: 'pro' } });
        assert.equal(answer.status, 402);
        assert.match(answer.body.detail, /cannot be made here: contact us/);
      }, () => refusal);
    }
  });

  it('a hook that throws, hangs or answers a non-http URL: 502 in words, logged by type, nothing changed', async () => {
    const cases: [string, () => ReturnType<Checkout>, RegExp][] = [
      ['throws', () => Promise.reject(new Error('sk_live_secret rejected')), /checkout\(\) threw Error/],
      ['hangs', () => new Promise(() => {}), /checkout\(\) did not answer in time/],
      ['javascript: URL', () => ({ url: 'javascript:alert(1)' }), /not http\(s\)/],
    ];
    for (const [name, answer, logLine] of cases) {
      await withCheckoutHost(async ({ host, logged }) => {
        const p = await signedInPerson(host, 'starter');
        const refused = await host.call('PATCH', subscriptionPath(p.subscriptionId!), { session: p.session, body: { plan_slug: 'pro' } });
        assert.equal(refused.status, 502, name);
        assert.equal(refused.body.detail, 'The payment page could not be opened. Please try again.');
        assert.match(logged.join('\n'), logLine, name);
        assert.ok(!logged.join('\n').includes('sk_live'), 'never the message');
        assert.equal((await stateOf(host, p.customerId, p.subscriptionId!)).plan.slug, 'starter');
      }, answer, { checkoutTimeoutMs: 200 });
    }
  });
});

describe('prices with the plans, and the billing portal', () => {
  it('the plan list, a plan and the first-render answer carry the prices; the features say checkout', async () => {
    await withCheckoutHost(async ({ host }) => {
      const p = await signedInPerson(host, 'starter');
      const list = await host.call('GET', `/api/v1/products/${PRODUCT}/plans`, { session: p.session });
      assert.deepEqual(list.body.find((plan: { slug: string }) => plan.slug === 'pro').prices, PRICES.pro);
      assert.match(list.headers.get('planship-portal-features')!, /\bcheckout\b/);
      const plan = await host.call('GET', `/api/v1/products/${PRODUCT}/plans/business`, { session: p.session });
      assert.deepEqual(plan.body.prices, [{ amount: 20, currency: 'USD', interval: 'month', per_seat: true }]);
      const portal = await host.call('GET', '/portal', { session: p.session });
      assert.deepEqual(portal.body.plans.find((one: { slug: string }) => one.slug === 'starter').prices, PRICES.starter);
      assert.deepEqual(portal.body.plan_details.free.prices, [PRICES.free]);
    });
  });

  it('POST .../billing-portal answers the URL the hook gives; without the hook 403; a failing hook 502', async () => {
    const seen: string[] = [];
    const host = await startGatewayHost({ billingPortal: (user) => (seen.push(user.id), { url: 'https://billing.example/session/7' }) });
    const plain = await startGatewayHost({});
    const failing = await startGatewayHost({ billingPortal: () => Promise.reject(new Error('down')) });
    try {
      const p = await signedInPerson(host, 'pro');
      const answer = await host.call('POST', '/api/v1/customers/me/billing-portal', { session: p.session });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { url: 'https://billing.example/session/7' });
      assert.deepEqual(seen, [p.userId]);
      assert.match(answer.headers.get('planship-portal-features')!, /billing-portal/);
      const none = await signedInPerson(plain);
      assert.equal((await plain.call('POST', '/api/v1/customers/me/billing-portal', { session: none.session })).status, 403);
      const broken = await signedInPerson(failing);
      assert.equal((await failing.call('POST', '/api/v1/customers/me/billing-portal', { session: broken.session })).status, 502);
      assert.equal((await host.call('POST', '/api/v1/customers/me/billing-portal')).status, 401);
    } finally {
      await Promise.all([host.close(), plain.close(), failing.close()]);
    }
  });
});
