// Every client method against the real local server, through the options form and both seed
// constructors; answers are camelCase models with Date fields.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/index.ts';
import { PlanshipApiError, PlanshipCustomer, PlanshipProduct } from '../../src/client/index.ts';
import { CREDENTIALS, PRODUCT, customerClient, customerToken, freshCustomer, productClient, recordingFetch, startTestServer } from './client-helpers.ts';
import { fromWire } from '../../src/client/models.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('PlanshipProduct methods', () => {
  it('getAccessToken exchanges the client credentials for a TokenResponse', async () => {
    const token = await productClient(server).getAccessToken();
    assert.equal(typeof token.accessToken, 'string');
    assert.ok(token.accessToken.length > 10);
    assert.equal(token.tokenType, 'bearer');
    assert.equal(token.expiresIn, 3600);
  });

  it('getProduct, listPlans, getPlan and listLevers return the catalog in camelCase', async () => {
    const client = productClient(server);
    const product = await client.getProduct();
    assert.equal(product.slug, PRODUCT);
    assert.equal(product.name, 'Acme Analytics');
    assert.match(product.organizationId, /^[0-9a-f-]{36}$/);

    const plans = await client.listPlans();
    assert.deepEqual(
      plans.map((plan) => plan.slug),
      ['free', 'starter', 'pro', 'business', 'enterprise', 'legacy-2019'],
    );
    assert.equal(plans[2].isSelfServe, true);

    const pro = await client.getPlan('pro');
    assert.equal(pro.name, 'Pro');
    const apiCalls = pro.entitlements.find((entitlement) => entitlement.leverSlug === 'api-calls');
    assert.equal(apiCalls?.value, 100000);
    assert.equal(typeof apiCalls?.formattedValue, 'string');
    assert.equal(apiCalls?.leverName, 'API calls per month');

    const levers = await client.listLevers();
    const sso = levers.find((lever) => lever.slug === 'sso');
    assert.equal(sso?.defaultValue, 'false');
    assert.equal(sso?.type, 'boolean');
  });

  it('createCustomer, getCustomer (by id and alternative id) and deleteCustomer', async () => {
    const client = productClient(server);
    const created = await client.createCustomer({
      alternativeId: 'api-test-customer',
      name: 'Api Test',
      email: 'api-test@example.com',
      metadata: { plan_source: 'test', nested_key: { keep_me: 1 } },
    });
    assert.equal(created.alternativeId, 'api-test-customer');
    assert.deepEqual(created.metadata, { plan_source: 'test', nested_key: { keep_me: 1 } }, 'metadata keys are data: not camelCased');
    assert.deepEqual(created.subscriptions, []);

    const byId = await client.getCustomer(created.id);
    assert.equal(byId.email, 'api-test@example.com');
    assert.ok(byId.createdAt instanceof Date);
    const byAlternativeId = await client.getCustomer('api-test-customer');
    assert.equal(byAlternativeId.id, created.id);

    const deleted = await client.deleteCustomer(created.id);
    assert.equal(deleted.id, created.id);
    await assert.rejects(client.getCustomer(created.id), (error: PlanshipApiError) => error.status === 404 && error.kind === 'not_found');
  });

  it('createCustomer() with no params sends {} and gets a customer', async () => {
    const customer = await productClient(server).createCustomer();
    assert.match(customer.id, /^[0-9a-f-]{36}$/);
  });
});

describe('PlanshipCustomer methods', () => {
  let customerId: string;
  let client: PlanshipCustomer;
  let subscriptionId: string;

  before(async () => {
    customerId = await freshCustomer(server, 'starter');
    client = customerClient(server, customerId);
  });
  after(() => client.dispose());

  it('listSubscriptions and getSubscription return CustomerSubscriptionWithPlan with dates', async () => {
    const subscriptions = await client.listSubscriptions();
    assert.equal(subscriptions.length, 1);
    const [subscription] = subscriptions;
    subscriptionId = subscription.subscriptionId;
    assert.equal(subscription.customerId, customerId);
    assert.equal(subscription.plan.slug, 'starter');
    assert.equal(subscription.isAdministrator, true);
    assert.ok(subscription.renewAt instanceof Date);
    assert.ok(subscription.lastRenewedAt instanceof Date);

    const one = await client.getSubscription(subscriptionId);
    assert.equal(one.subscriptionId, subscriptionId);
    assert.equal(one.renewPlan.slug, 'starter');

    const filtered = await client.listSubscriptions({ productSlug: 'markup-product' });
    assert.deepEqual(filtered, []);
  });

  it('changeSubscriptionPlan, changeSubscriptionRenewPlan, changeSubscriptionMaxSubscribers', async () => {
    const planChanged = await client.changeSubscriptionPlan(subscriptionId, 'pro');
    assert.equal(planChanged.plan.slug, 'pro');
    const renewChanged = await client.changeSubscriptionRenewPlan(subscriptionId, 'starter');
    assert.equal(renewChanged.plan.slug, 'pro');
    assert.equal(renewChanged.renewPlan.slug, 'starter');
    const seats = await client.changeSubscriptionMaxSubscribers(subscriptionId, 4);
    assert.equal(seats.maxSubscribers, 4);
    assert.equal(seats.renewPlan.slug, 'starter', 'a partial update keeps the scheduled change');
  });

  it('setSubscriptionAutoRenew and setSubscriptionIsActive (is_active is really sent)', async () => {
    assert.equal((await client.setSubscriptionAutoRenew(subscriptionId, false)).autoRenew, false);
    assert.equal((await client.setSubscriptionIsActive(subscriptionId, false)).isActive, false);
    assert.equal((await client.getSubscription(subscriptionId)).isActive, false);
    assert.equal((await client.setSubscriptionIsActive(subscriptionId, true)).isActive, true);
  });

  it('modifySubscription sends several fields at once, and renewPlanSlug null clears a scheduled change', async () => {
    const renewAt = new Date(Date.now() + 40 * 86_400_000);
    const modified = await client.modifySubscription(subscriptionId, { autoRenew: true, renewPlanSlug: null, renewAt });
    assert.equal(modified.autoRenew, true);
    assert.equal(modified.renewPlan.slug, modified.plan.slug);
    assert.equal(modified.renewAt?.toISOString(), renewAt.toISOString());
  });

  it('modifySubscription sends metadata as it is (keys are data), only when given', async () => {
    const recorder = recordingFetch();
    const recording = customerClient(server, customerId, { fetch: recorder });
    try {
      await recording.modifySubscription(subscriptionId, { autoRenew: false, metadata: { cancellation_reason: 'too_expensive', cancellation_comment: 'Too much' } });
      await recording.modifySubscription(subscriptionId, { autoRenew: true });
      assert.deepEqual(
        recorder.requests.filter((request) => request.method === 'PATCH').map((request) => request.body),
        [{ auto_renew: false, metadata: { cancellation_reason: 'too_expensive', cancellation_comment: 'Too much' } }, { auto_renew: true }],
      );
    } finally {
      recording.dispose();
    }
  });

  it('createSubscription maps its options to the wire and returns SubscriptionWithPlan', async () => {
    const created = await client.createSubscription('free', { maxSubscribers: 2, autoRenew: false, metadata: { source_app: 'tests' } });
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.plan.slug, 'free');
    assert.equal(created.maxSubscribers, 2);
    assert.equal(created.autoRenew, false);
    assert.ok(created.startAt instanceof Date);
    const listed = await client.listSubscriptions();
    assert.equal(listed.length, 2);
  });

  it('listSubscriptionCustomers, addSubscriptionCustomer (seed defaults) and removeSubscriptionCustomer', async () => {
    const member = await freshCustomer(server);
    const before = await client.listSubscriptionCustomers(subscriptionId);
    assert.equal(before.length, 1);
    assert.equal(before[0].plan.slug, 'pro');
    assert.equal(typeof before[0].plan.productId, 'string');

    const added = await client.addSubscriptionCustomer(subscriptionId, member);
    assert.equal(added.customerId, member);
    assert.equal(added.isAdministrator, false, 'default isAdministrator = false');
    assert.equal(added.isSubscriber, true, 'default isSubscriber = true');

    const admin = await freshCustomer(server);
    const withMetadata = await client.addSubscriptionCustomer(subscriptionId, admin, true, false, { team_role: 'owner' });
    assert.equal(withMetadata.isAdministrator, true);
    assert.equal(withMetadata.isSubscriber, false);
    assert.deepEqual(withMetadata.metadata, { team_role: 'owner' });
    assert.equal((await client.listSubscriptionCustomers(subscriptionId)).length, 3);

    const removed = await client.removeSubscriptionCustomer(subscriptionId, member);
    assert.equal(removed.customerId, member);
    assert.equal(removed.subscriptionId, subscriptionId);
    assert.equal((await client.listSubscriptionCustomers(subscriptionId)).length, 2);
  });

  it('getEntitlements, reportUsage, getLeverUsage and getMeteringIdUsage', async () => {
    const before = await client.getEntitlements();
    assert.equal(before['api-calls'], 100000);
    assert.equal(before.sso, true);
    assert.deepEqual(before['export-formats'], ['csv', 'json', 'parquet']);

    const record = await client.reportUsage('api-calls', 7, 'project_a');
    assert.equal(record.usage, 7);
    assert.equal(record.bucket, 'project_a');
    assert.equal(record.meteringId, 'api-calls');
    assert.equal(record.customerId, customerId);
    await client.reportUsage('api-calls', 3);

    const usage = await client.getLeverUsage('api-calls');
    assert.equal(usage.total, 10);
    assert.deepEqual(usage.byBucket, { project_a: 7, null: 3 }, 'bucket names are data: not camelCased');
    const bySubscription = usage.bySubscription[subscriptionId].reduce((sum, bucket) => sum + bucket.usage, 0);
    assert.equal(bySubscription, 10, 'subscription ids stay keys');

    const byMeteringId = await client.getMeteringIdUsage('api-calls');
    assert.deepEqual(Object.keys(byMeteringId).sort(), ['api-burst', 'api-calls']);
    assert.equal(byMeteringId['api-burst'].total, 10);

    const after = await client.getEntitlements();
    assert.equal(after['api-calls'], 100000 - 10);
  });

  it('inherits the product methods', async () => {
    assert.equal((await client.getProduct()).slug, PRODUCT);
    assert.ok(client instanceof PlanshipProduct);
  });
});

describe('constructors', () => {
  it('seed form 1: (productSlug, customerId, url, getAccessToken, webSocketUrl?)', async () => {
    const customerId = await freshCustomer(server, 'free');
    const calls: (boolean | undefined)[] = [];
    const client = new PlanshipCustomer(
      PRODUCT,
      customerId,
      server.url,
      async (forceRefresh) => {
        calls.push(forceRefresh);
        return customerToken(server, customerId);
      },
      server.wsUrl,
    );
    assert.equal(client.webSocketUrl, server.wsUrl);
    assert.equal((await client.getEntitlements())['api-calls'], 1000);
    assert.deepEqual(calls, [false]);
  });

  it('seed form 2: (productSlug, customerId, url, clientId, clientSecret) derives the socket URL', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const client = new PlanshipCustomer(PRODUCT, customerId, server.url, CREDENTIALS.clientId, CREDENTIALS.clientSecret);
    assert.equal(client.webSocketUrl, server.url.replace('http://', 'ws://'));
    assert.equal((await client.listSubscriptions())[0].plan.slug, 'pro');
    assert.equal((await client.getAccessToken()).tokenType, 'bearer');
  });

  it('seed form 2 with a webSocketUrl override', () => {
    const client = new PlanshipCustomer(PRODUCT, 'x', 'https://api.example.com', 'id', 'secret', 'wss://sockets.example.com/');
    assert.equal(client.webSocketUrl, 'wss://sockets.example.com');
  });

  it('options form: (productSlug, customerId, auth, {baseUrl, webSocketUrl, ...})', async () => {
    const customerId = await freshCustomer(server, 'starter');
    const getter = async () => customerToken(server, customerId);
    const client = new PlanshipCustomer(PRODUCT, customerId, getter, { baseUrl: server.url + '/', webSocketUrl: server.wsUrl });
    assert.equal(client.baseUrl, server.url);
    assert.equal((await client.getEntitlements())['api-calls'], 10000);
  });

  it('derives the socket URL: http->ws, https->wss, same host and path; Planship cloud keeps its socket host', () => {
    const make = (baseUrl?: string) => new PlanshipCustomer(PRODUCT, 'c', async () => 't', { baseUrl }).webSocketUrl;
    assert.equal(make('http://localhost:8787'), 'ws://localhost:8787');
    assert.equal(make('https://billing.example.com/planship'), 'wss://billing.example.com/planship');
    assert.equal(make(), 'wss://websockets-api.planship.io');
    assert.equal(make('https://api.planship.io'), 'wss://websockets-api.planship.io');
  });

  it('PlanshipProduct: (slug, auth, options), (slug, url, getter) and (slug, url, clientId, clientSecret)', async () => {
    const customerId = await freshCustomer(server);
    const withGetter = new PlanshipProduct(PRODUCT, server.url, async () => customerToken(server, customerId));
    const withSecret = new PlanshipProduct(PRODUCT, server.url, CREDENTIALS.clientId, CREDENTIALS.clientSecret);
    const withOptions = new PlanshipProduct(PRODUCT, CREDENTIALS, { baseUrl: server.url });
    for (const client of [withGetter, withSecret, withOptions]) {
      assert.equal((await client.getProduct()).slug, PRODUCT);
    }
  });

  it('a customer id with characters that need encoding reaches the server intact', async () => {
    const client = customerClient(server, 'ada@example.com');
    const [subscription] = await client.listSubscriptions();
    assert.equal(subscription.plan.slug, 'pro');
  });
});

describe('wire to model', () => {
  it('camelCases field names and reads *_at as dates, but keeps free-form maps (metadata, values) as they are', () => {
    const wire = {
      renew_at: '2026-01-01T00:00:00.000Z',
      max_subscribers: 3,
      metadata: { snake_key: 1, created_at: 'kept as text' },
      metadata_: { other_key: true },
      value: { some_key: 'created_at' },
      by_bucket: { project_a: 2 },
    };
    assert.deepEqual(fromWire(wire), {
      renewAt: new Date('2026-01-01T00:00:00.000Z'),
      maxSubscribers: 3,
      metadata: { other_key: true },
      value: { some_key: 'created_at' },
      byBucket: { project_a: 2 },
    });
    assert.deepEqual(fromWire({ metadata: { snake_key: 1, created_at: 'kept as text' } }), { metadata: { snake_key: 1, created_at: 'kept as text' } });
  });
});
