// PlanshipAdmin on hosted Planship (our server's hosted profile): what can be composed from
// Planship's real routes works, the rest fails with kind `unsupported`, naming the operation,
// before any request is made; pointed at a server without a route, the same error, not a bare 404.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlanshipAdmin, PlanshipApiError } from '../../src/client/admin.ts';
import { startServer, type RequestRecord, type RunningServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { PRODUCT_CLIENT, testCatalog } from '../fixtures/test-catalog.ts';

const PRODUCT = 'acme-analytics';
let server: RunningServer;
let admin: PlanshipAdmin;
const requests: RequestRecord[] = [];

before(async () => {
  server = await startServer({ profile: 'hosted', catalog: testCatalog(), onRequest: (record) => requests.push(record) });
  admin = new PlanshipAdmin(PRODUCT, PRODUCT_CLIENT, { baseUrl: server.url, api: 'planship' });
});
after(() => server.close());

async function customer(plan?: string) {
  const externalId = `hosted-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const created = await admin.createCustomer({ alternativeId: externalId, name: 'Hosted Customer', email: `${externalId}@example.com` });
  if (plan) await backendCall(server.url, 'POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { customer_id: created.id });
  return { id: created.id, externalId };
}

const isUnsupported = (operation: string) => (error: unknown) =>
  error instanceof PlanshipApiError && error.kind === 'unsupported' && error.message.startsWith(operation) && /planship-portal server/.test(error.message);

describe('PlanshipAdmin on hosted Planship', () => {
  it('finds a customer by external id (a checked GET by alternative id); a uuid is not an external id', async () => {
    const c = await customer();
    assert.equal((await admin.getCustomerByExternalId(c.externalId)).id, c.id);
    await assert.rejects(admin.getCustomerByExternalId(c.id), (error: PlanshipApiError) => error.kind === 'not_found');
    await assert.rejects(admin.getCustomerByExternalId('nobody-here'), (error: PlanshipApiError) => error.kind === 'not_found');
  });

  it('composes the customer state of its product: active subscriptions with plans, entitlements, usage of every metered lever', async () => {
    const c = await customer('pro');
    await backendCall(server.url, 'POST', `/api/v1/customers/${c.id}/products/${PRODUCT}/usage/api-calls`, { usage: 12 });
    for (const state of [await admin.getCustomerState(c.id), await admin.getCustomerStateByExternalId(c.externalId)]) {
      assert.equal(state.id, c.id);
      assert.deepEqual(state.activeSubscriptions.map((subscription) => [subscription.plan.slug, subscription.planDetails.slug]), [['pro', 'pro']]);
      assert.ok(state.activeSubscriptions[0].planDetails.entitlements.length > 0);
      const entitlements = (await backendCall(server.url, 'GET', `/api/v1/customers/${c.id}/products/${PRODUCT}/entitlements`)).body;
      assert.deepEqual(state.entitlements, { [PRODUCT]: entitlements });
      assert.deepEqual(Object.keys(state.usage[PRODUCT]).sort(), ['ai-insights', 'api-burst', 'api-calls']);
      assert.equal(state.usage[PRODUCT]['api-calls'].total, 12);
    }
  });

  it('leaves ended subscriptions out of the state; reads each lever for its metering ids, unless the list says its type', async () => {
    const c = await customer('starter');
    const subscriptionsPath = `/api/v1/customers/${c.id}/subscriptions`;
    const [ended] = (await backendCall(server.url, 'GET', subscriptionsPath)).body as { subscription_id: string }[];
    assert.equal((await backendCall(server.url, 'PATCH', `${subscriptionsPath}/${ended.subscription_id}`, { is_active: false })).status, 200);
    await backendCall(server.url, 'POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: c.id });
    const leverReads = () => requests.filter((record) => /\/levers\/[^/]+$/.test(record.path)).length;
    const before_ = leverReads();
    const state = await admin.getCustomerState(c.id);
    assert.deepEqual(state.activeSubscriptions.map((subscription) => subscription.plan.slug), ['pro']);
    assert.deepEqual(Object.keys(state.usage[PRODUCT]).sort(), ['ai-insights', 'api-burst', 'api-calls']);
    // Hosted Planship's lever list has no type: each lever is read for its metering ids.
    assert.equal(leverReads() - before_, 8, 'each lever read');
    // Our extended server's list says each lever's type: no lever read.
    const extendedRequests: RequestRecord[] = [];
    const extended = await startServer({ catalog: testCatalog(), onRequest: (record) => extendedRequests.push(record) });
    try {
      const typed = new PlanshipAdmin(PRODUCT, PRODUCT_CLIENT, { baseUrl: extended.url, api: 'planship' });
      const created = await typed.createCustomer({ alternativeId: 'typed-levers' });
      await backendCall(extended.url, 'POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: created.id });
      const composed = await typed.getCustomerState(created.id);
      assert.deepEqual(Object.keys(composed.usage[PRODUCT]).sort(), ['ai-insights', 'api-burst', 'api-calls']);
      assert.equal(extendedRequests.filter((record) => /\/levers\/[^/]+$/.test(record.path)).length, 0, 'the list gave every type: no lever read');
    } finally {
      await extended.close();
    }
  });

  it('deletes by external id (find, then delete by id); anonymize is unsupported', async () => {
    const c = await customer('starter');
    await assert.rejects(admin.deleteCustomerByExternalId(c.externalId, { anonymize: true }), isUnsupported('deleteCustomerByExternalId with anonymize'));
    const deleted = await admin.deleteCustomerByExternalId(c.externalId);
    assert.equal(deleted.id, c.id);
    await assert.rejects(admin.getCustomer(c.id), (error: PlanshipApiError) => error.kind === 'not_found');
  });

  it('list, iterate, update, export and customer tokens fail as unsupported, naming the operation, with no request sent', async () => {
    const c = await customer();
    const before_ = requests.length;
    await assert.rejects(admin.listCustomers(), isUnsupported('listCustomers'));
    await assert.rejects(admin.iterateCustomers().next(), isUnsupported('iterateCustomers'));
    await assert.rejects(admin.updateCustomer(c.id, { name: 'x' }), isUnsupported('updateCustomer'));
    await assert.rejects(admin.updateCustomerByExternalId(c.externalId, { name: 'x' }), isUnsupported('updateCustomerByExternalId'));
    await assert.rejects(admin.exportCustomers(), isUnsupported('exportCustomers'));
    await assert.rejects(admin.exportCustomersStream(), isUnsupported('exportCustomersStream'));
    await assert.rejects(admin.createCustomerToken(c.id), isUnsupported('createCustomerToken'));
    await assert.rejects(admin.deleteCustomer(c.id, { anonymize: true }), isUnsupported('deleteCustomer with anonymize'));
    assert.equal(requests.length, before_);
  });

  it('told it is our server but pointed at one without the routes: unsupported, never a bare 404', async () => {
    const unaware = new PlanshipAdmin(PRODUCT, PRODUCT_CLIENT, { baseUrl: server.url });
    assert.equal(unaware.hosted, false);
    await assert.rejects(unaware.listCustomers(), isUnsupported('listCustomers'));
    await assert.rejects(unaware.getCustomerByExternalId('x'), isUnsupported('getCustomerByExternalId'));
    await assert.rejects(unaware.createCustomerToken((await customer()).id), isUnsupported('createCustomerToken'));
  });

  it('talks to hosted Planship by default for api.planship.io', () => {
    assert.equal(new PlanshipAdmin(PRODUCT, PRODUCT_CLIENT).hosted, true);
    assert.equal(new PlanshipAdmin(PRODUCT, PRODUCT_CLIENT, { baseUrl: 'https://billing.example.com', api: 'planship' }).hosted, true);
  });
});
