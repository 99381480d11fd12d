// The authorization matrix over every route: no token, a bad token, an expired token, another
// customer's token, a customer token on product routes, the customer's own token, product
// credentials (Bearer and Basic), and client scopes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EntitlementsSocket, PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';

interface Fixture {
  owner: { id: string; alternativeId: string; subscriptionId: string };
  other: { id: string };
  member: { id: string };
  /** On no subscription: someone the owner may add. */
  outsider: { id: string };
}

/** Who may call a route: anyone with credentials incl. customer tokens ('customer'), or product credentials only ('product'). */
type Access = 'customer' | 'product';

interface RouteCase {
  name: string;
  method: string;
  path: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  access: Access;
  /** For customer-accessible routes: true when another customer's token must get 403. */
  customerScoped?: boolean;
  /** Whose token is "the customer's own" for this route (default the owner). */
  self?: (f: Fixture) => string;
  /** Customer management (issue 5): the client scope it needs, `customers:read` or `customers:write`. */
  customersScope?: 'read' | 'write';
}

const customerBase = (f: Fixture) => `/api/v1/customers/${f.owner.id}`;
const subscriptionBase = (f: Fixture) => `${customerBase(f)}/subscriptions/${f.owner.subscriptionId}`;
const externalBase = (f: Fixture) => `/api/v1/customers/external/${encodeURIComponent(f.owner.alternativeId)}`;

const ROUTES: RouteCase[] = [
  { name: 'list products', method: 'GET', path: () => '/api/v1/products', access: 'product' },
  { name: 'get product', method: 'GET', path: () => `/api/v1/products/${PRODUCT}`, access: 'customer' },
  { name: 'list plans', method: 'GET', path: () => `/api/v1/products/${PRODUCT}/plans`, access: 'customer' },
  { name: 'get plan', method: 'GET', path: () => `/api/v1/products/${PRODUCT}/plans/pro`, access: 'customer' },
  { name: 'plan entitlements', method: 'GET', path: () => `/api/v1/products/${PRODUCT}/plans/pro/entitlements`, access: 'customer' },
  { name: 'list levers', method: 'GET', path: () => `/api/v1/products/${PRODUCT}/levers`, access: 'customer' },
  { name: 'get lever', method: 'GET', path: () => `/api/v1/products/${PRODUCT}/levers/sso`, access: 'customer' },
  { name: 'create customer', method: 'POST', path: () => '/api/v1/customers', body: () => ({ name: 'x' }), access: 'product' },
  { name: 'get customer', method: 'GET', path: customerBase, access: 'product' },
  { name: 'delete customer', method: 'DELETE', path: customerBase, access: 'product' },
  { name: 'mint customer token', method: 'POST', path: () => '/api/v1/auth/customer-token', body: (f) => ({ customer_id: f.owner.id }), access: 'product' },
  {
    name: 'create subscription',
    method: 'POST',
    path: () => `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`,
    body: (f) => ({ customer_id: f.outsider.id }),
    access: 'customer',
    customerScoped: true,
    // The owner has an active subscription already: a second one is refused (one per product).
    self: (f) => f.outsider.id,
  },
  { name: 'list subscriptions', method: 'GET', path: (f) => `${customerBase(f)}/subscriptions`, access: 'customer', customerScoped: true },
  { name: 'get subscription', method: 'GET', path: subscriptionBase, access: 'customer', customerScoped: true },
  { name: 'patch subscription', method: 'PATCH', path: subscriptionBase, body: () => ({ auto_renew: false }), access: 'customer', customerScoped: true },
  { name: 'list subscription customers', method: 'GET', path: (f) => `${subscriptionBase(f)}/customers`, access: 'customer', customerScoped: true },
  // Customers invite by email (the gateway's invite route); adding by id is the host backend's.
  { name: 'add subscription customer', method: 'POST', path: (f) => `${subscriptionBase(f)}/customers`, body: (f) => ({ customer_id: f.outsider.id }), access: 'product' },
  { name: 'remove subscription customer', method: 'DELETE', path: (f) => `${subscriptionBase(f)}/customers/${f.member.id}`, access: 'customer', customerScoped: true },
  { name: 'get entitlements', method: 'GET', path: (f) => `${customerBase(f)}/products/${PRODUCT}/entitlements`, access: 'customer', customerScoped: true },
  { name: 'get lever usage', method: 'GET', path: (f) => `${customerBase(f)}/products/${PRODUCT}/levers/api-calls/usage`, access: 'customer', customerScoped: true },
  { name: 'get metering usage', method: 'GET', path: (f) => `${customerBase(f)}/products/${PRODUCT}/usage/api-calls`, access: 'customer', customerScoped: true },
  {
    name: 'report usage',
    method: 'POST',
    path: (f) => `${customerBase(f)}/products/${PRODUCT}/usage/api-calls`,
    body: () => ({ usage: 1 }),
    access: 'product',
  },
  // Customer management (issue 5): product credentials only.
  { name: 'list customers', method: 'GET', path: () => '/api/v1/customers', access: 'product', customersScope: 'read' },
  { name: 'export customers', method: 'GET', path: () => '/api/v1/customers/export', access: 'product', customersScope: 'read' },
  { name: 'update customer', method: 'PATCH', path: customerBase, body: () => ({ name: 'Renamed' }), access: 'product', customersScope: 'write' },
  { name: 'customer state', method: 'GET', path: (f) => `${customerBase(f)}/state`, access: 'product', customersScope: 'read' },
  { name: 'get customer by external id', method: 'GET', path: externalBase, access: 'product', customersScope: 'read' },
  { name: 'update customer by external id', method: 'PATCH', path: externalBase, body: () => ({ name: 'Renamed' }), access: 'product', customersScope: 'write' },
  { name: 'delete customer by external id', method: 'DELETE', path: externalBase, access: 'product', customersScope: 'write' },
  { name: 'customer state by external id', method: 'GET', path: (f) => `${externalBase(f)}/state`, access: 'product', customersScope: 'read' },
  { name: 'emulator clock', method: 'POST', path: () => '/__emulator/clock', body: () => ({ advance_seconds: 0 }), access: 'product' },
  { name: 'emulator sockets count', method: 'GET', path: () => '/__emulator/sockets', access: 'product' },
  { name: 'emulator sockets close', method: 'POST', path: () => '/__emulator/sockets/close', body: () => ({}), access: 'product' },
  { name: 'emulator reset', method: 'POST', path: () => '/__emulator/reset', access: 'product' },
];

let api: TestApi;

before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

/** Fresh customers per call, so routes that change state never affect each other. */
async function fixture(): Promise<Fixture> {
  const owner = await api.createCustomer({ plan: 'pro' });
  const other = await api.createCustomer({ plan: 'starter' });
  const member = await api.createCustomer();
  const outsider = await api.createCustomer();
  await api.admin('POST', `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`, { customer_id: member.id });
  return { owner, other, member, outsider };
}

async function call(route: RouteCase, f: Fixture, options: { token?: string; authorization?: string }) {
  return api.call(route.method, route.path(f), { ...options, body: route.body?.(f) });
}

describe('authorization matrix', () => {
  it('every route answers 401 without credentials, with a bad token, and with a malformed header', async () => {
    const f = await fixture();
    for (const route of ROUTES) {
      for (const [label, options] of [
        ['no token', {}],
        ['unknown token', { token: 'pt_not-a-real-token' }],
        ['malformed header', { authorization: 'Token abc' }],
        ['bad basic', { authorization: 'Basic ' + Buffer.from('demo-client:wrong').toString('base64') }],
      ] as const) {
        const answer = await call(route, f, options);
        assert.equal(answer.status, 401, `${route.name}: ${label}`);
        assert.equal(typeof answer.body.detail, 'string', `${route.name}: ${label} detail`);
      }
    }
  });

  it('every route answers 401 with an expired product token and an expired customer token', async () => {
    const f = await fixture();
    const productToken = await api.productToken();
    const customerToken = await api.customerToken(f.owner.id, 60);
    await api.advanceClock(3601);
    for (const route of ROUTES) {
      assert.equal((await call(route, f, { token: productToken })).status, 401, `${route.name}: expired product token`);
      assert.equal((await call(route, f, { token: customerToken })).status, 401, `${route.name}: expired customer token`);
    }
  });

  it("a customer token gets 403 on product routes and on another customer's data", async () => {
    const f = await fixture();
    const foreignToken = await api.customerToken(f.other.id);
    for (const route of ROUTES) {
      if (route.access === 'customer' && !route.customerScoped) continue;
      const answer = await call(route, f, { token: foreignToken });
      assert.equal(answer.status, 403, `${route.name}: another customer's token`);
      assert.equal(typeof answer.body.detail, 'string');
    }
  });

  it("the customer's own token gets 403 on every product route, and changes nothing", async () => {
    const f = await fixture();
    const token = await api.customerToken(f.owner.id);
    for (const route of ROUTES.filter((candidate) => candidate.access === 'product')) {
      const answer = await call(route, f, { token });
      assert.equal(answer.status, 403, `${route.name}: own customer token`);
    }
    const owner = await api.admin('GET', customerBase(f));
    assert.equal(owner.status, 200, 'not deleted');
    assert.equal(owner.body.name, 'Test Customer', 'not renamed');
  });

  it("a customer token cannot probe customers that do not exist (403, not 404)", async () => {
    const token = await api.customerToken((await api.createCustomer()).id);
    const answer = await api.call('GET', `/api/v1/customers/nobody@example.com/products/${PRODUCT}/entitlements`, { token });
    assert.equal(answer.status, 403);
  });

  it("the customer's own token may call every customer route", async () => {
    for (const route of ROUTES.filter((candidate) => candidate.access === 'customer')) {
      const f = await fixture();
      const token = await api.customerToken(route.self?.(f) ?? f.owner.id);
      const answer = await call(route, f, { token });
      assert.equal(answer.status, 200, `${route.name}: ${answer.text}`);
    }
  });

  it('product credentials (Bearer token and Basic) may call every route', async () => {
    for (const route of ROUTES) {
      for (const useBasic of [false, true]) {
        const f = await fixture();
        const options = useBasic ? { token: 'basic' } : { token: await api.productToken() };
        const answer = await call(route, f, options);
        assert.equal(answer.status, 200, `${route.name} (${useBasic ? 'Basic' : 'Bearer'}): ${answer.text}`);
      }
    }
  });
});

describe('customer token rules', () => {
  it('may create and change subscriptions only to self-serve plans', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const token = await api.customerToken(customer.id);
    const enterprise = await api.call('POST', `/api/v1/products/${PRODUCT}/plans/enterprise/subscriptions`, { token, body: { customer_id: customer.id } });
    assert.equal(enterprise.status, 403);
    const hidden = await api.call('POST', `/api/v1/products/${PRODUCT}/plans/legacy-2019/subscriptions`, { token, body: { customer_id: customer.id } });
    assert.equal(hidden.status, 404, 'a hidden plan does not exist for a customer token');
    const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
    assert.equal((await api.call('PATCH', path, { token, body: { plan_slug: 'enterprise' } })).status, 403);
    assert.equal((await api.call('PATCH', path, { token, body: { renew_plan_slug: 'enterprise' } })).status, 403);
    assert.equal((await api.call('PATCH', path, { token, body: { plan_slug: 'nope' } })).status, 403, 'a plan the customer cannot choose, unknown or not');
    const upgrade = await api.call('PATCH', path, { token, body: { plan_slug: 'business' } });
    assert.equal(upgrade.status, 200);
    assert.equal(upgrade.body.plan.slug, 'business');
  });

  it('a customer on a contract (not self-serve) plan changes nothing itself, and the refusal says whom to ask', async () => {
    const customer = await api.createCustomer({ plan: 'enterprise' });
    const token = await api.customerToken(customer.id);
    const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
    for (const body of [{ auto_renew: false }, { plan_slug: 'pro' }, { renew_plan_slug: 'pro' }]) {
      const answer = await api.call('PATCH', path, { token, body });
      assert.equal(answer.status, 403, JSON.stringify(body));
      assert.match(answer.body.detail, /contract plan: contact us/);
    }
    const unchanged = await api.admin('GET', path);
    assert.equal(unchanged.body.auto_renew, true);
    assert.equal(unchanged.body.renew_plan.slug, 'enterprise');
  });

  it('privileged fields are refused by name, not silently dropped, and nothing changes', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const token = await api.customerToken(customer.id);
    const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
    const before = await api.admin('GET', path);
    for (const body of [{ renew_at: '2099-01-01T00:00:00Z' }, { plan_id: before.body.plan.id, auto_renew: false }, { renew_plan_id: before.body.plan.id }]) {
      const answer = await api.call('PATCH', path, { token, body });
      assert.equal(answer.status, 403, JSON.stringify(body));
      assert.match(answer.body.detail, new RegExp(`Only the vendor can set ${Object.keys(body)[0]}`));
    }
    const create = await api.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, {
      token: await api.customerToken((await api.createCustomer()).id),
      body: { customer_id: 'me', renew_at: '2099-01-01T00:00:00Z' },
    });
    assert.equal(create.status, 403);
    assert.deepEqual(await api.admin('GET', path).then((answer) => answer.body), before.body);
  });

  it('only administrators may change a shared subscription or its members; anyone may leave', async () => {
    const owner = await api.createCustomer({ plan: 'pro' });
    const member = await api.createCustomer();
    const third = await api.createCustomer();
    const base = `/api/v1/customers/${member.id}/subscriptions/${owner.subscriptionId}`;
    await api.admin('POST', `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`, { customer_id: member.id });
    const token = await api.customerToken(member.id);
    assert.equal((await api.call('GET', base, { token })).status, 200);
    assert.equal((await api.call('GET', `${base}/customers`, { token })).status, 200);
    assert.equal((await api.call('PATCH', base, { token, body: { plan_slug: 'starter' } })).status, 403);
    assert.equal((await api.call('POST', `${base}/customers`, { token, body: { customer_id: third.id } })).status, 403);
    assert.equal((await api.call('DELETE', `${base}/customers/${owner.id}`, { token })).status, 403);
    assert.equal((await api.call('DELETE', `${base}/customers/${member.id}`, { token })).status, 200);
  });

  it('teammates see each other by name, administrators also by email, nobody by alternative_id; customers add nobody by id', async () => {
    const owner = await api.createCustomer({ plan: 'pro' });
    const victimAlternativeId = `victim-${Date.now()}`;
    const victim = await api.admin('POST', '/api/v1/customers', { alternative_id: victimAlternativeId, name: 'Victor Secret', email: `${victimAlternativeId}@private.example` });
    const ownerToken = await api.customerToken(owner.id);
    const base = `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`;

    for (const customerId of [victimAlternativeId, victim.body.id]) {
      const refused = await api.call('POST', base, { token: ownerToken, body: { customer_id: customerId, is_administrator: true } });
      assert.equal(refused.status, 403, 'no consent of theirs, and it would show their email: people are invited by email');
      assert.match(refused.body.detail, /Invite teammates by email/);
      assert.doesNotMatch(refused.text, /Victor Secret|private\.example/);
    }
    assert.equal((await api.admin('GET', base)).body.length, 1, 'nobody was added');

    // The host's backend adds them (product credentials), as after an invitation.
    assert.equal((await api.admin('POST', base, { customer_id: victim.body.id })).status, 200);

    const listed = await api.call('GET', base, { token: ownerToken });
    assert.equal(listed.status, 200);
    assert.ok(!listed.text.includes(`"${victimAlternativeId}"`), 'never an alternative id');
    const mine = listed.body.find((member: any) => member.customer_id === owner.id);
    assert.deepEqual(mine.customer, { id: owner.id, name: 'Test Customer', email: owner.alternativeId }, 'its own details');
    const theirs = listed.body.find((member: any) => member.customer_id === victim.body.id);
    assert.equal(theirs.is_subscriber, true, 'membership flags stay');
    assert.equal(theirs.is_administrator, false);

    const teammateView = await api.call('GET', `/api/v1/customers/${victim.body.id}/subscriptions/${owner.subscriptionId}/customers`, {
      token: await api.customerToken(victim.body.id),
    });
    assert.equal(teammateView.status, 200);
    assert.deepEqual(teammateView.body.find((member: any) => member.customer_id === owner.id).customer, { id: owner.id, name: 'Test Customer' }, 'a member sees names only');

    const hostView = await api.admin('GET', base);
    assert.deepEqual(hostView.body.find((member: any) => member.customer_id === victim.body.id).customer, {
      id: victim.body.id,
      name: 'Victor Secret',
      email: `${victimAlternativeId}@private.example`,
      alternative_id: victimAlternativeId,
    }, 'product credentials see the details as before');
  });

  it('may change max_subscribers and is_active only on a self-serve plan', async () => {
    const enterprise = await api.createCustomer({ plan: 'enterprise' });
    const enterpriseToken = await api.customerToken(enterprise.id);
    const enterprisePath = `/api/v1/customers/${enterprise.id}/subscriptions/${enterprise.subscriptionId}`;
    for (const body of [{ max_subscribers: 999 }, { is_active: false }, { is_active: true }, { max_subscribers: 5, auto_renew: false }]) {
      const answer = await api.call('PATCH', enterprisePath, { token: enterpriseToken, body });
      assert.equal(answer.status, 403, JSON.stringify(body));
    }
    const unchanged = await api.admin('GET', enterprisePath);
    assert.equal(unchanged.body.max_subscribers, 1000);
    assert.equal(unchanged.body.auto_renew, true, 'a refused PATCH applies nothing');
    assert.equal((await api.admin('PATCH', enterprisePath, { max_subscribers: 20, is_active: false })).status, 200, 'the vendor may');

    const pro = await api.createCustomer({ plan: 'pro' });
    const proToken = await api.customerToken(pro.id);
    const proPath = `/api/v1/customers/${pro.id}/subscriptions/${pro.subscriptionId}`;
    const seats = await api.call('PATCH', proPath, { token: proToken, body: { max_subscribers: 8 } });
    assert.equal(seats.status, 200);
    assert.equal(seats.body.max_subscribers, 8);
    const beyondPlan = await api.call('PATCH', proPath, { token: proToken, body: { max_subscribers: 11 } });
    assert.equal(beyondPlan.status, 422, 'Pro allows 10 seats');
    assert.deepEqual(beyondPlan.body.detail[0].loc, ['body', 'max_subscribers']);
    assert.equal((await api.call('PATCH', proPath, { token: proToken, body: { is_active: false } })).body.is_active, false);
  });

  it('max_subscribers stays within 1..1000 for every caller (422)', async () => {
    const pro = await api.createCustomer({ plan: 'pro' });
    const proToken = await api.customerToken(pro.id);
    const proPath = `/api/v1/customers/${pro.id}/subscriptions/${pro.subscriptionId}`;
    for (const [value, type] of [[1001, 'less_than_equal'], [1e9, 'less_than_equal'], [0, 'greater_than_equal']] as const) {
      for (const options of [{ token: proToken }, { token: 'basic' }]) {
        const answer = await api.call('PATCH', proPath, { ...options, body: { max_subscribers: value } });
        assert.equal(answer.status, 422, `${value} (${options.token === 'basic' ? 'product' : 'customer'})`);
        assert.deepEqual(answer.body.detail[0].loc, ['body', 'max_subscribers']);
        assert.equal(answer.body.detail[0].type, type);
      }
    }
    assert.equal((await api.admin('PATCH', proPath, { max_subscribers: 1000 })).body.max_subscribers, 1000);
    const customer = await api.createCustomer();
    const create = (max: number) => api.admin('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: customer.id, max_subscribers: max });
    assert.equal((await create(1001)).status, 422, 'on create too');
    assert.equal((await create(1000)).status, 200);
  });

  it('sees public plans plus the plans of its own subscriptions', async () => {
    const legacy = await api.createCustomer({ plan: 'legacy-2019' });
    const fresh = await api.createCustomer();
    const legacyPlans = await api.call('GET', `/api/v1/products/${PRODUCT}/plans`, { token: await api.customerToken(legacy.id) });
    assert.ok(legacyPlans.body.some((plan: any) => plan.slug === 'legacy-2019'));
    const freshToken = await api.customerToken(fresh.id);
    const freshPlans = await api.call('GET', `/api/v1/products/${PRODUCT}/plans`, { token: freshToken });
    assert.ok(!freshPlans.body.some((plan: any) => plan.slug === 'legacy-2019'));
    assert.equal((await api.call('GET', `/api/v1/products/${PRODUCT}/plans/legacy-2019`, { token: freshToken })).status, 404);
  });

  it('stops working (401) once its customer is deleted', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const token = await api.customerToken(customer.id);
    assert.equal((await api.call('GET', `/api/v1/products/${PRODUCT}`, { token })).status, 200);
    await api.admin('DELETE', `/api/v1/customers/${customer.id}`);
    assert.equal((await api.call('GET', `/api/v1/products/${PRODUCT}`, { token })).status, 401);
  });
});

describe('client scopes', () => {
  const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');

  it('customer management needs customers:read to read and customers:write to write', async () => {
    const reporting = basic('reporting-client', 'reporting-secret');
    const metering = basic('metering-client', 'metering-secret');
    for (const route of ROUTES.filter((candidate) => candidate.customersScope)) {
      const f = await fixture();
      const withoutScope = await call(route, f, { authorization: metering });
      assert.equal(withoutScope.status, 403, `${route.name}: no customers scope`);
      assert.match(withoutScope.body.detail, /customers:/, `${route.name}: names the scope`);
      const readOnly = await call(route, f, { authorization: reporting });
      assert.equal(readOnly.status, route.customersScope === 'read' ? 200 : 403, `${route.name}: customers:read only`);
    }
  });

  it('a write scope implies its read scope', async () => {
    const catalog = testCatalog();
    catalog.clients.push({ client_id: 'writer', client_secret: 'writer-secret', scopes: ['customers:write', 'usage:write'] });
    const own = await startTestServer({ catalog });
    try {
      const customer = await own.createCustomer({ plan: 'pro' });
      const authorization = basic('writer', 'writer-secret');
      assert.equal((await own.call('GET', `/api/v1/customers/${customer.id}`, { authorization })).status, 200);
      assert.equal((await own.call('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls`, { authorization })).status, 200);
      const denied = await own.call('GET', `/api/v1/customers/${customer.id}/subscriptions`, { authorization });
      assert.deepEqual([denied.status, denied.body.detail], [403, 'Missing scope subscriptions:read']);
    } finally {
      await own.server.close();
    }
  });

  it('says why a request is not authenticated', async () => {
    const detail = async (headers: Record<string, string>) => (await api.call('GET', `/api/v1/products/${PRODUCT}`, { headers })).body.detail;
    assert.equal(await detail({}), 'Not authenticated');
    assert.equal(await detail({ authorization: basic('demo-client', 'wrong') }), 'Invalid client credentials');
    assert.equal(await detail({ authorization: 'Digest x' }), 'Unsupported authorization scheme');
  });

  it('a read-only client reads but cannot write', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const authorization = basic('reporting-client', 'reporting-secret');
    const read = (path: string) => api.call('GET', path, { authorization });
    assert.equal((await read(`/api/v1/customers/${customer.id}`)).status, 200);
    assert.equal((await read(`/api/v1/customers/${customer.id}/subscriptions`)).status, 200);
    assert.equal((await read(`/api/v1/customers/${customer.id}/products/${PRODUCT}/entitlements`)).status, 200);
    assert.equal((await read(`/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls`)).status, 200);
    const denied = await api.call('POST', '/api/v1/customers', { authorization, body: {} });
    assert.equal(denied.status, 403);
    assert.match(denied.body.detail, /customers:write/);
    assert.equal((await api.call('PATCH', `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`, { authorization, body: { auto_renew: false } })).status, 403);
    assert.equal((await api.call('POST', `/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls`, { authorization, body: { usage: 1 } })).status, 403);
    assert.equal((await api.call('POST', '/api/v1/auth/customer-token', { authorization, body: { customer_id: customer.id } })).status, 403);
  });

  it('the /__emulator hooks need a client with every scope: read-only and usage-only clients get 403 and change nothing', async () => {
    const hooks: [string, string, unknown?][] = [
      ['POST', '/__emulator/reset', {}],
      ['POST', '/__emulator/clock', { advance_seconds: 86_400 }],
      ['POST', '/__emulator/sockets/close', {}],
      ['GET', '/__emulator/sockets'],
    ];
    const customer = await api.createCustomer({ plan: 'pro' });
    const socket = await EntitlementsSocket.open(api, customer.id, await api.customerToken(customer.id));
    const clockBefore = (await api.advanceClock(0)).body.now;
    for (const authorization of [basic('reporting-client', 'reporting-secret'), basic('metering-client', 'metering-secret')]) {
      for (const [method, path, body] of hooks) {
        const answer = await api.call(method, path, { authorization, body });
        assert.equal(answer.status, 403, `${method} ${path}`);
        assert.match(answer.body.detail, /every scope/);
      }
    }
    const customerToken = await api.customerToken(customer.id);
    assert.equal((await api.call('POST', '/__emulator/reset', { token: customerToken, body: {} })).status, 403);
    assert.ok(Date.parse((await api.advanceClock(0)).body.now) - Date.parse(clockBefore) < 3_600_000, 'the clock did not move');
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}`)).status, 200, 'nothing was reset');
    assert.equal(socket.socket.readyState, socket.socket.OPEN, 'no socket was closed');
    socket.close();
  });

  it('a metering client reports and reads usage only', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const tokenAnswer = await api.call('POST', '/api/v1/auth/token', { authorization: basic('metering-client', 'metering-secret') });
    const token = tokenAnswer.body.access_token;
    assert.equal((await api.call('POST', `/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls`, { token, body: { usage: 1 } })).status, 200);
    assert.equal((await api.call('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/levers/api-calls/usage`, { token })).status, 200);
    assert.equal((await api.call('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/entitlements`, { token })).status, 403);
    assert.equal((await api.call('GET', `/api/v1/customers/${customer.id}`, { token })).status, 403);
    assert.equal((await api.call('GET', `/api/v1/products/${PRODUCT}`, { token })).status, 200, 'the catalog is readable by every client');
  });
});
