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

describe('members as a customer sees them', () => {
  it('emails of teammates only for administrators; one\'s own always', async () => {
    const owner = await api.createCustomer({ plan: 'pro', maxSubscribers: 3 });
    const member = await api.createCustomer();
    await api.admin('POST', `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`, { customer_id: member.id });
    const membersPath = (customer: string) => `/api/v1/customers/${customer}/subscriptions/${owner.subscriptionId}/customers`;
    const seenBy = async (viewer: string) => {
      const answer = await api.call('GET', membersPath(viewer), { token: await api.customerToken(viewer) });
      return Object.fromEntries(answer.body.map((row: any) => [row.customer.id, row.customer.email]));
    };
    const emailOf = async (customer: string) => (await api.admin('GET', `/api/v1/customers/${customer}`)).body.email;
    const [ownerEmail, memberEmail] = [await emailOf(owner.id), await emailOf(member.id)];
    assert.deepEqual(await seenBy(owner.id), { [owner.id]: ownerEmail, [member.id]: memberEmail }, 'the administrator');
    assert.deepEqual(await seenBy(member.id), { [owner.id]: undefined, [member.id]: memberEmail }, 'a member');
  });
});

describe('seats on a plan change (customer token)', () => {
  it('50 seats on business cannot move to free at renewal; a move now takes free\'s limit', async () => {
    const customer = await api.createCustomer({ plan: 'business', maxSubscribers: 50 });
    const token = await api.customerToken(customer.id);
    const path = `/api/v1/customers/me/subscriptions/${customer.subscriptionId}`;
    for (const body of [{ renew_plan_slug: 'free' }, { plan_slug: 'free', max_subscribers: 50 }]) {
      const answer = await api.call('PATCH', path, { token, body });
      assert.equal(answer.status, 422, answer.text);
      assert.deepEqual(answer.body.detail[0].loc, ['body', Object.keys(body).at(-1)]);
      assert.match(answer.body.detail[0].msg, /at most 1 seat, not 50: set max_subscribers to 1 or fewer/);
    }
    const state = (await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`)).body;
    assert.deepEqual([state.plan.slug, state.renew_plan.slug, state.max_subscribers], ['business', 'business', 50], 'nothing changed');
    const now = await api.call('PATCH', path, { token, body: { plan_slug: 'free' } });
    assert.equal(now.status, 200, now.text);
    assert.deepEqual([now.body.plan.slug, now.body.max_subscribers], ['free', 1]);
  });
});

describe('seats over the plan a subscription renews on (customer token)', () => {
  it('5 seats on Pro (limit 10) renewing on Starter (limit 3): refused, naming Starter and the renewal day', async () => {
    const customer = await api.createCustomer({ plan: 'pro', maxSubscribers: 3 });
    const token = await api.customerToken(customer.id);
    const path = `/api/v1/customers/me/subscriptions/${customer.subscriptionId}`;
    assert.equal((await api.call('PATCH', path, { token, body: { renew_plan_slug: 'starter' } })).status, 200);
    const answer = await api.call('PATCH', path, { token, body: { max_subscribers: 5 } });
    assert.equal(answer.status, 422, answer.text);
    const renewAt: string = (await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`)).body.renew_at;
    assert.deepEqual(answer.body.detail, [
      {
        loc: ['body', 'max_subscribers'],
        msg: `Your subscription renews on the starter plan on ${new Date(renewAt).toISOString().slice(0, 10)}, which allows at most 3 seats, not 5: set max_subscribers to 3 or fewer (in the same change, or first).`,
        type: 'less_than_equal_at_renewal',
        ctx: { le: 3 },
      },
    ]);
  });
});

describe('JSON types (hosted Planship would coerce them; the policy refuses them first)', () => {
  it('a wrong type is a 422 by field before any rule looks at the value', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const token = await api.customerToken(customer.id);
    const path = `/api/v1/customers/me/subscriptions/${customer.subscriptionId}`;
    // Without the type check the plan rule would answer first (403 for enterprise).
    const answer = await api.call('PATCH', path, { token, body: { plan_slug: 'enterprise', is_active: 'true', max_subscribers: '1000' } });
    assert.equal(answer.status, 422, answer.text);
    assert.deepEqual(
      answer.body.detail.map((issue: any) => [issue.loc.join('.'), issue.type]),
      [['body.is_active', 'bool_type'], ['body.max_subscribers', 'int_type']],
    );
    const create = await subscribe(await api.customerToken((await api.createCustomer()).id), 'enterprise');
    assert.equal(create.status, 403, 'well-typed: the plan rule answers');
  });
});

describe('leaving a subscription', () => {
  it("a non-administrator whose alternative id is another member's uuid leaves itself, not that member", async () => {
    const owner = await api.createCustomer({ plan: 'pro' });
    const victim = await api.createCustomer();
    const tricky = await api.admin('POST', '/api/v1/customers', { alternative_id: victim.id, name: 'Tricky' });
    assert.equal(tricky.status, 200, tricky.text);
    const team = `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`;
    for (const member of [victim.id, tricky.body.id]) assert.equal((await api.admin('POST', team, { customer_id: member })).status, 200);

    const answer = await api.call('DELETE', `/api/v1/customers/me/subscriptions/${owner.subscriptionId}/customers/${victim.id}`, {
      token: await api.customerToken(tricky.body.id),
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.customer_id, tricky.body.id, 'the caller left');
    const members = (await api.admin('GET', team)).body.map((member: any) => member.customer_id).sort();
    assert.deepEqual(members, [owner.id, victim.id].sort(), 'the other member stays');
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
