// Visitors who are not signed in (a pricing page) through the gateway: the public catalog and its
// prices, nothing of any customer, no customer created, no live connection; `publicCatalog: false`
// keeps the old answer (401).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PRODUCT, signedInPerson, startGatewayHost, upgradeOutcome, type GatewayHost } from './gateway-helpers.ts';

const PRICES = { starter: { amount: 19, currency: 'USD', interval: 'month' }, pro: { amount: 49, currency: 'USD', interval: 'month' } };
let host: GatewayHost;
before(async () => {
  host = await startGatewayHost({ prices: PRICES });
});
after(() => host.close());

describe('a visitor who is not signed in', () => {
  it('GET /portal: the public catalog with entitlements and prices, signed_in false, nothing of any customer', async () => {
    const answer = await host.call('GET', '/portal');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(answer.body).sort(), ['levers', 'plan_details', 'plans', 'product', 'signed_in']);
    assert.equal(answer.body.signed_in, false);
    const slugs = answer.body.plans.map((plan: { slug: string }) => plan.slug);
    assert.ok(slugs.includes('pro') && !slugs.includes('hidden') && !slugs.includes('legacy-2019'), slugs.join());
    assert.deepEqual(answer.body.plans.find((plan: { slug: string }) => plan.slug === 'pro').prices, [PRICES.pro]);
    assert.ok(answer.body.plan_details.pro.entitlements.length > 0);
  });

  it('the plan list, a public plan and the levers answer; a hidden plan is 404; every customer route and the socket are 401', async () => {
    assert.equal((await host.call('GET', `/api/v1/products/${PRODUCT}/plans`)).status, 200);
    assert.equal((await host.call('GET', `/api/v1/products/${PRODUCT}/plans/pro`)).body.prices[0].amount, 49);
    assert.equal((await host.call('GET', `/api/v1/products/${PRODUCT}/plans/legacy-2019`)).status, 404);
    assert.equal((await host.call('GET', `/api/v1/products/${PRODUCT}/levers`)).status, 200);
    for (const path of ['/api/v1/customers/me/subscriptions', `/api/v1/customers/me/products/${PRODUCT}/entitlements`, '/api/v1/invitations/x']) {
      assert.equal((await host.call('GET', path)).status, 401, path);
    }
    assert.equal((await host.call('POST', `/api/v1/products/${PRODUCT}/plans/free/subscriptions`, { body: { customer_id: 'me' } })).status, 401);
    assert.equal((await upgradeOutcome(host.socket(undefined))).status, 401);
    const stream = await host.call('GET', `/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`, { headers: { accept: 'text/event-stream' } });
    assert.equal(stream.status, 401);
  });

  it('visits create nothing upstream and ask no authorize() (there is no user to ask about)', async () => {
    const asked: string[] = [];
    const own = await startGatewayHost({ authorize: (action) => (asked.push(action), true) });
    try {
      const writes = () => own.upstream.filter((record) => record.method !== 'GET' && record.path !== '/api/v1/auth/token').length;
      await own.call('GET', '/portal');
      await own.call('GET', `/api/v1/products/${PRODUCT}/plans`);
      assert.equal(writes(), 0);
      assert.deepEqual(asked, []);
      const person = await signedInPerson(own, 'pro');
      assert.equal((await own.call('GET', '/portal', { session: person.session })).body.signed_in, true);
      assert.ok(asked.length > 0, 'a signed-in user is asked about');
    } finally {
      await own.close();
    }
  });

  it('publicCatalog: false answers visitors 401, the first-render answer too', async () => {
    const closed = await startGatewayHost({ publicCatalog: false });
    try {
      assert.equal((await closed.call('GET', '/portal')).status, 401);
      assert.equal((await closed.call('GET', `/api/v1/products/${PRODUCT}/plans`)).status, 401);
    } finally {
      await closed.close();
    }
  });
});
