// The client in real Chromium: native fetch and WebSocket, a customer-scoped token from the
// host backend, and live entitlements that follow a change made by the backend.
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { PlanshipApiError, PlanshipAuthError, PlanshipCustomer, type ConnectionState, type Entitlements } from '../../src/client/index.ts';
import { PRODUCT, admin, createCustomer, reportUsage, serverInfo, tokenGetter } from './helpers.ts';

describe('PlanshipCustomer in the browser', () => {
  const clients: PlanshipCustomer[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.dispose()));

  async function browserClient(plan = 'pro') {
    const { url, wsUrl } = await serverInfo();
    const customerId = await createCustomer({ plan });
    const getter = tokenGetter(customerId);
    const client = new PlanshipCustomer(PRODUCT, customerId, url, getter, wsUrl);
    clients.push(client);
    return { client, customerId, getter };
  }

  it('getEntitlements with a callback follows an admin usage report over the native WebSocket', async () => {
    const { client, customerId } = await browserClient('pro');
    const states: ConnectionState[] = [];
    client.addEventListener('planship-connection', (event) => states.push(event.state));
    const updates: Entitlements[] = [];
    const first = await client.getEntitlements((entitlements) => updates.push(entitlements));
    expect(first['api-calls']).to.equal(100000);
    await waitUntil(() => client.connectionState === 'live', 'the socket did not go live');

    const answer = await reportUsage(customerId, 'api-calls', 1234);
    expect(answer.status).to.equal(200);
    await waitUntil(() => updates.at(-1)?.['api-calls'] === 100000 - 1234, 'the callback did not get the new value');
    expect(client.entitlements?.['api-calls']).to.equal(100000 - 1234);
    expect(states).to.deep.equal(['connecting', 'live']);
  });

  it('a period reset pushes a frame over the native WebSocket (own server, whose clock this test moves)', async () => {
    // A server of its own: moving the shared server's clock would expire other files' tokens.
    const own = await executeServerCommand<{ url: string; wsUrl: string }, object>('planship-own-server', {});
    const call = (method: string, path: string, body?: unknown) =>
      executeServerCommand<{ status: number; body: any }, object>('planship-admin', { method, path, body, server: own.url });
    const created = await call('POST', '/api/v1/customers', { name: 'Period reset' });
    await call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: created.body.id });
    await call('POST', `/api/v1/customers/${created.body.id}/products/${PRODUCT}/usage/api-calls`, { usage: 500 });
    const getter = () =>
      executeServerCommand<string, object>('planship-customer-token', { customerId: created.body.id, server: own.url });
    const client = new PlanshipCustomer(PRODUCT, created.body.id, getter, { baseUrl: own.url, webSocketUrl: own.wsUrl });
    clients.push(client);
    const updates: Entitlements[] = [];
    expect((await client.getEntitlements((entitlements) => updates.push(entitlements)))['api-calls']).to.equal(100000 - 500);
    await waitUntil(() => client.connectionState === 'live', 'the socket did not go live');
    const moved = await call('POST', '/__emulator/clock', { advance_seconds: 32 * 86_400 });
    expect(moved.status).to.equal(200);
    await waitUntil(() => updates.at(-1)?.['api-calls'] === 100000, 'no frame with the reset monthly usage');
  });

  it('mutations from the page (POST with Idempotency-Key, PATCH) pass CORS and fire planship-change', async () => {
    const { client } = await browserClient('starter');
    const changes: string[][] = [];
    client.addEventListener('planship-change', (event) => changes.push([...event.resources].sort()));
    const [subscription] = await client.listSubscriptions();
    const changed = await client.changeSubscriptionPlan(subscription.subscriptionId, 'pro');
    expect(changed.plan.slug).to.equal('pro');
    expect(changed.renewAt).to.be.instanceOf(Date);
    const { client: newcomer } = await browserClient('');
    newcomer.addEventListener('planship-change', (event) => changes.push([...event.resources].sort()));
    const created = await newcomer.createSubscription('starter');
    expect(created.plan.slug).to.equal('starter');
    expect(changes).to.deep.equal([
      ['entitlements', 'subscriptions', 'usage'],
      ['entitlements', 'subscriptions', 'usage'],
    ]);
  });

  it('N concurrent reads cause one token getter call', async () => {
    const { client, getter } = await browserClient('free');
    await Promise.all([client.getProduct(), client.listPlans(), client.listSubscriptions(), client.getEntitlements()]);
    expect(getter.calls).to.equal(1);
  });

  it('errors are typed in the browser too', async () => {
    const { client } = await browserClient('free');
    let error: unknown;
    try {
      await client.getPlan('no-such-plan');
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(PlanshipApiError);
    expect((error as PlanshipApiError).kind).to.equal('not_found');
    expect((error as PlanshipApiError).status).to.equal(404);
  });

  it('refuses client credentials in a page unless dangerouslyAllowBrowser is set', async () => {
    const { url } = await serverInfo();
    const credentials = { clientId: 'demo-client', clientSecret: 'demo-secret' };
    expect(() => new PlanshipCustomer(PRODUCT, 'ada@example.com', url, 'demo-client', 'demo-secret')).to.throw(PlanshipAuthError);
    let refusal: unknown;
    try {
      new PlanshipCustomer(PRODUCT, 'ada@example.com', credentials, { baseUrl: url });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).to.be.instanceOf(PlanshipAuthError);
    expect((refusal as PlanshipAuthError).kind).to.equal('auth');
    expect((refusal as Error).message).to.match(/browser/).and.to.match(/dangerouslyAllowBrowser/);
    expect((refusal as Error).message).to.not.contain('demo-secret');
    const allowed = new PlanshipCustomer(PRODUCT, 'ada@example.com', credentials, { baseUrl: url, dangerouslyAllowBrowser: true });
    expect((await allowed.getProduct()).slug).to.equal(PRODUCT);
    // A token getter is what a page should use: no guard.
    expect(new PlanshipCustomer(PRODUCT, 'ada@example.com', async () => 'token', { baseUrl: url }).customerId).to.equal('ada@example.com');
  });

  it('resolves relative URLs against the page (its base URL): the API base and the socket', () => {
    // A <base> for this test only, so "against the page" differs from "against the origin".
    const base = Object.assign(document.createElement('base'), { href: '/account/' });
    document.head.prepend(base);
    const ws = location.origin.replace(/^http/, 'ws');
    try {
      const rooted = new PlanshipCustomer(PRODUCT, 'c', async () => 't', { baseUrl: '/planship/' });
      expect(rooted.baseUrl).to.equal(`${location.origin}/planship`);
      expect(rooted.webSocketUrl).to.equal(`${ws}/planship`);
      const relative = new PlanshipCustomer(PRODUCT, 'c', async () => 't', { baseUrl: 'planship', webSocketUrl: '/live' });
      expect(relative.baseUrl).to.equal(`${location.origin}/account/planship`);
      expect(relative.webSocketUrl).to.equal(`${ws}/live`);
    } finally {
      base.remove();
    }
  });

  describe('live frames over the native WebSocket', () => {
    /** A client listening live, with every entitlements update it heard. */
    async function liveClient(plan?: string) {
      const { client, customerId } = await browserClient(plan ?? ''); // '' = no subscription
      const updates: Entitlements[] = [];
      const states: ConnectionState[] = [];
      client.addEventListener('planship-connection', (event) => states.push(event.state));
      await client.getEntitlements((entitlements) => updates.push(entitlements));
      await waitUntil(() => client.connectionState === 'live', 'the socket did not go live', { timeout: 5000 });
      const pushed = (check: (entitlements: Entitlements) => boolean, what: string) =>
        waitUntil(() => updates.length && check(updates.at(-1)!), `no push: ${what}`, { timeout: 5000 });
      return { client, customerId, updates, states, pushed };
    }
    const subscriptionsOf = async (customerId: string) => (await admin('GET', `/api/v1/customers/${customerId}/subscriptions`)).body;

    it('subscription created by the backend', async () => {
      const { customerId, pushed } = await liveClient();
      await pushed((e) => e['api-calls'] === 0 && e.sso === false, 'defaults first');
      const created = await admin('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: customerId });
      expect(created.status).to.equal(200);
      await pushed((e) => e['api-calls'] === 100000 && e.sso === true, 'the pro entitlements');
    });

    it('subscription deactivated (is_active false), then resumed', async () => {
      const { customerId, pushed } = await liveClient('pro');
      const [subscription] = await subscriptionsOf(customerId);
      const path = `/api/v1/customers/${customerId}/subscriptions/${subscription.subscription_id}`;
      expect((await admin('PATCH', path, { is_active: false })).status).to.equal(200);
      await pushed((e) => e['api-calls'] === 0 && e.sso === false, 'the defaults');
      expect((await admin('PATCH', path, { is_active: true })).status).to.equal(200);
      await pushed((e) => e['api-calls'] === 100000 && e.sso === true, 'the pro entitlements again');
    });

    it('member added to and removed from a team subscription', async () => {
      const owner = await createCustomer({ plan: 'business' });
      const { customerId, pushed } = await liveClient();
      const [team] = await subscriptionsOf(owner);
      const members = `/api/v1/customers/${owner}/subscriptions/${team.subscription_id}/customers`;
      expect((await admin('POST', members, { customer_id: customerId })).status).to.equal(200);
      await pushed((e) => e.sso === true, "the team's entitlements");
      expect((await admin('DELETE', `${members}/${customerId}`)).status).to.equal(200);
      await pushed((e) => e.sso === false && e['api-calls'] === 0, 'the defaults after removal');
    });

    it('customer deleted: the socket gets the default entitlements and the client ends closed', async () => {
      const { client, customerId, pushed, states } = await liveClient('pro');
      await pushed((e) => e.sso === true, 'pro first');
      const deleted = await admin('DELETE', `/api/v1/customers/${customerId}`);
      expect(deleted.status).to.equal(200);
      await pushed((e) => e.sso === false && e['api-calls'] === 0, 'the defaults');
      await waitUntil(() => client.connectionState === 'closed', 'the client did not close', { timeout: 5000 });
      expect(states.at(-1)).to.equal('closed');
      expect(states).to.not.include('reconnecting');
    });
  });
});
