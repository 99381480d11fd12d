// The client in real Chromium: native fetch and WebSocket, a customer-scoped token from the
// host backend, and live entitlements that follow a change made by the backend.
import { expect, waitUntil } from '@open-wc/testing';
import { PlanshipApiError, PlanshipAuthError, PlanshipCustomer, type ConnectionState, type Entitlements } from '../../src/client/index.ts';
import { PRODUCT, createCustomer, reportUsage, serverInfo, tokenGetter } from './helpers.ts';

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

  it('mutations from the page (POST with Idempotency-Key, PATCH) pass CORS and fire planship-change', async () => {
    const { client } = await browserClient('starter');
    const changes: string[][] = [];
    client.addEventListener('planship-change', (event) => changes.push([...event.resources].sort()));
    const record = await client.reportUsage('api-calls', 5);
    expect(record.usage).to.equal(5);
    const [subscription] = await client.listSubscriptions();
    const changed = await client.changeSubscriptionPlan(subscription.subscriptionId, 'pro');
    expect(changed.plan.slug).to.equal('pro');
    expect(changed.renewAt).to.be.instanceOf(Date);
    expect(changes).to.deep.equal([
      ['entitlements', 'usage'],
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
    expect(() => new PlanshipCustomer(PRODUCT, 'ada@example.com', url, 'demo-client', 'demo-secret')).to.throw(PlanshipAuthError);
    const allowed = new PlanshipCustomer(PRODUCT, 'ada@example.com', { clientId: 'x', clientSecret: 'y' }, { baseUrl: url, dangerouslyAllowBrowser: true });
    expect(allowed.customerId).to.equal('ada@example.com');
  });
});
