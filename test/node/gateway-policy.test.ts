// The customer policy through the gateway, on the hosted profile (only what hosted Planship has):
// every allowed route with the caller's own data; every route with another customer's
// alternative id and uuid; every route the gateway never forwards; privileged fields; no session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlanshipCustomer } from '../../src/client/index.ts';
import { PRODUCT, signedInPerson, startGatewayHost, type GatewayHost, type Person } from './gateway-helpers.ts';

let host: GatewayHost;
before(async () => {
  host = await startGatewayHost();
});
after(() => host.close());

const person = (plan?: string) => signedInPerson(host, plan);

interface RouteCase {
  name: string;
  method: string;
  path: (customer: string, subscription: string, member: string) => string;
  body?: (p: Person, member: string) => unknown;
}

const sub = (customer: string, subscription: string) => `/api/v1/customers/${customer}/subscriptions/${subscription}`;

const CUSTOMER_ROUTES: RouteCase[] = [
  { name: 'list subscriptions', method: 'GET', path: (c) => `/api/v1/customers/${c}/subscriptions` },
  { name: 'get subscription', method: 'GET', path: (c, s) => sub(c, s) },
  { name: 'patch subscription', method: 'PATCH', path: (c, s) => sub(c, s), body: () => ({ auto_renew: false }) },
  { name: 'list members', method: 'GET', path: (c, s) => `${sub(c, s)}/customers` },
  { name: 'add member', method: 'POST', path: (c, s) => `${sub(c, s)}/customers`, body: (_p, member) => ({ customer_id: member }) },
  { name: 'remove member', method: 'DELETE', path: (c, s, m) => `${sub(c, s)}/customers/${m}` },
  { name: 'entitlements', method: 'GET', path: (c) => `/api/v1/customers/${c}/products/${PRODUCT}/entitlements` },
  { name: 'lever usage', method: 'GET', path: (c) => `/api/v1/customers/${c}/products/${PRODUCT}/levers/api-calls/usage` },
  { name: 'metering usage', method: 'GET', path: (c) => `/api/v1/customers/${c}/products/${PRODUCT}/usage/api-calls` },
];

const CATALOG_ROUTES = [
  `/api/v1/products/${PRODUCT}`,
  `/api/v1/products/${PRODUCT}/plans`,
  `/api/v1/products/${PRODUCT}/plans/pro`,
  `/api/v1/products/${PRODUCT}/plans/pro/entitlements`,
  `/api/v1/products/${PRODUCT}/levers`,
  `/api/v1/products/${PRODUCT}/levers/sso`,
];

describe('allowed, with the caller\'s own data', () => {
  it('catalog reads and every customer route, by `me`, uuid and own alternative id', async () => {
    for (const path of CATALOG_ROUTES) {
      const answer = await host.call('GET', path, { session: (await person()).session });
      assert.equal(answer.status, 200, `${path}: ${answer.text}`);
    }
    for (const route of CUSTOMER_ROUTES.filter((candidate) => candidate.name !== 'add member')) {
      for (const reference of ['me', 'uuid', 'alternative id'] as const) {
        const owner = await person('pro');
        const member = await person();
        await host.admin('POST', `${sub(owner.customerId, owner.subscriptionId!)}/customers`, { customer_id: member.customerId });
        const customer = reference === 'me' ? 'me' : reference === 'uuid' ? owner.customerId : encodeURIComponent(owner.userId);
        const answer = await host.call(route.method, route.path(customer, owner.subscriptionId!, member.customerId), {
          session: owner.session,
          body: route.body?.(owner, member.customerId),
        });
        assert.equal(answer.status, 200, `${route.name} by ${reference}: ${answer.text}`);
      }
    }
  });

  it('subscribes to a public self-serve plan (customer_id me, sent on as the uuid) and changes plan', async () => {
    const p = await person();
    const created = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { session: p.session, body: { customer_id: 'me' } });
    assert.equal(created.status, 200, created.text);
    const sent = host.upstream.filter((record) => record.method === 'POST' && record.path.endsWith('/plans/starter/subscriptions')).at(-1)!;
    assert.equal((sent.body as { customer_id: string }).customer_id, p.customerId);
    const changed = await host.call('PATCH', `/api/v1/customers/me/subscriptions/${created.body.id}`, { session: p.session, body: { plan_slug: 'pro' } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.plan.slug, 'pro');
  });
});

describe('refused', () => {
  it("every customer route with another customer's alternative id or uuid: 403, and nothing changes", async () => {
    const victim = await person('pro');
    const attacker = await person('starter');
    for (const route of CUSTOMER_ROUTES) {
      for (const reference of [victim.customerId, encodeURIComponent(victim.userId)]) {
        const answer = await host.call(route.method, route.path(reference, victim.subscriptionId!, attacker.customerId), {
          session: attacker.session,
          body: route.body?.(attacker, attacker.customerId),
        });
        assert.equal(answer.status, 403, `${route.name} on ${reference}`);
      }
    }
    const state = await host.admin('GET', sub(victim.customerId, victim.subscriptionId!));
    assert.equal(state.body.auto_renew, true);
  });

  it("another customer's subscription through one's own customer path: 404", async () => {
    const victim = await person('pro');
    const attacker = await person('starter');
    for (const route of CUSTOMER_ROUTES.filter((candidate) => candidate.path('c', 's', 'm').includes('/subscriptions/'))) {
      const answer = await host.call(route.method, route.path('me', victim.subscriptionId!, victim.customerId), {
        session: attacker.session,
        body: route.body?.(attacker, attacker.customerId),
      });
      assert.equal(answer.status, 404, route.name);
    }
  });

  it('every route the gateway never forwards: 403 (other products 404), with no upstream call', async () => {
    const p = await person('pro');
    const before = host.upstream.length;
    const never: [string, string, unknown?][] = [
      ['POST', '/api/v1/auth/token'],
      ['POST', '/api/v1/auth/customer-token', { customer_id: p.customerId }],
      ['GET', '/api/v1/products'],
      ['POST', '/api/v1/customers', { alternative_id: 'x' }],
      ['GET', '/api/v1/customers/me'],
      ['DELETE', '/api/v1/customers/me'],
      ['GET', '/api/v1/customers'],
      ['POST', `/api/v1/customers/me/products/${PRODUCT}/usage/api-calls`, { usage: 1 }],
      ['POST', `/api/v1/subscriptions/${p.subscriptionId}/renewals`],
      ['POST', '/api/v1/customers/me/subscriptions', { plan_id: 'x' }],
      ['POST', '/__emulator/reset'],
      ['POST', '/__emulator/clock', { advance_seconds: 1 }],
      ['GET', '/api/v1/public/acme/acme-analytics/plans'],
      ['GET', '/api/v1/health'],
    ];
    for (const [method, path, body] of never) {
      const answer = await host.call(method, path, { session: p.session, body });
      assert.equal(answer.status, 403, `${method} ${path}`);
      assert.match(answer.body.detail, /Not available through the billing portal/);
    }
    for (const path of ['/api/v1/products/markup-product', '/api/v1/products/markup-product/plans', `/api/v1/customers/me/products/markup-product/entitlements`]) {
      assert.equal((await host.call('GET', path, { session: p.session })).status, 404, path);
    }
    const upstreamPaths = host.upstream.slice(before).map((record) => record.path);
    assert.deepEqual(upstreamPaths.filter((path) => !path.startsWith('/api/v1/customers/') || path.includes('renewals')), [], 'nothing refused reached Planship');
  });

  it('privileged fields are refused by name; unknown fields never reach Planship', async () => {
    const p = await person('starter');
    const path = `/api/v1/customers/me/subscriptions/${p.subscriptionId}`;
    for (const field of ['plan_id', 'renew_plan_id', 'renew_at']) {
      const answer = await host.call('PATCH', path, { session: p.session, body: { [field]: field === 'renew_at' ? '2099-01-01T00:00:00Z' : p.customerId } });
      assert.equal(answer.status, 403, field);
      assert.match(answer.body.detail, new RegExp(field));
    }
    const ok = await host.call('PATCH', path, { session: p.session, body: { auto_renew: false, is_administrator: true, customer_id: 'someone' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(host.upstream.filter((record) => record.method === 'PATCH').at(-1)!.body, { auto_renew: false });
  });

  it('plans a customer may not choose, seats beyond the plan, a contract plan, a second subscription', async () => {
    const p = await person('starter');
    const path = `/api/v1/customers/me/subscriptions/${p.subscriptionId}`;
    const refused: [unknown, number][] = [
      [{ plan_slug: 'enterprise' }, 403],
      [{ plan_slug: 'legacy-2019' }, 403],
      [{ renew_plan_slug: 'enterprise' }, 403],
      [{ max_subscribers: 4 }, 422],
    ];
    for (const [body, status] of refused) assert.equal((await host.call('PATCH', path, { session: p.session, body })).status, status, JSON.stringify(body));
    const second = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { session: p.session, body: { customer_id: 'me' } });
    assert.equal(second.status, 409);
    const hidden = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/legacy-2019/subscriptions`, { session: (await person()).session, body: { customer_id: 'me' } });
    assert.equal(hidden.status, 404);
    const contract = await person('enterprise');
    const patched = await host.call('PATCH', `/api/v1/customers/me/subscriptions/${contract.subscriptionId}`, { session: contract.session, body: { auto_renew: false } });
    assert.equal(patched.status, 403);
    assert.match(patched.body.detail, /contract plan/);
  });

  it('plans: public ones plus the plan the customer is on; a hidden plan is 404 to others', async () => {
    const legacy = await person('legacy-2019');
    const fresh = await person();
    const slugs = async (session: string) => (await host.call('GET', `/api/v1/products/${PRODUCT}/plans`, { session })).body.map((plan: any) => plan.slug);
    assert.ok((await slugs(legacy.session)).includes('legacy-2019'));
    assert.ok(!(await slugs(fresh.session)).includes('legacy-2019'));
    assert.equal((await host.call('GET', `/api/v1/products/${PRODUCT}/plans/legacy-2019`, { session: fresh.session })).status, 404);
    assert.equal((await host.call('GET', `/api/v1/products/${PRODUCT}/plans/legacy-2019`, { session: legacy.session })).status, 200);
  });

  it('members: by name for a member, with email for the administrator, never by alternative id; only administrators change them; anyone leaves', async () => {
    const owner = await person('pro');
    const member = await person();
    await host.admin('POST', `${sub(owner.customerId, owner.subscriptionId!)}/customers`, { customer_id: member.customerId });
    const asAdmin = await host.call('GET', `${sub('me', owner.subscriptionId!)}/customers`, { session: owner.session });
    const memberSeenByAdmin = asAdmin.body.find((entry: any) => entry.customer_id === member.customerId).customer;
    assert.deepEqual(memberSeenByAdmin, { id: member.customerId, name: `Name of ${member.userId}`, email: member.userId });
    const asMember = await host.call('GET', `${sub('me', owner.subscriptionId!)}/customers`, { session: member.session });
    assert.deepEqual(asMember.body.find((entry: any) => entry.customer_id === owner.customerId).customer, { id: owner.customerId, name: `Name of ${owner.userId}` });
    assert.ok(!asAdmin.text.includes('"alternative_id":"user-') && !asMember.text.includes('alternative_id":"user-'));
    assert.equal((await host.call('PATCH', sub('me', owner.subscriptionId!), { session: member.session, body: { auto_renew: false } })).status, 403);
    assert.equal((await host.call('DELETE', `${sub('me', owner.subscriptionId!)}/customers/${owner.customerId}`, { session: member.session })).status, 403);
    assert.equal((await host.call('POST', `${sub('me', owner.subscriptionId!)}/customers`, { session: owner.session, body: { customer_id: encodeURIComponent(member.userId) } })).status, 403, 'not by a guessable id');
    assert.equal((await host.call('DELETE', `${sub('me', owner.subscriptionId!)}/customers/me`, { session: member.session })).status, 200, 'leaving');
  });

  it('no session: 401 on every customer route, before anything reaches Planship (the catalog is public)', async () => {
    const before = host.upstream.length;
    const customerPaths = CUSTOMER_ROUTES.map(({ path }) => path('me', 'some-subscription', 'some-member'));
    for (const path of [...customerPaths, '/api/v1/auth/token', '/api/v1/customers', '/api/v1/customers/me']) {
      const answer = await host.call('GET', path);
      assert.equal(answer.status, 401, path);
      assert.match(answer.body.detail, /Sign in/);
    }
    assert.equal(host.upstream.length, before);
  });
});

describe('the first-render answer (GET /planship/portal)', () => {
  it('holds what the elements read first, for the signed-in customer only, as the policy lets it see it', async () => {
    const legacy = await person('legacy-2019');
    const answer = await host.call('GET', '/portal', { session: legacy.session });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const body = answer.body;
    assert.equal(body.product.slug, PRODUCT);
    const slugs = body.plans.map((plan: any) => plan.slug);
    assert.ok(slugs.includes('legacy-2019'), 'its own retired plan');
    assert.ok(slugs.includes('pro') && !slugs.includes('hidden'));
    assert.deepEqual(Object.keys(body.plan_details).sort(), [...slugs].sort());
    assert.ok(body.plan_details.pro.entitlements.length > 0);
    assert.deepEqual(body.subscriptions.map((subscription: any) => subscription.plan.slug), ['legacy-2019']);
    assert.deepEqual(Object.keys(body.usage).sort(), ['ai-insights', 'api-burst', 'api-calls']);
    const entitlements = (await host.call('GET', `/api/v1/customers/me/products/${PRODUCT}/entitlements`, { session: legacy.session })).body;
    assert.deepEqual(body.entitlements, entitlements);

    const fresh = await person();
    const other = (await host.call('GET', '/portal', { session: fresh.session })).body;
    assert.ok(!other.plans.some((plan: any) => plan.slug === 'legacy-2019'), "another customer's retired plan stays hidden");
    assert.deepEqual(other.subscriptions, []);
    assert.equal((await host.call('GET', '/portal')).body.signed_in, false, 'a visitor gets the public catalog');
  });
});

describe('PlanshipCustomer in gateway mode (from Node, the session cookie added by its fetch)', () => {
  it('sends no token, includes credentials, and serves the first reads from the one GET /portal', async () => {
    const p = await person('pro');
    const sent: { url: string; init: RequestInit }[] = [];
    const withSession: typeof fetch = (input, init = {}) => {
      sent.push({ url: new URL(String(input)).pathname, init });
      const headers = new Headers(init.headers);
      headers.set('cookie', `session=${p.session}`);
      return fetch(input, { ...init, headers });
    };
    const client = new PlanshipCustomer(PRODUCT, 'me', null, { baseUrl: `${host.origin}/planship`, fetch: withSession });
    try {
      const [subscriptions, entitlements, usage] = await Promise.all([client.listSubscriptions({ productSlug: PRODUCT }), client.getEntitlements(), client.getLeverUsage('api-calls')]);
      assert.deepEqual(subscriptions.map((subscription) => subscription.plan.slug), ['pro']);
      assert.equal(entitlements['api-calls'], 100_000);
      assert.equal(usage.total, 0);
      assert.deepEqual(sent.map(({ url }) => url), ['/planship/portal'], 'every first read served from the first-render answer');
      for (const { init } of sent) {
        assert.equal(init.credentials, 'include');
        assert.equal(new Headers(init.headers).get('authorization'), null);
      }
    } finally {
      client.dispose();
    }
  });
});
