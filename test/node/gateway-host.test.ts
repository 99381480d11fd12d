// The gateway as the host's backend sees it: a visit creates nothing, the first write creates one
// customer however many requests race, the CSRF guard, CORS only for listed origins, what never crosses to Planship or
// back, and how upstream failures read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPlanshipGateway, GatewayOptionsError } from '../../src/gateway/index.ts';
import { PRODUCT, newUserId, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

let host: GatewayHost;
before(async () => {
  host = await startGatewayHost({ allowedOrigins: ['https://app.example.com'] });
});
after(() => host.close());

describe('identity', () => {
  it('a visit creates nothing upstream: 20 concurrent reads of a new user answer a customer with nothing', async () => {
    const userId = newUserId();
    const session = host.signIn({ id: userId, email: userId, name: 'Ada First' });
    const before = host.upstream.filter((record) => record.method !== 'GET' && record.path !== '/api/v1/auth/token').length;
    const reads = await Promise.all([
      ...Array.from({ length: 20 }, () => host.call('GET', '/api/v1/customers/me/subscriptions', { session })),
      host.call('GET', `/api/v1/customers/me/products/${PRODUCT}/entitlements`, { session }),
      host.call('GET', `/api/v1/customers/me/products/${PRODUCT}/levers/api-calls/usage`, { session }),
      host.call('GET', '/portal', { session }),
    ]);
    assert.deepEqual([...new Set(reads.map((answer) => answer.status))], [200]);
    assert.deepEqual(reads[0].body, []);
    assert.equal(host.upstream.filter((record) => record.method !== 'GET' && record.path !== '/api/v1/auth/token').length, before, 'no write upstream');
    assert.equal((await host.admin('GET', `/api/v1/customers/${encodeURIComponent(userId)}`)).status, 404);
    assert.deepEqual(reads[21].body, { total: 0, by_bucket: {}, by_subscription: {} });
    assert.deepEqual(reads[22].body.subscriptions, []);
    const empty = await host.admin('POST', '/api/v1/customers', { alternative_id: newUserId() });
    const planshipSays = await host.admin('GET', `/api/v1/customers/${empty.body.id}/products/${PRODUCT}/entitlements`);
    assert.deepEqual(reads[20].body, planshipSays.body, 'every lever at its default, as Planship answers for a customer with nothing');
  });

  it('the first write creates the customer once, however many race, with the email and name identify gave', async () => {
    const userId = newUserId();
    const session = host.signIn({ id: userId, email: userId, name: 'Ada First' });
    const creates = () => host.upstream.filter((record) => record.method === 'POST' && record.path === '/api/v1/customers').length;
    const before = creates();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => host.call('POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { session, body: { customer_id: 'me' } })),
    );
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, ...Array(19).fill(409)]);
    assert.equal(creates() - before, 1);
    const created = await host.admin('GET', `/api/v1/customers/${encodeURIComponent(userId)}`);
    assert.equal(created.body.name, 'Ada First');
    assert.equal(created.body.email, userId);
  });

  it('a returning user is found by the host user id (its alternative id), not created again', async () => {
    const userId = newUserId();
    const existing = await host.admin('POST', '/api/v1/customers', { alternative_id: userId, name: 'Already Here' });
    const session = host.signIn({ id: userId, name: 'Ignored' });
    const creates = host.upstream.filter((record) => record.method === 'POST' && record.path === '/api/v1/customers').length;
    await host.admin('POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { customer_id: existing.body.id });
    const answer = await host.call('GET', '/api/v1/customers/me/subscriptions', { session });
    assert.equal(answer.body[0].customer_id, existing.body.id);
    assert.equal(host.upstream.filter((record) => record.method === 'POST' && record.path === '/api/v1/customers').length, creates);
  });

  it("a user id that is another customer's uuid does not open that customer's billing", async () => {
    const victim = await host.admin('POST', '/api/v1/customers', { alternative_id: newUserId(), name: 'Victim' });
    const session = host.signIn({ id: victim.body.id });
    const answer = await host.call('GET', '/api/v1/customers/me/subscriptions', { session });
    assert.equal(answer.status, 403);
    assert.doesNotMatch(answer.text, /Victim/);
  });

  it('a user whose email another customer has still gets billing (created without the email)', async () => {
    const email = `${newUserId()}`;
    await host.admin('POST', '/api/v1/customers', { alternative_id: newUserId(), email });
    const userId = newUserId();
    const answer = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/free/subscriptions`, { session: host.signIn({ id: userId, email }), body: { customer_id: 'me' } });
    assert.equal(answer.status, 200, answer.text);
    assert.equal((await host.admin('GET', `/api/v1/customers/${encodeURIComponent(userId)}`)).body.email, '');
  });
});

describe('one subscription of its own, through the gateway', () => {
  it('20 racing subscribe requests from one signed-in customer create exactly one subscription', async () => {
    const userId = newUserId();
    const session = host.signIn({ id: userId });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        host.call('POST', `/api/v1/products/${PRODUCT}/plans/${index % 2 ? 'pro' : 'starter'}/subscriptions`, { session, body: { customer_id: 'me' } }),
      ),
    );
    assert.equal(answers.filter((answer) => answer.status === 200).length, 1);
    assert.equal(answers.filter((answer) => answer.status === 409).length, 19);
    const listed = await host.admin('GET', `/api/v1/customers/${encodeURIComponent(userId)}/subscriptions`);
    assert.equal(listed.body.filter((subscription: any) => subscription.is_active).length, 1);
  });
});

describe('cross-site requests', () => {
  it('writes from another site are refused (Origin, or Sec-Fetch-Site); text/plain bodies are refused; same-origin passes', async () => {
    const userId = newUserId();
    const session = host.signIn({ id: userId });
    const path = `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`;
    const body = { customer_id: 'me' };
    assert.equal((await host.call('POST', path, { session, body, headers: { origin: 'https://evil.example' } })).status, 403);
    assert.equal((await host.call('POST', path, { session, body, headers: { 'sec-fetch-site': 'cross-site' } })).status, 403);
    const form = await host.call('POST', path, { session, rawBody: JSON.stringify(body), headers: { 'content-type': 'text/plain' } });
    assert.equal(form.status, 415);
    assert.equal((await host.admin('GET', `/api/v1/customers/${encodeURIComponent(userId)}/subscriptions`)).body.length ?? 0, 0, 'nothing was created');
    const same = await host.call('POST', path, { session, body, headers: { origin: host.origin, 'sec-fetch-site': 'same-origin' } });
    assert.equal(same.status, 200, same.text);
  });

  it('CORS headers only for the listed origins (with credentials); none for others', async () => {
    const session = host.signIn({ id: newUserId() });
    const allowed = await host.call('GET', `/api/v1/products/${PRODUCT}`, { session, headers: { origin: 'https://app.example.com' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    const other = await host.call('GET', `/api/v1/products/${PRODUCT}`, { session, headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${host.origin}/planship/api/v1/customers/me/subscriptions/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-methods')!, /PATCH/);
    const write = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/free/subscriptions`, {
      session,
      body: { customer_id: 'me' },
      headers: { origin: 'https://app.example.com' },
    });
    assert.equal(write.status, 200, 'a listed origin may write');
  });

  it('with no allowedOrigins, no CORS headers at all', async () => {
    const plain = await startGatewayHost();
    try {
      const answer = await plain.call('GET', `/api/v1/products/${PRODUCT}`, { session: plain.signIn({ id: newUserId() }), headers: { origin: 'https://app.example.com' } });
      assert.equal(answer.status, 403, 'a read from another origin is refused too');
      assert.equal([...answer.headers.keys()].filter((name) => name.startsWith('access-control')).length, 0);
    } finally {
      await plain.close();
    }
  });
});

describe('what crosses the gateway', () => {
  it('no cookie or page Authorization goes upstream; no token, Set-Cookie or cache comes back', async () => {
    const session = host.signIn({ id: newUserId() });
    host.upstreamHeaders.length = 0;
    const answers = await Promise.all([
      host.call('GET', `/api/v1/products/${PRODUCT}/plans`, { session, headers: { authorization: 'Bearer page-made-this-up' } }),
      host.call('GET', '/api/v1/customers/me/subscriptions', { session }),
      host.call('POST', `/api/v1/products/${PRODUCT}/plans/free/subscriptions`, { session, body: { customer_id: 'me' } }),
    ]);
    for (const { headers } of host.upstreamHeaders) {
      assert.equal(headers.get('cookie'), null);
      assert.notEqual(headers.get('authorization'), 'Bearer page-made-this-up');
    }
    for (const answer of answers) {
      assert.equal(answer.headers.get('set-cookie'), null);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      assert.doesNotMatch(answer.text, /pt_[A-Za-z0-9_-]{10,}/, 'no product token');
    }
  });

  it('wrong product credentials: 502 with a plain message for the page, the reason only in the host log', async () => {
    const logged: string[] = [];
    const broken = await startGatewayHost({ clientSecret: 'wrong', log: (message) => logged.push(message) });
    try {
      const answer = await broken.call('GET', `/api/v1/products/${PRODUCT}`, { session: broken.signIn({ id: newUserId() }) });
      assert.equal(answer.status, 502);
      assert.match(answer.body.detail, /not available right now/);
      assert.doesNotMatch(answer.text, /credential|secret|token/i);
      assert.ok(logged.some((line) => /product credentials/.test(line)));
      assert.ok(logged.every((line) => !line.includes('wrong')), 'the secret is never logged');
    } finally {
      await broken.close();
    }
  });

  it('Planship unreachable: 502 that says to try again', async () => {
    const gateway = createPlanshipGateway({
      productSlug: PRODUCT,
      clientId: 'x',
      clientSecret: 'y',
      baseUrl: 'http://127.0.0.1:1',
      identify: () => ({ id: 'someone' }),
      log: () => {},
    });
    try {
      const answer = await gateway.handleRequest(new Request(`http://localhost/planship/api/v1/products/${PRODUCT}`));
      assert.equal(answer.status, 502);
      assert.match((await answer.json()).detail, /try again/);
    } finally {
      await gateway.close();
    }
  });

  it('outside basePath: 404 from handleRequest, next() from the middleware', async () => {
    const answer = await host.gateway.handleRequest(new Request(`${host.origin}/elsewhere`));
    assert.equal(answer.status, 404);
    let nextCalled = false;
    host.gateway.nodeHandler({ url: '/elsewhere', headers: {}, method: 'GET' } as never, {} as never, () => (nextCalled = true));
    assert.equal(nextCalled, true);
  });

  it('refuses options it cannot use, naming them', () => {
    const base = { productSlug: PRODUCT, clientId: 'a', clientSecret: 'b', identify: () => null };
    assert.throws(() => createPlanshipGateway({ ...base, clientSecret: '' }), GatewayOptionsError);
    assert.throws(() => createPlanshipGateway({ ...base, baseUrl: 'not a url' }), /baseUrl/);
    assert.throws(() => createPlanshipGateway({ ...base, heartbeatMs: -1 }), /heartbeatMs/);
    assert.throws(() => createPlanshipGateway({ ...base, identify: undefined as never }), /identify/);
  });
});
