// The portal routes' answers word for word, and what they read and write on the way: 404s that
// name what was not found, a plan read that is the plan, seats set back to the plan's limit after
// a write (logged), members' names on hosted Planship (whose member list has none: simulated by
// stripping them) looked up once and not kept when the lookup failed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PRODUCT, newUserId, signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

let host: GatewayHost;
/** Simulated upstream behaviour: member lists without names (hosted Planship), and statuses to answer instead of Planship, by path. */
let hostedMembers = false;
const faults = new Map<string, number>();

before(async () => {
  // Our server's extended profile: its member lists carry names, which the hosted simulation strips.
  host = await startGatewayHost({
    profile: 'extended',
    fetch: async (input, init) => {
      const path = new URL(String(input)).pathname;
      const fault = faults.get(path);
      if (fault) return new Response(JSON.stringify({ detail: 'simulated' }), { status: fault, headers: { 'content-type': 'application/json' } });
      const response = await fetch(input, init);
      if (!hostedMembers || (init?.method ?? 'GET') !== 'GET' || !/\/subscriptions\/[^/]+\/customers$/.test(path) || response.status !== 200) return response;
      const members = (await response.json()) as Record<string, unknown>[];
      return Response.json(members.map(({ customer: _customer, ...member }) => member));
    },
  });
});
after(() => host.close());

const subscriptionPath = (customer: string, subscription: string) => `/api/v1/customers/${customer}/subscriptions/${subscription}`;

describe('404s say what was not found', () => {
  it("another customer's subscription, read or changed through one's own path: \"Subscription not found\"", async () => {
    const owner = await signedInPerson(host, 'pro');
    const other = await signedInPerson(host, 'starter');
    for (const [method, suffix, body] of [['GET', '', undefined], ['PATCH', '', { auto_renew: false }], ['GET', '/customers', undefined]] as const) {
      const answer = await host.call(method, `${subscriptionPath('me', other.subscriptionId!)}${suffix}`, { session: owner.session, body });
      assert.deepEqual([answer.status, answer.body], [404, { detail: 'Subscription not found' }], `${method} ${suffix}`);
    }
  });

  it('a plan a customer may not see: "Plan not found"; one it may see answers that plan, not the product', async () => {
    const person = await signedInPerson(host);
    const hidden = await host.call('GET', `/api/v1/products/${PRODUCT}/plans/legacy-2019`, { session: person.session });
    assert.deepEqual([hidden.status, hidden.body], [404, { detail: 'Plan not found' }]);
    for (const session of [person.session, undefined]) {
      const plan = await host.call('GET', `/api/v1/products/${PRODUCT}/plans/pro`, { session });
      assert.equal(plan.status, 200);
      assert.deepEqual([plan.body.slug, plan.body.name], ['pro', 'Pro']);
      const entitlements = await host.call('GET', `/api/v1/products/${PRODUCT}/plans/pro/entitlements`, { session });
      assert.equal(entitlements.status, 200);
      // The plan's own entitlements (the gateway may fill in lever slugs from the catalog).
      const withoutSlugs = (list: Record<string, unknown>[]) => list.map(({ lever_slug: _slug, ...rest }) => rest);
      const upstream = (await host.admin('GET', `/api/v1/products/${PRODUCT}/plans/pro/entitlements`)).body;
      assert.deepEqual(withoutSlugs(entitlements.body), withoutSlugs(upstream));
    }
  });
});

describe('seats set back after a write', () => {
  it("a new subscription Planship gave more seats than the gateway's seatLimits: set back to the limit, and logged", async () => {
    const lines: string[] = [];
    const hosted = await startGatewayHost({ selfServePlans: ['pro'], seatLimits: { pro: 3 }, log: (line) => lines.push(line) });
    try {
      const person = await signedInPerson(hosted);
      // Planship gives a new subscription its plan's own seats (10 for pro) when none are asked for.
      const created = await hosted.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { session: person.session, body: { customer_id: 'me' } });
      assert.equal(created.status, 200, created.text);
      assert.equal(created.body.max_subscribers, 3);
      const stored = await hosted.admin('GET', subscriptionPath(person.customerId, created.body.subscription_id ?? created.body.id));
      assert.equal(stored.body.max_subscribers, 3);
      assert.deepEqual(lines, ['planship gateway: a subscription had 10 seats on the pro plan, which allows 3: set back to 3']);
    } finally {
      await hosted.close();
    }
  });
});

describe("members' names", () => {
  /** A team of an administrator and a plain member, both with names Planship knows. */
  async function team() {
    const owner = await signedInPerson(host, 'pro');
    const member = await signedInPerson(host);
    assert.equal((await host.admin('POST', `${subscriptionPath(owner.customerId, owner.subscriptionId!)}/customers`, { customer_id: member.customerId })).status, 200);
    return { owner, member, list: `${subscriptionPath('me', owner.subscriptionId!)}/customers` };
  }
  const nameReads = (customerId: string) => host.upstream.filter((record) => record.method === 'GET' && record.path === `/api/v1/customers/${customerId}`).length;
  const byId = (members: { customer_id: string; customer: { name?: string } }[]) => Object.fromEntries(members.map((entry) => [entry.customer_id, entry.customer]));

  it('a list that carries them is shown as it is, nothing read; a member sees its own email, not the others\'', async () => {
    const { owner, member, list } = await team();
    const answer = await host.call('GET', list, { session: member.session });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(byId(answer.body), {
      [owner.customerId]: { id: owner.customerId, name: `Name of ${owner.userId}` },
      [member.customerId]: { id: member.customerId, name: `Name of ${member.userId}`, email: member.userId },
    });
    assert.equal(nameReads(owner.customerId) + nameReads(member.customerId), 0);
  });

  it('hosted Planship (no names in the list): each member read once, shown by name', async () => {
    const { owner, member, list } = await team();
    hostedMembers = true;
    try {
      for (let round = 0; round < 2; round++) {
        const answer = await host.call('GET', list, { session: owner.session });
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(byId(answer.body), {
          [owner.customerId]: { id: owner.customerId, name: `Name of ${owner.userId}`, email: owner.userId },
          [member.customerId]: { id: member.customerId, name: `Name of ${member.userId}`, email: member.userId },
        });
      }
      assert.deepEqual([nameReads(owner.customerId), nameReads(member.customerId)], [1, 1]);
    } finally {
      hostedMembers = false;
    }
  });

  it('simulated fault: a name lookup that failed (503) is not kept: the next list reads it again', async () => {
    const { member, owner, list } = await team();
    hostedMembers = true;
    try {
      faults.set(`/api/v1/customers/${member.customerId}`, 503);
      assert.equal((await host.call('GET', list, { session: owner.session })).status, 502);
      faults.clear();
      const answer = await host.call('GET', list, { session: owner.session });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(byId(answer.body)[member.customerId].name, `Name of ${member.userId}`);
    } finally {
      hostedMembers = false;
      faults.clear();
    }
  });
});

describe('a user with no customer yet', () => {
  it('reads a subscription or its members: 404 "Subscription not found", and nothing is created', async () => {
    const session = host.signIn({ id: newUserId() });
    for (const suffix of ['', '/customers']) {
      const answer = await host.call('GET', `${subscriptionPath('me', 'c0ffee00-0000-4000-8000-000000000000')}${suffix}`, { session });
      assert.deepEqual([answer.status, answer.body], [404, { detail: 'Subscription not found' }]);
    }
  });
});
