// The demo host backend (demo/backend.ts) shows the real pattern with PlanshipAdmin: find the
// customer by the host's user id, create it when missing, mint a customer-scoped token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDemoBackend } from '../../demo/backend.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { CREDENTIALS, PRODUCT, admin, startTestServer } from './client-helpers.ts';

let server: RunningServer;
let backend: Awaited<ReturnType<typeof startDemoBackend>>;

before(async () => {
  server = await startTestServer();
  backend = await startDemoBackend({ apiUrl: server.url, productSlug: PRODUCT, ...CREDENTIALS });
});
after(async () => {
  await backend.close();
  await server.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(backend.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** Whether a customer token belongs to this customer (uuid), asked of the API with the token itself. */
async function tokenOwns(token: string, customerId: string): Promise<boolean> {
  const response = await fetch(`${server.url}/api/v1/customers/${customerId}/subscriptions`, { headers: { authorization: `Bearer ${token}` } });
  return response.status === 200;
}

describe('demo backend', () => {
  it('GET /api/demo/users lists the demo users; an unknown user is 401', async () => {
    const users = await call('GET', '/api/demo/users');
    assert.equal(users.status, 200);
    assert.ok(users.body.some((user: any) => user.id === 'ada@example.com'));
    assert.equal((await call('GET', '/api/planship/token?user=mallory@example.com')).status, 401);
  });

  it('GET /api/planship/token finds the existing customer by external id and mints a token for it', async () => {
    const ada = (await admin(server, 'GET', '/api/v1/customers/external/ada%40example.com')).body;
    const minted = await call('GET', '/api/planship/token?user=ada%40example.com');
    assert.equal(minted.status, 200);
    assert.equal(minted.body.expires_in, 900);
    assert.ok(await tokenOwns(minted.body.access_token, ada.id));
    // The token is scoped to Ada: another customer is out of reach.
    const other = await fetch(`${server.url}/api/v1/customers/grace%40example.com/subscriptions`, { headers: { authorization: `Bearer ${minted.body.access_token}` } });
    assert.equal(other.status, 403);
  });

  it('creates the customer on the first visit (once, even for concurrent first requests)', async () => {
    const before_ = (await admin(server, 'GET', '/api/v1/customers/external/newcomer%40example.com')).body;
    assert.equal((await admin(server, 'DELETE', `/api/v1/customers/${before_.id}`)).status, 200);
    const tokens = await Promise.all([1, 2, 3].map(() => call('GET', '/api/planship/token?user=newcomer%40example.com')));
    assert.deepEqual(tokens.map((answer) => answer.status), [200, 200, 200]);
    const created = (await admin(server, 'GET', '/api/v1/customers/external/newcomer%40example.com')).body;
    assert.notEqual(created.id, before_.id);
    assert.equal(created.name, 'New Customer');
    assert.equal(created.email, 'newcomer@example.com');
    for (const answer of tokens) assert.ok(await tokenOwns(answer.body.access_token, created.id));
    const listed = await admin(server, 'GET', '/api/v1/customers?email=newcomer%40example.com');
    assert.equal(listed.body.pagination.total_count, 1, 'one customer, not three');
  });

  it('POST /api/demo/usage reports usage; POST /api/demo/checkout changes the plan; API errors keep their status', async () => {
    const grace = (await admin(server, 'GET', '/api/v1/customers/external/grace%40example.com')).body;
    const usage = await call('POST', '/api/demo/usage?user=grace%40example.com', { metering_id: 'ai-insights', usage: 2 });
    assert.equal(usage.status, 200);
    assert.equal(usage.body.usage, 2);
    const state = await admin(server, 'GET', `/api/v1/customers/${grace.id}/state`);
    assert.equal(state.body.usage[PRODUCT]['ai-insights'].total, 2);
    const subscription = state.body.active_subscriptions[0];
    const target = subscription.plan.slug === 'business' ? 'pro' : 'business';
    const checkout = await call('POST', '/api/demo/checkout?user=grace%40example.com', { subscription_id: subscription.subscription_id, plan_slug: target });
    assert.equal(checkout.status, 200);
    assert.equal(checkout.body.plan.slug, target);
    const enterprise = await call('POST', '/api/demo/checkout?user=grace%40example.com', { subscription_id: subscription.subscription_id, plan_slug: 'enterprise' });
    assert.equal(enterprise.status, 403, 'a plan that is not self-serve is not sold through checkout');
    const unknown = await call('POST', '/api/demo/usage?user=grace%40example.com', { metering_id: 'no-such-meter', usage: 1 });
    assert.equal(unknown.status, 404);
  });
});
