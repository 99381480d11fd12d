// Every route of the local API: the happy path with the exact wire shape, and each error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASIC, DEFAULT_ENTITLEMENTS, PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';

let api: TestApi;
let token: string;

before(async () => {
  api = await startTestServer();
  token = await api.productToken();
});
after(() => api.server.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('auth routes', () => {
  it('POST /auth/token with Basic and no body returns a bearer token', async () => {
    const answer = await api.call('POST', '/api/v1/auth/token', { authorization: BASIC });
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(answer.body.token_type, 'bearer');
    assert.equal(answer.body.expires_in, 3600);
    assert.equal(typeof answer.body.access_token, 'string');
  });

  it('POST /auth/token accepts a client_credentials form', async () => {
    const answer = await api.call('POST', '/api/v1/auth/token', {
      rawBody: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(answer.status, 200);
    const products = await api.call('GET', `/api/v1/products/${PRODUCT}`, { token: answer.body.access_token });
    assert.equal(products.status, 200);
  });

  it('POST /auth/token reads the Basic scheme in any case and with extra spaces; anything after the credentials is refused', async () => {
    const encoded = BASIC.slice('Basic '.length);
    const status = async (authorization: string) => (await api.call('POST', '/api/v1/auth/token', { authorization })).status;
    assert.equal(await status(`basic ${encoded}`), 200);
    assert.equal(await status(`BASIC    ${encoded}`), 200);
    for (const refused of [`Basic ${encoded} ${encoded}`, `Basic ${encoded}!`, `Basic ${encoded},x`, `Basic !${encoded}`]) {
      assert.equal(await status(refused), 401, refused);
    }
  });

  it('POST /auth/token refuses bad credentials, no credentials and other grant types', async () => {
    const wrong = await api.call('POST', '/api/v1/auth/token', { authorization: 'Basic ' + Buffer.from('demo-client:nope').toString('base64') });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.detail, 'Invalid client credentials');
    assert.equal(wrong.headers.get('www-authenticate'), 'Basic');
    assert.equal((await api.call('POST', '/api/v1/auth/token')).status, 401);
    const grant = await api.call('POST', '/api/v1/auth/token', {
      rawBody: 'grant_type=password&client_id=demo-client&client_secret=demo-secret',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(grant.status, 400);
  });

  it('tokens honour a configured lifetime', async () => {
    const short = await startTestServer({ tokenTtlSeconds: 60 });
    try {
      const answer = await short.call('POST', '/api/v1/auth/token', { authorization: BASIC });
      assert.equal(answer.body.expires_in, 60);
      const shortToken = answer.body.access_token;
      assert.equal((await short.call('GET', `/api/v1/products/${PRODUCT}`, { token: shortToken })).status, 200);
      await short.advanceClock(61);
      assert.equal((await short.call('GET', `/api/v1/products/${PRODUCT}`, { token: shortToken })).status, 401);
    } finally {
      await short.server.close();
    }
  });

  it('POST /auth/customer-token mints a customer-scoped token', async () => {
    const answer = await api.admin('POST', '/api/v1/auth/customer-token', { customer_id: 'ada@example.com', expires_in: 120 });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.token_type, 'bearer');
    assert.equal(answer.body.expires_in, 120);
    assert.match(answer.body.customer_id, UUID);
    const own = await api.call('GET', `/api/v1/customers/ada@example.com/products/${PRODUCT}/entitlements`, { token: answer.body.access_token });
    assert.equal(own.status, 200);
    const lifetime = async (expiresIn?: null) => (await api.admin('POST', '/api/v1/auth/customer-token', { customer_id: 'ada@example.com', expires_in: expiresIn })).body.expires_in;
    assert.deepEqual([await lifetime(null), await lifetime()], [3600, 3600], 'null or left out: the server\'s token lifetime');
  });

  it('POST /auth/customer-token errors: unknown customer 404, bad body 422', async () => {
    assert.equal((await api.admin('POST', '/api/v1/auth/customer-token', { customer_id: 'nobody@example.com' })).status, 404);
    const missing = await api.admin('POST', '/api/v1/auth/customer-token', {});
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body.detail, [{ loc: ['body', 'customer_id'], msg: 'Field required', type: 'missing' }]);
    const badTtl = await api.admin('POST', '/api/v1/auth/customer-token', { customer_id: 'ada@example.com', expires_in: 0 });
    assert.equal(badTtl.status, 422);
    assert.deepEqual(badTtl.body.detail[0].loc, ['body', 'expires_in']);
    const tooLong = await api.admin('POST', '/api/v1/auth/customer-token', { customer_id: 'ada@example.com', expires_in: 10 ** 9 });
    assert.equal(tooLong.status, 422);
  });
});

describe('catalog routes', () => {
  it('GET /health needs no credentials', async () => {
    const answer = await api.call('GET', '/api/v1/health');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: 'ok' });
  });

  it('GET /products lists every product', async () => {
    const answer = await api.call('GET', '/api/v1/products', { token });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.map((product: any) => product.slug), [PRODUCT, 'markup-product']);
    assert.deepEqual(Object.keys(answer.body[0]).sort(), ['id', 'name', 'slug']);
  });

  it('GET /products/{slug} returns the Product model; unknown -> 404', async () => {
    const answer = await api.call('GET', `/api/v1/products/${PRODUCT}`, { token });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.slug, PRODUCT);
    assert.equal(answer.body.name, 'Acme Analytics');
    assert.match(answer.body.id, UUID);
    assert.match(answer.body.organization_id, UUID);
    assert.equal(typeof answer.body.description, 'string');
    const missing = await api.call('GET', '/api/v1/products/nope', { token });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { detail: 'Product not found' });
  });

  it('GET /products/{slug}/plans lists plans in order, with public_only and order_by', async () => {
    const all = await api.call('GET', `/api/v1/products/${PRODUCT}/plans`, { token });
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.map((plan: any) => plan.slug), ['free', 'starter', 'pro', 'business', 'enterprise', 'legacy-2019']);
    assert.deepEqual(Object.keys(all.body[0]).sort(), ['description', 'id', 'is_public', 'is_self_serve', 'max_subscribers', 'name', 'order', 'slug']);
    const publicOnly = await api.call('GET', `/api/v1/products/${PRODUCT}/plans?public_only=true`, { token });
    assert.ok(!publicOnly.body.some((plan: any) => plan.slug === 'legacy-2019'));
    const byName = await api.call('GET', `/api/v1/products/${PRODUCT}/plans?order_by=-name`, { token });
    assert.deepEqual(byName.body.map((plan: any) => plan.name).slice(0, 2), ['Starter', 'Pro']);
    const badOrder = await api.call('GET', `/api/v1/products/${PRODUCT}/plans?order_by=price`, { token });
    assert.equal(badOrder.status, 422);
    assert.deepEqual(badOrder.body.detail[0].loc, ['query', 'order_by', 0]);
    const badBool = await api.call('GET', `/api/v1/products/${PRODUCT}/plans?public_only=maybe`, { token });
    assert.equal(badBool.status, 422);
    assert.equal((await api.call('GET', '/api/v1/products/nope/plans', { token })).status, 404);
  });

  it('sorts plans by their order whatever order the catalog lists them in; ties by the next key', async () => {
    const catalog = testCatalog();
    const plans = catalog.products[0].plans;
    plans.reverse();
    plans.find((plan: { slug: string }) => plan.slug === 'starter').order = 3; // the same order as pro
    const own = await startTestServer({ catalog });
    try {
      const slugs = async (query = '') => (await own.call('GET', `/api/v1/products/${PRODUCT}/plans${query}`, { token: 'basic' })).body.map((plan: any) => plan.slug);
      assert.deepEqual(await slugs(), ['free', 'pro', 'starter', 'business', 'enterprise', 'legacy-2019'], 'by order; starter and pro tie, as listed');
      assert.deepEqual(await slugs('?order_by=-order'), ['legacy-2019', 'enterprise', 'business', 'pro', 'starter', 'free']);
      assert.deepEqual(await slugs('?order_by=order,slug'), ['free', 'pro', 'starter', 'business', 'enterprise', 'legacy-2019']);
      assert.deepEqual(await slugs('?order_by=order,-slug'), ['free', 'starter', 'pro', 'business', 'enterprise', 'legacy-2019']);
    } finally {
      await own.server.close();
    }
  });

  it('GET /products/{p}/plans/{slug} returns the plan with an entitlement per lever', async () => {
    const answer = await api.call('GET', `/api/v1/products/${PRODUCT}/plans/business`, { token });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.slug, 'business');
    assert.equal(answer.body.is_self_serve, true);
    const bySlug = Object.fromEntries(answer.body.entitlements.map((entitlement: any) => [entitlement.lever_slug, entitlement]));
    assert.equal(bySlug['api-calls'].value, 1000000);
    assert.equal(bySlug['api-calls'].formatted_value, '1,000,000 per month');
    assert.equal(bySlug['api-burst'].value, null);
    assert.equal(bySlug['api-burst'].formatted_value, 'Unlimited per day');
    assert.equal(bySlug.sso.formatted_value, 'Yes');
    assert.deepEqual(bySlug['export-formats'].value, ['csv', 'json', 'parquet', 'xlsx']);
    for (const key of ['formatted_value', 'value', 'name', 'lever_name', 'description', 'order', 'configuration']) {
      assert.ok(key in answer.body.entitlements[0], key);
    }
    const legacy = await api.call('GET', `/api/v1/products/${PRODUCT}/plans/legacy-2019`, { token });
    const legacyAi = legacy.body.entitlements.find((entitlement: any) => entitlement.lever_slug === 'ai-insights');
    assert.equal(legacyAi.value, 0, 'a lever missing from the plan shows its default');
    const ordered = await api.call('GET', `/api/v1/products/${PRODUCT}/plans/pro?levers_order_by=-name`, { token });
    assert.equal(ordered.body.entitlements[0].lever_slug, 'sso');
    const plainOrder = await api.call('GET', `/api/v1/products/${PRODUCT}/plans/pro?order_by=-name`, { token });
    assert.equal(plainOrder.body.entitlements[0].lever_slug, 'sso', 'order_by orders the levers when levers_order_by is not given');
    assert.equal((await api.call('GET', `/api/v1/products/${PRODUCT}/plans/nope`, { token })).status, 404);
  });

  it('GET /products/{p}/plans/{slug}/entitlements lists the plan entitlements', async () => {
    const answer = await api.call('GET', `/api/v1/products/${PRODUCT}/plans/free/entitlements`, { token });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.length, 8);
    assert.equal(answer.body.find((entitlement: any) => entitlement.lever_slug === 'dashboards').value, 3);
  });

  it('GET /products/{p}/levers lists levers; /levers/{slug} returns one; unknown -> 404', async () => {
    const list = await api.call('GET', `/api/v1/products/${PRODUCT}/levers`, { token });
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 8);
    assert.deepEqual(list.body[0], {
      slug: 'api-calls',
      name: 'API calls per month',
      description: 'Requests to the Acme Analytics API in a calendar month.',
      order: 1,
      default_value: '0',
      type: 'metered',
      metering_id: 'api-calls',
      reset: 'month',
    });
    const sorted = await api.call('GET', `/api/v1/products/${PRODUCT}/levers?order_by=slug`, { token });
    assert.equal(sorted.body[0].slug, 'ai-insights');
    const one = await api.call('GET', `/api/v1/products/${PRODUCT}/levers/sso`, { token });
    assert.equal(one.status, 200);
    assert.equal(one.body.slug, 'sso');
    assert.deepEqual(one.body.metering_ids, []);
    assert.match(one.body.product_id, UUID);
    assert.equal((await api.call('GET', `/api/v1/products/${PRODUCT}/levers/nope`, { token })).status, 404);
  });

  it('public plan routes need no credentials and show public plans only', async () => {
    const list = await api.call('GET', `/api/v1/public/acme/${PRODUCT}/plans`);
    assert.equal(list.status, 200);
    assert.ok(!list.body.some((plan: any) => plan.slug === 'legacy-2019'));
    const one = await api.call('GET', `/api/v1/public/acme/${PRODUCT}/plans/pro`);
    assert.equal(one.status, 200);
    assert.equal(one.body.entitlements.length, 8);
    assert.equal((await api.call('GET', `/api/v1/public/acme/${PRODUCT}/plans/legacy-2019`)).status, 404);
    assert.equal((await api.call('GET', `/api/v1/public/other/${PRODUCT}/plans`)).status, 404);
  });
});

describe('customer routes', () => {
  it('POST /customers creates a customer (metadata in, metadata_ out)', async () => {
    const answer = await api.admin('POST', '/api/v1/customers', {
      alternative_id: 'route-create@example.com',
      name: 'Route Create',
      email: 'route-create@example.com',
      metadata: { team: 'blue' },
    });
    assert.equal(answer.status, 200);
    assert.match(answer.body.id, UUID);
    assert.deepEqual(answer.body.metadata_, { team: 'blue' });
    assert.equal(answer.body.alternative_id, 'route-create@example.com');
    assert.deepEqual(answer.body.subscriptions, []);
    assert.ok(!('metadata' in answer.body));
    const empty = await api.admin('POST', '/api/v1/customers', {});
    assert.equal(empty.status, 200);
    assert.equal(empty.body.name, '');
    assert.equal(empty.body.alternative_id, null);
  });

  it('POST /customers errors: duplicate alternative_id 409, wrong types 422', async () => {
    const duplicate = await api.admin('POST', '/api/v1/customers', { alternative_id: 'ada@example.com' });
    assert.equal(duplicate.status, 409);
    assert.equal(typeof duplicate.body.detail, 'string');
    const wrong = await api.admin('POST', '/api/v1/customers', { name: 5, metadata: 'x', alternative_id: 'y'.repeat(300) });
    assert.equal(wrong.status, 422);
    assert.deepEqual(wrong.body.detail.map((issue: any) => issue.loc.join('.')).sort(), ['body.alternative_id', 'body.metadata', 'body.name']);
    const notObject = await api.admin('POST', '/api/v1/customers', [1, 2]);
    assert.equal(notObject.status, 422);
    assert.equal(notObject.body.detail[0].type, 'model_attributes_type');
  });

  it('GET /customers/{id} by uuid and by alternative_id; unknown -> 404', async () => {
    const byAlternative = await api.admin('GET', '/api/v1/customers/ada@example.com');
    assert.equal(byAlternative.status, 200);
    assert.equal(byAlternative.body.name, 'Ada Lovelace');
    assert.deepEqual(byAlternative.body.metadata_, { company: 'Analytical Engines Ltd' });
    const byId = await api.admin('GET', `/api/v1/customers/${byAlternative.body.id}`);
    assert.equal(byId.body.alternative_id, 'ada@example.com');
    const upper = await api.admin('GET', `/api/v1/customers/${byAlternative.body.id.toUpperCase()}`);
    assert.equal(upper.status, 200);
    const missing = await api.admin('GET', '/api/v1/customers/nobody@example.com');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { detail: 'Customer not found' });
  });

  it('DELETE /customers/{id} soft-deletes: 404 afterwards, alternative_id released', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const deleted = await api.admin('DELETE', `/api/v1/customers/${customer.id}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, customer.id);
    assert.equal(deleted.body.alternative_id, customer.alternativeId);
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}`)).status, 404);
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.alternativeId}`)).status, 404);
    assert.equal((await api.admin('DELETE', `/api/v1/customers/${customer.id}`)).status, 404);
    const reused = await api.admin('POST', '/api/v1/customers', { alternative_id: customer.alternativeId });
    assert.equal(reused.status, 200);
    assert.notEqual(reused.body.id, customer.id);
  });
});

describe('subscription routes', () => {
  it('POST /products/{p}/plans/{slug}/subscriptions returns SubscriptionWithPlan', async () => {
    const customer = await api.createCustomer();
    const answer = await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, {
      customer_id: customer.alternativeId,
      auto_renew: false,
      renew_at: '2030-01-01T00:00:00Z',
    });
    assert.equal(answer.status, 200);
    const subscription = answer.body;
    assert.match(subscription.id, UUID);
    assert.equal(subscription.is_active, true);
    assert.equal(subscription.auto_renew, false);
    assert.equal(subscription.max_subscribers, 3, "defaults to the plan's max_subscribers");
    assert.equal(subscription.renew_at, '2030-01-01T00:00:00.000Z');
    assert.deepEqual(subscription.plan, { id: subscription.plan_id, name: 'Starter', slug: 'starter' });
    assert.deepEqual(subscription.renew_plan, subscription.plan);
    for (const key of ['last_renewed_at', 'start_at', 'renew_plan_id']) assert.ok(key in subscription, key);
    const members = await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions/${subscription.id}/customers`);
    assert.equal(members.body.length, 1);
    assert.equal(members.body[0].is_administrator, true);
    assert.equal(members.body[0].is_subscriber, true);
  });

  it('POST subscriptions errors: unknown plan/product/customer 404, bad body 422', async () => {
    const customer = await api.createCustomer();
    const path = `/api/v1/products/${PRODUCT}/plans`;
    assert.deepEqual((await api.admin('POST', `${path}/nope/subscriptions`, { customer_id: customer.id })).body, { detail: 'Plan not found' });
    assert.equal((await api.admin('POST', '/api/v1/products/nope/plans/pro/subscriptions', { customer_id: customer.id })).status, 404);
    assert.equal((await api.admin('POST', `${path}/pro/subscriptions`, { customer_id: 'nobody@example.com' })).status, 404);
    const bad = await api.admin('POST', `${path}/pro/subscriptions`, { max_subscribers: 0, renew_at: 'soon', auto_renew: 'yes' });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.detail.map((issue: any) => issue.loc[1]).sort(), ['auto_renew', 'customer_id', 'max_subscribers', 'renew_at']);
    const noBody = await api.admin('POST', `${path}/pro/subscriptions`);
    assert.equal(noBody.status, 422);
    assert.deepEqual(noBody.body.detail, [{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  });

  it('GET /customers/{c}/subscriptions lists them, with optional product_slug', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    await api.admin('POST', '/api/v1/products/markup-product/plans/basic/subscriptions', { customer_id: customer.id });
    const all = await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions`);
    assert.equal(all.status, 200);
    assert.equal(all.body.length, 2);
    const only = await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions?product_slug=${PRODUCT}`);
    assert.equal(only.body.length, 1);
    const item = only.body[0];
    assert.equal(item.subscription_id, customer.subscriptionId);
    assert.equal(item.customer_id, customer.id);
    assert.ok(!('id' in item), 'CustomerSubscriptionWithPlan has no id');
    assert.deepEqual(item.metadata_, {});
    assert.equal(item.plan.slug, 'free');
    assert.equal(item.product_slug, PRODUCT);
    assert.equal(item.subscribers, 1);
    assert.equal((await api.admin('GET', '/api/v1/customers/nobody@example.com/subscriptions')).status, 404);
  });

  it('GET /customers/{c}/subscriptions/{id} returns one; foreign or unknown -> 404', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const other = await api.createCustomer({ plan: 'pro' });
    const answer = await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.plan.slug, 'pro');
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions/${other.subscriptionId}`)).status, 404);
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions/not-a-subscription`)).status, 404);
  });

  it('PATCH applies a partial update of each field', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
    const planChange = await api.admin('PATCH', path, { plan_slug: 'pro' });
    assert.equal(planChange.status, 200);
    assert.equal(planChange.body.plan.slug, 'pro');
    assert.equal(planChange.body.renew_plan.slug, 'pro');
    assert.equal(planChange.body.max_subscribers, 3, 'untouched fields keep their value');
    const scheduled = await api.admin('PATCH', path, { renew_plan_slug: 'starter' });
    assert.equal(scheduled.body.renew_plan.slug, 'starter');
    assert.equal(scheduled.body.plan.slug, 'pro');
    const cleared = await api.admin('PATCH', path, { renew_plan_slug: null });
    assert.equal(cleared.body.renew_plan.slug, 'pro');
    const rest = await api.admin('PATCH', path, { max_subscribers: 7, auto_renew: false, is_active: false, renew_at: '2031-05-01T10:00:00Z' });
    assert.equal(rest.body.max_subscribers, 7);
    assert.equal(rest.body.auto_renew, false);
    assert.equal(rest.body.is_active, false);
    assert.equal(rest.body.renew_at, '2031-05-01T10:00:00.000Z');
    const byId = await api.admin('PATCH', path, { plan_id: planChange.body.renew_plan.id, is_active: true });
    assert.equal(byId.body.plan.slug, 'pro');
    assert.equal(byId.body.is_active, true);
  });

  it('PATCH errors: unknown plan 422, wrong types 422, seats below subscribers 409, unknown 404', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const member = await api.createCustomer();
    const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
    const unknown = await api.admin('PATCH', path, { plan_slug: 'platinum' });
    assert.equal(unknown.status, 422);
    assert.deepEqual(unknown.body.detail[0].loc, ['body', 'plan_slug']);
    const unknownRenew = await api.admin('PATCH', path, { renew_plan_slug: 'platinum' });
    assert.equal(unknownRenew.status, 422);
    const types = await api.admin('PATCH', path, { max_subscribers: 1.5, is_active: 'no', auto_renew: 1 });
    assert.equal(types.status, 422);
    assert.equal(types.body.detail.length, 3);
    await api.admin('POST', `${path}/customers`, { customer_id: member.id });
    const below = await api.admin('PATCH', path, { max_subscribers: 1 });
    assert.deepEqual([below.status, below.body], [409, { detail: 'max_subscribers cannot be below the 2 current subscribers' }]);
    assert.equal((await api.admin('PATCH', `/api/v1/customers/${customer.id}/subscriptions/${member.id}`, { auto_renew: true })).status, 404);
  });

  it('subscription customers: list, add (beyond max -> 409, twice -> 409), remove', async () => {
    const owner = await api.createCustomer({ plan: 'pro', maxSubscribers: 2 });
    const first = await api.createCustomer();
    const second = await api.createCustomer();
    const path = `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`;
    const added = await api.admin('POST', path, { customer_id: first.alternativeId, is_administrator: true, metadata: { role: 'lead' } });
    assert.equal(added.status, 200);
    assert.equal(added.body.customer_id, first.id);
    assert.equal(added.body.is_administrator, true);
    assert.equal(added.body.is_subscriber, true);
    assert.deepEqual(added.body.metadata_, { role: 'lead' });
    assert.equal(added.body.plan.slug, 'pro');
    assert.equal(added.body.plan.is_self_serve, true);
    assert.deepEqual(added.body.customer, { id: first.id, name: 'Test Customer', email: first.alternativeId, alternative_id: first.alternativeId });
    assert.equal((await api.admin('POST', path, { customer_id: first.id })).status, 409);
    const full = await api.admin('POST', path, { customer_id: second.id });
    assert.equal(full.status, 409);
    assert.match(full.body.detail, /max_subscribers/);
    const nonSubscriber = await api.admin('POST', path, { customer_id: second.id, is_subscriber: false });
    assert.equal(nonSubscriber.status, 200, 'a non-subscribing member does not take a seat');
    assert.equal((await api.admin('POST', path, { customer_id: 'nobody@example.com' })).status, 404);
    assert.equal((await api.admin('POST', path, { is_administrator: true })).status, 422);
    const list = await api.admin('GET', path);
    assert.deepEqual(list.body.map((member: any) => member.customer_id), [owner.id, first.id, second.id]);
    const visible = await api.admin('GET', `/api/v1/customers/${first.id}/subscriptions`);
    assert.equal(visible.body[0].subscription_id, owner.subscriptionId);
    const removed = await api.admin('DELETE', `${path}/${first.id}`);
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body, { metadata_: { role: 'lead' }, is_administrator: true, is_subscriber: true, customer_id: first.id, subscription_id: owner.subscriptionId });
    assert.equal((await api.admin('DELETE', `${path}/${first.id}`)).status, 404);
    assert.equal((await api.admin('GET', `/api/v1/customers/${first.id}/subscriptions`)).body.length, 0);
  });
});

describe('entitlement and usage routes', () => {
  it('GET entitlements computes from the plan; no subscription -> defaults', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const answer = await api.entitlements(customer.id);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      'api-calls': 10000,
      'api-burst': 1000,
      'ai-insights': 20,
      dashboards: 10,
      'data-retention-days': 30,
      'export-formats': ['csv', 'json'],
      sso: false,
      'priority-support': false,
    });
    const nobody = await api.createCustomer();
    assert.deepEqual((await api.entitlements(nobody.id)).body, DEFAULT_ENTITLEMENTS);
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}/products/nope/entitlements`)).status, 404);
    assert.equal((await api.entitlements('nobody@example.com')).status, 404);
  });

  it('POST usage reports to the subscription and returns a MeteringRecord', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const answer = await api.reportUsage(customer.id, 'api-calls', 40, { bucket: 'project-a' });
    assert.equal(answer.status, 200);
    assert.match(answer.body.id, UUID);
    assert.equal(answer.body.usage, 40);
    assert.equal(answer.body.metering_id, 'api-calls');
    assert.equal(answer.body.customer_id, customer.id);
    assert.equal(answer.body.subscription_id, customer.subscriptionId);
    assert.equal(answer.body.bucket, 'project-a');
    assert.match(answer.body.product_id, UUID);
    await api.reportUsage(customer.id, 'api-calls', 2);
    const entitlements = (await api.entitlements(customer.id)).body;
    assert.equal(entitlements['api-calls'], 958);
    assert.equal(entitlements['api-burst'], 58);
  });

  it('GET lever usage and metering-id usage return LeverUsage', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    await api.reportUsage(customer.id, 'api-calls', 3, { bucket: 'one' });
    await api.reportUsage(customer.id, 'api-calls', 2);
    const lever = await api.admin('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/levers/api-calls/usage`);
    assert.equal(lever.status, 200);
    assert.deepEqual(lever.body, {
      total: 5,
      by_bucket: { one: 3, null: 2 },
      by_subscription: { [customer.subscriptionId]: [{ usage: 3, bucket: 'one' }, { usage: 2, bucket: null }] },
    });
    const metering = await api.admin('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls`);
    assert.equal(metering.status, 200);
    assert.deepEqual(Object.keys(metering.body), ['api-calls', 'api-burst']);
    assert.equal(metering.body['api-burst'].total, 5);
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/levers/sso/usage`)).status, 404);
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/nope`)).status, 404);
  });

  it('POST usage errors: 422 for bad values, 404 unknown metering id, 409 without a subscription', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    for (const usage of [-1, 1.5, '3', null, 1e400]) {
      const raw = JSON.stringify({ usage }).replace('null', usage === 1e400 ? '1e400' : 'null');
      const answer = await api.call('POST', `/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls`, {
        token: 'basic',
        rawBody: raw,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(answer.status, 422, `usage ${String(usage)}`);
      assert.deepEqual(answer.body.detail[0].loc, ['body', 'usage']);
    }
    const missing = await api.reportUsage(customer.id, 'api-calls', undefined as unknown as number);
    assert.equal(missing.status, 422);
    assert.equal(missing.body.detail[0].type, 'missing');
    assert.equal((await api.reportUsage(customer.id, 'nope', 1)).status, 404);
    const idle = await api.createCustomer();
    const conflict = await api.reportUsage(idle.id, 'api-calls', 1);
    assert.equal(conflict.status, 409);
    assert.match(conflict.body.detail, /no active subscription/);
    const legacy = await api.createCustomer({ plan: 'legacy-2019' });
    assert.equal((await api.reportUsage(legacy.id, 'ai-insights', 1)).status, 409, 'the plan lacks the lever');
    const wrongSubscription = await api.reportUsage(customer.id, 'api-calls', 1, { subscription_id: legacy.subscriptionId });
    assert.equal(wrongSubscription.status, 422);
    assert.deepEqual(wrongSubscription.body.detail, [
      { loc: ['body', 'subscription_id'], msg: 'No active subscription of this customer and product with that id', type: 'value_error' },
    ]);
  });

  it('usage goes to the subscription with the largest limit; entitlements take the most generous value', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const pro = await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: customer.id });
    const legacy = await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/legacy-2019/subscriptions`, { customer_id: customer.id });
    assert.equal(legacy.status, 200);
    const report = await api.reportUsage(customer.id, 'api-calls', 10);
    assert.equal(report.body.subscription_id, pro.body.id);
    const entitlements = (await api.entitlements(customer.id)).body;
    assert.equal(entitlements['api-calls'], 100000 - 10);
    assert.equal(entitlements.dashboards, 50);
    assert.deepEqual(entitlements['export-formats'], ['csv', 'json', 'parquet']);
    assert.equal(entitlements.sso, true);
    const business = await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/business/subscriptions`, { customer_id: customer.id });
    const after = (await api.entitlements(customer.id)).body;
    assert.equal(after.dashboards, null, 'unlimited beats any number');
    assert.deepEqual(after['export-formats'], ['csv', 'json', 'parquet', 'xlsx']);
    await api.admin('PATCH', `/api/v1/customers/${customer.id}/subscriptions/${business.body.id}`, { is_active: false });
    assert.equal((await api.entitlements(customer.id)).body.dashboards, 50, 'inactive subscriptions do not count');
  });

  it('a metered entitlement is not clamped: it goes negative past the limit', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    await api.reportUsage(customer.id, 'ai-insights', 5);
    assert.equal((await api.entitlements(customer.id)).body['ai-insights'], -2);
  });
});

describe('emulator routes', () => {
  it('POST /__emulator/clock advances the server clock; bad input -> 422', async () => {
    const before = Date.now();
    const answer = await api.advanceClock(0);
    assert.equal(answer.status, 200);
    assert.ok(Date.parse(answer.body.now) >= before);
    for (const body of [{}, { advance_seconds: -5 }, { advance_seconds: 'x' }]) {
      const bad = await api.admin('POST', '/__emulator/clock', body);
      assert.equal(bad.status, 422, JSON.stringify(body));
      assert.deepEqual(bad.body.detail[0].loc, ['body', 'advance_seconds']);
    }
    const text = await api.admin('POST', '/__emulator/clock', { advance_seconds: 'x' });
    assert.deepEqual(text.body.detail, [{ loc: ['body', 'advance_seconds'], msg: 'Input should be a valid number', type: 'float_type' }]);
  });

  it('POST /__emulator/clock moves at most 100 years at once', async () => {
    const own = await startTestServer();
    try {
      const max = 100 * 366 * 86_400;
      const beyond = await own.admin('POST', '/__emulator/clock', { advance_seconds: max + 1 });
      assert.deepEqual(beyond.body.detail, [{ loc: ['body', 'advance_seconds'], msg: `Input should be less than or equal to ${max}`, type: 'less_than_equal' }]);
      assert.equal((await own.admin('POST', '/__emulator/clock', { advance_seconds: max })).status, 200);
    } finally {
      await own.server.close();
    }
  });

  it('GET /__emulator/sockets counts open sockets; POST /__emulator/sockets/close returns how many closed', async () => {
    const answer = await api.admin('GET', '/__emulator/sockets');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.open, 0);
    const closed = await api.admin('POST', '/__emulator/sockets/close');
    assert.equal(closed.status, 200);
    assert.equal(closed.body.closed, 0);
    assert.equal((await api.admin('POST', '/__emulator/sockets/close', { refuse_seconds: -1 })).status, 422);
    assert.equal((await api.admin('POST', '/__emulator/sockets/close', { refuse_seconds: null })).status, 200, 'null: refuse nothing');
  });

  it('POST /__emulator/reset restores the seed with the same ids', async () => {
    const isolated = await startTestServer();
    try {
      const adaBefore = (await isolated.admin('GET', '/api/v1/customers/ada@example.com')).body;
      const subscriptionsBefore = (await isolated.admin('GET', '/api/v1/customers/ada@example.com/subscriptions')).body;
      const created = await isolated.createCustomer({ plan: 'pro' });
      await isolated.reportUsage('ada@example.com', 'api-calls', 99);
      await isolated.admin('DELETE', '/api/v1/customers/grace@example.com');
      const reset = await isolated.admin('POST', '/__emulator/reset');
      assert.equal(reset.status, 200);
      assert.equal((await isolated.admin('GET', `/api/v1/customers/${created.id}`)).status, 404);
      assert.equal((await isolated.admin('GET', '/api/v1/customers/grace@example.com')).status, 200);
      assert.equal((await isolated.admin('GET', '/api/v1/customers/ada@example.com')).body.id, adaBefore.id);
      const subscriptionsAfter = (await isolated.admin('GET', '/api/v1/customers/ada@example.com/subscriptions')).body;
      assert.equal(subscriptionsAfter[0].subscription_id, subscriptionsBefore[0].subscription_id);
      assert.equal((await isolated.entitlements('ada@example.com')).body['api-calls'], 100000);
    } finally {
      await isolated.server.close();
    }
  });
});

describe('renewals', () => {
  it('when the clock passes renew_at: auto-renew switches to the renew plan, otherwise the subscription ends', async () => {
    const isolated = await startTestServer();
    try {
      const renewing = await isolated.createCustomer({ plan: 'pro' });
      const ending = await isolated.createCustomer({ plan: 'pro' });
      const renewingPath = `/api/v1/customers/${renewing.id}/subscriptions/${renewing.subscriptionId}`;
      const endingPath = `/api/v1/customers/${ending.id}/subscriptions/${ending.subscriptionId}`;
      const before = (await isolated.admin('PATCH', renewingPath, { renew_plan_slug: 'starter' })).body;
      await isolated.admin('PATCH', endingPath, { auto_renew: false });
      const renewAt = Date.parse(before.renew_at);
      const now = Date.parse((await isolated.advanceClock(0)).body.now);
      await isolated.advanceClock((renewAt - now) / 1000 + 60);
      const renewed = (await isolated.admin('GET', renewingPath)).body;
      assert.equal(renewed.plan.slug, 'starter');
      assert.equal(renewed.renew_plan.slug, 'starter');
      assert.equal(renewed.is_active, true);
      assert.equal(renewed.last_renewed_at, before.renew_at);
      assert.ok(Date.parse(renewed.renew_at) > renewAt);
      const ended = (await isolated.admin('GET', endingPath)).body;
      assert.equal(ended.is_active, false);
      assert.equal((await isolated.entitlements(ending.id)).body.sso, false);
    } finally {
      await isolated.server.close();
    }
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    const unknown = await api.call('GET', '/api/v1/nothing', { token });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { detail: 'Not Found' });
    const method = await api.call('PUT', `/api/v1/products/${PRODUCT}`, { token });
    assert.equal(method.status, 405);
  });
});
