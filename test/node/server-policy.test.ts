// The customer policy on our server (customer tokens): one active subscription of one's own per
// product, resume that cannot make a second one, `me` as the customer, and the hosted profile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

const subscribe = (token: string, plan: string) =>
  api.call('POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { token, body: { customer_id: 'me' } });

const activeOf = async (customerId: string) =>
  (await api.admin('GET', `/api/v1/customers/${customerId}/subscriptions`)).body.filter((subscription: any) => subscription.is_active);

describe('one subscription of its own per product', () => {
  it('a second subscribe is a 409 that says what to do instead', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const answer = await subscribe(await api.customerToken(customer.id), 'pro');
    assert.equal(answer.status, 409);
    assert.match(answer.body.detail, /change its plan instead/);
    assert.equal((await activeOf(customer.id)).length, 1);
  });

  it('20 racing subscribe requests from one customer create exactly one subscription', async () => {
    const customer = await api.createCustomer();
    const token = await api.customerToken(customer.id);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => subscribe(token, index % 2 ? 'pro' : 'starter')));
    assert.equal(answers.filter((answer) => answer.status === 200).length, 1);
    assert.equal(answers.filter((answer) => answer.status === 409).length, 19);
    assert.equal((await activeOf(customer.id)).length, 1);
  });

  it('cancel, subscribe again elsewhere, then resume: refused, one active subscription remains', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const token = await api.customerToken(customer.id);
    const path = `/api/v1/customers/me/subscriptions/${customer.subscriptionId}`;
    assert.equal((await api.call('PATCH', path, { token, body: { is_active: false } })).status, 200, 'ended at once');
    assert.equal((await subscribe(token, 'pro')).status, 200, 'a new one once the old one ended');
    const resume = await api.call('PATCH', path, { token, body: { is_active: true } });
    assert.equal(resume.status, 409);
    assert.match(resume.body.detail, /bill you twice/);
    assert.deepEqual((await activeOf(customer.id)).map((subscription: any) => subscription.plan.slug), ['pro']);
  });

  it('a team membership does not count: a member may still subscribe for itself', async () => {
    const owner = await api.createCustomer({ plan: 'pro' });
    const member = await api.createCustomer();
    await api.admin('POST', `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`, { customer_id: member.id });
    assert.equal((await subscribe(await api.customerToken(member.id), 'starter')).status, 200);
  });
});

describe('customer references', () => {
  it('`me`, the uuid and the alternative id all name the token\'s customer; nobody else', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const other = await api.createCustomer({ plan: 'free' });
    const token = await api.customerToken(customer.id);
    for (const reference of ['me', customer.id, customer.id.toUpperCase(), encodeURIComponent(customer.alternativeId)]) {
      const answer = await api.call('GET', `/api/v1/customers/${reference}/products/${PRODUCT}/entitlements`, { token });
      assert.equal(answer.status, 200, reference);
    }
    for (const reference of [other.id, encodeURIComponent(other.alternativeId), 'ME']) {
      assert.equal((await api.call('GET', `/api/v1/customers/${reference}/subscriptions`, { token })).status, 403, reference);
    }
  });

  it('product credentials have no `me`', async () => {
    assert.equal((await api.admin('GET', '/api/v1/customers/me/subscriptions')).status, 404);
  });
});

describe('hosted profile', () => {
  it('has only the routes hosted Planship has: no customer tokens, no customer management', async () => {
    const hosted = await startTestServer({ profile: 'hosted' });
    try {
      const customer = await hosted.createCustomer({ plan: 'pro' });
      assert.equal((await hosted.admin('POST', '/api/v1/auth/customer-token', { customer_id: customer.id })).status, 404);
      assert.equal((await hosted.admin('GET', '/api/v1/customers')).status, 405, 'no customer list (only POST /customers)');
      assert.equal((await hosted.admin('GET', '/api/v1/customers/export')).status, 404, 'export is not a route: "export" is a customer id');
      assert.equal((await hosted.admin('PATCH', `/api/v1/customers/${customer.id}`, { name: 'x' })).status, 405);
      assert.equal((await hosted.admin('GET', `/api/v1/customers/${customer.id}/state`)).status, 404);
      assert.equal((await hosted.admin('GET', `/api/v1/customers/external/${encodeURIComponent(customer.alternativeId)}`)).status, 404);
      for (const path of [`/api/v1/customers/${customer.id}`, `/api/v1/customers/${customer.id}/subscriptions`, `/api/v1/products/${PRODUCT}/plans`]) {
        assert.equal((await hosted.admin('GET', path)).status, 200, path);
      }
    } finally {
      await hosted.server.close();
    }
  });

  it('honours only Planship\'s scopes (customers:read grants nothing there)', async () => {
    const hosted = await startTestServer({ profile: 'hosted' });
    try {
      const customer = await hosted.createCustomer();
      const reporting = 'Basic ' + Buffer.from('reporting-client:reporting-secret').toString('base64');
      assert.equal((await hosted.call('GET', `/api/v1/customers/${customer.id}`, { authorization: reporting })).status, 403);
      assert.equal((await hosted.call('GET', `/api/v1/customers/${customer.id}/subscriptions`, { authorization: reporting })).status, 200);
    } finally {
      await hosted.server.close();
    }
  });

  it('refuses an unknown profile', async () => {
    await assert.rejects(startTestServer({ profile: 'cloud' as 'hosted' }), /profile must be/);
  });
});
