// The official @planship/fetch 0.3.4 client against our server: EVERY PlanshipProduct and
// PlanshipCustomer method, checking the answers. Where the SDK itself is defective, the test
// title names the defect and the behaviour is checked over raw HTTP instead.
import { PlanshipCustomer } from '@planship/fetch';
// The package index does not re-export PlanshipProduct (PlanshipCustomer extends it), so it is
// imported from its module.
import { PlanshipProduct } from '@planship/fetch/dist/planship/product.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { PRODUCT_CLIENT } from '../fixtures/test-catalog.ts';
import { PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
let options: { baseUrl: string; webSocketUrl: string };

before(async () => {
  api = await startTestServer();
  options = { baseUrl: api.url, webSocketUrl: api.server.wsUrl };
});
after(() => api.server.close());

const credentials = { clientId: PRODUCT_CLIENT.clientId, clientSecret: PRODUCT_CLIENT.clientSecret };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function product() {
  return new PlanshipProduct(PRODUCT, credentials, options);
}

async function freshCustomer(plan?: string) {
  const created = await api.createCustomer(plan ? { plan } : {});
  return { ...created, client: new PlanshipCustomer(PRODUCT, created.id, credentials, options) };
}

/** Every public method of the official classes, each called by a test below. */
const COVERED = [
  'getAccessToken', 'getProduct', 'listPlans', 'getPlan', 'listLevers', 'createCustomer', 'getCustomer', 'deleteCustomer',
  'createSubscription', 'listSubscriptions', 'getSubscription', 'changeSubscriptionPlan', 'changeSubscriptionRenewPlan',
  'changeSubscriptionMaxSubscribers', 'setSubscriptionAutoRenew', 'setSubscriptionIsActive', 'modifySubscription',
  'getEntitlements', 'getLeverUsage', 'getMeteringIdUsage', 'reportUsage', 'listSubscriptionCustomers',
  'addSubscriptionCustomer', 'removeSubscriptionCustomer',
];
/** Plumbing on the base class, not API methods. */
const INTERNAL = new Set(['constructor', 'debugLog', 'onPostFetch', 'onErrorFetch', 'planshipApiInstance']);

it('this suite covers every public method of PlanshipCustomer and PlanshipProduct', () => {
  const methods = new Set<string>();
  for (let proto = PlanshipCustomer.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) if (!INTERNAL.has(name)) methods.add(name);
  }
  assert.deepEqual([...methods].sort(), [...COVERED].sort());
  assert.ok(PlanshipCustomer.prototype instanceof PlanshipProduct);
});

describe('PlanshipProduct (official SDK)', () => {
  it('getAccessToken exchanges the client credentials', async () => {
    const token = await product().getAccessToken();
    assert.equal(token.tokenType, 'bearer');
    assert.equal(token.expiresIn, 3600);
    assert.equal(typeof token.accessToken, 'string');
  });

  it('getProduct', async () => {
    const answer = await product().getProduct();
    assert.equal(answer.slug, PRODUCT);
    assert.equal(answer.name, 'Acme Analytics');
    assert.match(answer.organizationId, UUID);
  });

  it('listPlans', async () => {
    const plans = await product().listPlans();
    assert.deepEqual(plans.map((plan) => plan.slug), ['free', 'starter', 'pro', 'business', 'enterprise', 'legacy-2019']);
    assert.equal(plans[2].name, 'Pro');
    assert.equal(plans[2].order, 3);
  });

  it('getPlan (with and without entitlementsOrderBy)', async () => {
    const plan = await product().getPlan('pro');
    assert.equal(plan.slug, 'pro');
    assert.equal(plan.entitlements.length, 8);
    const calls = plan.entitlements.find((entitlement) => entitlement.leverName === 'API calls per month')!;
    assert.equal(calls.value, 100000);
    assert.equal(calls.formattedValue, '100,000 per month');
    const ordered = await product().getPlan('pro', ['-name']);
    assert.equal(ordered.entitlements[0].name, 'Single sign-on');
  });

  it('listLevers (with and without orderBy)', async () => {
    const levers = await product().listLevers();
    assert.equal(levers.length, 8);
    assert.equal(levers[0].slug, 'api-calls');
    assert.equal(levers[0].defaultValue, '0');
    const sorted = await product().listLevers(['slug']);
    assert.equal(sorted[0].slug, 'ai-insights');
  });

  it('createCustomer, getCustomer, deleteCustomer', async () => {
    const client = product();
    const created = await client.createCustomer({ alternativeId: 'sdk-product@example.com', name: 'SDK Product', email: 'sdk-product@example.com', metadata: { plan: 'x' } });
    assert.match(created.id, UUID);
    assert.deepEqual(created.metadata, { plan: 'x' });
    assert.deepEqual(created.subscriptions, []);
    const fetched = await client.getCustomer('sdk-product@example.com');
    assert.equal(fetched.id, created.id);
    assert.equal(fetched.alternativeId, 'sdk-product@example.com');
    const deleted = await client.deleteCustomer(created.id);
    assert.equal(deleted.id, created.id);
    await assert.rejects(client.getCustomer(created.id), (error: any) => error.response?.status === 404);
  });

  it('createCustomer with no parameters sends {}', async () => {
    const created = await product().createCustomer();
    assert.match(created.id, UUID);
    assert.equal(created.name, '');
  });

  it('a token that expires is refreshed by the SDK after our 401', async () => {
    const isolated = await startTestServer();
    try {
      const client = new PlanshipProduct(PRODUCT, credentials, { baseUrl: isolated.url });
      assert.equal((await client.getProduct()).slug, PRODUCT);
      await isolated.advanceClock(3601);
      assert.equal((await client.getProduct()).slug, PRODUCT);
    } finally {
      await isolated.server.close();
    }
  });

  it('bad client credentials reject with a 401 response (no retry loop)', async () => {
    const client = new PlanshipProduct(PRODUCT, { clientId: 'demo-client', clientSecret: 'wrong' }, options);
    await assert.rejects(client.getProduct(), (error: any) => error.response?.status === 401);
  });
});

describe('PlanshipCustomer (official SDK)', () => {
  it('inherits the product methods: getProduct, listPlans, getPlan, listLevers, getCustomer, createCustomer, deleteCustomer', async () => {
    const { client, id } = await freshCustomer();
    assert.equal((await client.getProduct()).slug, PRODUCT);
    assert.equal((await client.listPlans()).length, 6);
    assert.equal((await client.getPlan('free')).entitlements.length, 8);
    assert.equal((await client.listLevers()).length, 8);
    assert.equal((await client.getCustomer(id)).id, id);
    const extra = await client.createCustomer({ name: 'Extra' });
    assert.equal((await client.deleteCustomer(extra.id)).name, 'Extra');
    assert.equal((await client.getAccessToken()).tokenType, 'bearer');
  });

  it('createSubscription (with options) and listSubscriptions / getSubscription', async () => {
    const { client, id } = await freshCustomer();
    const renewAt = new Date('2031-01-01T00:00:00Z');
    const created = await client.createSubscription('pro', { maxSubscribers: 4, autoRenew: false, renewAt, metadata: { source: 'sdk' } });
    assert.match(created.id, UUID);
    assert.equal(created.plan.slug, 'pro');
    assert.equal(created.maxSubscribers, 4);
    assert.equal(created.autoRenew, false);
    assert.equal(created.renewAt.toISOString(), renewAt.toISOString());
    assert.ok(created.startAt instanceof Date && !Number.isNaN(created.startAt.getTime()));
    const list = await client.listSubscriptions();
    assert.equal(list.length, 1);
    assert.equal(list[0].subscriptionId, created.id);
    assert.equal(list[0].customerId, id);
    assert.equal(list[0].isAdministrator, true);
    assert.equal((await client.listSubscriptions(PRODUCT)).length, 1);
    assert.equal((await client.listSubscriptions('markup-product')).length, 0);
    const one = await client.getSubscription(created.id);
    assert.equal(one.plan.name, 'Pro');
    assert.equal(one.renewPlan.slug, 'pro');
  });

  it('changeSubscriptionPlan, changeSubscriptionRenewPlan, changeSubscriptionMaxSubscribers, setSubscriptionAutoRenew', async () => {
    const { client, subscriptionId } = await freshCustomer('starter');
    assert.equal((await client.changeSubscriptionPlan(subscriptionId, 'pro')).plan.slug, 'pro');
    const renew = await client.changeSubscriptionRenewPlan(subscriptionId, 'starter');
    assert.equal(renew.renewPlan.slug, 'starter');
    assert.equal(renew.plan.slug, 'pro');
    const seats = await client.changeSubscriptionMaxSubscribers(subscriptionId, 9);
    assert.equal(seats.maxSubscribers, 9);
    assert.equal(seats.renewPlan.slug, 'starter', 'a partial update keeps the other fields');
    assert.equal((await client.setSubscriptionAutoRenew(subscriptionId, false)).autoRenew, false);
    assert.equal((await client.setSubscriptionAutoRenew(subscriptionId, true)).autoRenew, true);
  });

  it('modifySubscription applies several fields at once', async () => {
    const { client, subscriptionId } = await freshCustomer('free');
    const renewAt = new Date('2032-02-02T00:00:00Z');
    const answer = await client.modifySubscription(subscriptionId, { planSlug: 'business', maxSubscribers: 20, autoRenew: false, renewAt });
    assert.equal(answer.plan.slug, 'business');
    assert.equal(answer.maxSubscribers, 20);
    assert.equal(answer.autoRenew, false);
    assert.equal(answer.renewAt.toISOString(), renewAt.toISOString());
  });

  it('setSubscriptionIsActive — SDK defect: it never sends is_active, so nothing changes; raw PATCH checked instead', async () => {
    const { client, id, subscriptionId } = await freshCustomer('pro');
    const sent: string[] = [];
    const spying = new PlanshipCustomer(PRODUCT, id, credentials, {
      ...options,
      extras: {
        fetchApi: async (input: RequestInfo | URL, init?: RequestInit) => {
          if (init?.method === 'PATCH') sent.push(String(init.body));
          return fetch(input, init);
        },
      },
    });
    const answer = await spying.setSubscriptionIsActive(subscriptionId, false);
    assert.equal(answer.isActive, true, 'the official SDK could not deactivate');
    assert.ok(!sent[0].includes('is_active'), `body sent: ${sent[0]}`);
    const viaModify = await client.modifySubscription(subscriptionId, { isActive: false });
    assert.equal(viaModify.isActive, true, 'modifySubscription({isActive}) drops it too');
    const raw = await api.admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscriptionId}`, { is_active: false });
    assert.equal(raw.status, 200);
    assert.equal(raw.body.is_active, false);
    assert.equal((await client.getSubscription(subscriptionId)).isActive, false);
  });

  it('getEntitlements (REST)', async () => {
    const { client } = await freshCustomer('pro');
    const entitlements = await client.getEntitlements();
    assert.equal(entitlements['api-calls'], 100000);
    assert.equal(entitlements.sso, true);
    assert.deepEqual(entitlements['export-formats'], ['csv', 'json', 'parquet']);
  });

  it('getEntitlements with a callback gets pushes over the socket (SDK quirk: only where window.WebSocket exists, so the test provides ws as window.WebSocket)', async () => {
    const { client, id } = await freshCustomer('free');
    const globals = globalThis as any;
    const saved = { window: globals.window, WebSocket: globals.WebSocket };
    globals.window = globalThis;
    globals.WebSocket = WebSocket;
    const pushed: any[] = [];
    let notify: () => void = () => {};
    try {
      const first = await client.getEntitlements((entitlements) => {
        pushed.push(entitlements);
        notify();
      });
      assert.equal(first['api-calls'], 1000);
      const waitFor = async (count: number) => {
        while (pushed.length < count) await new Promise<void>((resolve) => (notify = resolve));
      };
      await waitFor(1);
      assert.equal(pushed[0]['api-calls'], 1000, 'the frame right after connect');
      await api.reportUsage(id, 'api-calls', 75);
      await waitFor(2);
      assert.equal(pushed[1]['api-calls'], 925);
    } finally {
      (client as any).entitlementsWebSocket?.close();
      globals.window = saved.window;
      globals.WebSocket = saved.WebSocket;
    }
  });

  it('reportUsage, getLeverUsage, getMeteringIdUsage', async () => {
    const { client, id, subscriptionId } = await freshCustomer('starter');
    const record = await client.reportUsage('api-calls', 30, 'dashboard-a');
    assert.equal(record.usage, 30);
    assert.equal(record.meteringId, 'api-calls');
    assert.equal(record.customerId, id);
    assert.equal(record.subscriptionId, subscriptionId);
    assert.equal(record.bucket, 'dashboard-a');
    await client.reportUsage('api-calls', 12);
    const lever = await client.getLeverUsage('api-calls');
    assert.equal(lever.total, 42);
    assert.deepEqual(lever.byBucket, { 'dashboard-a': 30, null: 12 });
    assert.equal(lever.bySubscription[subscriptionId].length, 2);
    const metering = await client.getMeteringIdUsage('api-calls');
    assert.deepEqual(Object.keys(metering), ['api-calls', 'api-burst']);
    assert.equal(metering['api-burst'].total, 42);
    assert.equal((await client.getEntitlements())['api-calls'], 10000 - 42);
  });

  it('listSubscriptionCustomers, addSubscriptionCustomer, removeSubscriptionCustomer', async () => {
    const { client, id, subscriptionId } = await freshCustomer('pro');
    const teammate = await api.createCustomer();
    const added = await client.addSubscriptionCustomer(subscriptionId, teammate.alternativeId, true, true, { role: 'admin' });
    assert.equal(added.customerId, teammate.id);
    assert.equal(added.isAdministrator, true);
    assert.deepEqual(added.metadata, { role: 'admin' });
    assert.equal(added.plan.slug, 'pro');
    const defaults = await client.addSubscriptionCustomer(subscriptionId, (await api.createCustomer()).id);
    assert.equal(defaults.isAdministrator, false);
    assert.equal(defaults.isSubscriber, true);
    const members = await client.listSubscriptionCustomers(subscriptionId);
    assert.deepEqual(members.map((member) => member.customerId).slice(0, 2), [id, teammate.id]);
    const removed = await client.removeSubscriptionCustomer(subscriptionId, teammate.id);
    assert.equal(removed.customerId, teammate.id);
    assert.equal((await client.listSubscriptionCustomers(subscriptionId)).length, 2);
  });

  it('works with a token getter holding a customer-scoped token (the browser setup)', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    let calls = 0;
    const client = new PlanshipCustomer(PRODUCT, customer.id, async () => {
      calls += 1;
      return api.customerToken(customer.id);
    }, options);
    assert.equal((await client.getEntitlements())['api-calls'], 10000);
    assert.equal((await client.changeSubscriptionPlan(customer.subscriptionId, 'pro')).plan.slug, 'pro');
    await assert.rejects(client.changeSubscriptionPlan(customer.subscriptionId, 'enterprise'), (error: any) => error.response?.status === 403);
    await assert.rejects(client.createCustomer({ name: 'nope' }), (error: any) => error.response?.status === 403);
    assert.equal(calls, 1, 'one token for all calls');
  });

  it('errors reach the caller as ResponseError with the FastAPI body', async () => {
    const { client } = await freshCustomer();
    const conflict = await client.reportUsage('api-calls', 5).then(
      () => assert.fail('the report was accepted'),
      (error: any) => error,
    );
    assert.equal(conflict.response.status, 409);
    assert.equal(typeof (await conflict.response.json()).detail, 'string');
    await assert.rejects(client.reportUsage('api-calls', -5), (error: any) => error.response.status === 422);
    await assert.rejects(client.changeSubscriptionPlan('00000000-0000-0000-0000-000000000000', 'pro'), (error: any) => error.response.status === 404);
  });
});
