// What a signed-in customer may change through the gateway, where a mistake costs the vendor
// money or a person their consent: seats on a plan change (now and at renewal), hosted Planship's
// plan list that says nothing of self-serve or seats, JSON types Planship would coerce, and
// members added by id. Every refusal is made by the policy: nothing reaches Planship.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PRODUCT, signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

let host: GatewayHost;
before(async () => {
  host = await startGatewayHost();
});
after(() => host.close());

const subscriptionPath = (id: string) => `/api/v1/customers/me/subscriptions/${id}`;
/** Writes to Planship (not the gateway's own token exchange, whose timing depends on which test asks first). */
const upstreamWrites = (gateway: GatewayHost) => gateway.upstream.filter((record) => record.method !== 'GET' && record.path !== '/api/v1/auth/token').length;

/** The gateway's plan list as `session` reads it: each plan's is_self_serve by slug (and the answer's text). */
async function selfServeBySlug(gateway: GatewayHost, session: string) {
  const listed = await gateway.call('GET', `/api/v1/products/${PRODUCT}/plans`, { session });
  return { text: listed.text, selfServe: Object.fromEntries(listed.body.map((plan: Record<string, unknown>) => [plan.slug, plan.is_self_serve])) };
}

/** Subscribes `session`'s customer to a plan through the gateway. */
const subscriber = (gateway: GatewayHost, session: string) => (plan: string, body: object) =>
  gateway.call('POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { session, body: { customer_id: 'me', ...body } });

describe('seats on a plan change', () => {
  it('50 seats on business: a move to free (1 seat) at renewal is refused; a move now takes free\'s limit', async () => {
    const p = await signedInPerson(host, 'business', { max_subscribers: 50 });
    const path = subscriptionPath(p.subscriptionId!);
    const writes = upstreamWrites(host);
    for (const body of [{ renew_plan_slug: 'free' }, { plan_slug: 'free', max_subscribers: 50 }]) {
      const refused = await host.call('PATCH', path, { session: p.session, body });
      assert.equal(refused.status, 422, refused.text);
      assert.deepEqual(refused.body.detail[0].loc, ['body', Object.keys(body).at(-1)]);
      assert.match(refused.body.detail[0].msg, /renews on the free plan on \d{4}-\d\d-\d\d, which allows at most 1 seat, not 50: set max_subscribers to 1 or fewer|free plan allows at most 1 seat, not 50/);
    }
    assert.equal(upstreamWrites(host), writes, 'refused before Planship');
    const state = await host.admin('GET', `/api/v1/customers/${p.customerId}/subscriptions/${p.subscriptionId}`);
    assert.deepEqual([state.body.plan.slug, state.body.renew_plan.slug, state.body.max_subscribers], ['business', 'business', 50]);

    const now = await host.call('PATCH', path, { session: p.session, body: { plan_slug: 'free' } });
    assert.equal(now.status, 200, now.text);
    assert.deepEqual([now.body.plan.slug, now.body.max_subscribers], ['free', 1]);
    assert.deepEqual(host.upstream.filter((record) => record.method === 'PATCH').at(-1)!.body, { plan_slug: 'free', max_subscribers: 1 });
  });

  it('a team larger than the smaller plan cannot move to it: Planship refuses the seats, nothing changes', async () => {
    const owner = await signedInPerson(host, 'pro', { max_subscribers: 5 });
    const mate = await signedInPerson(host);
    await host.admin('POST', `/api/v1/customers/${owner.customerId}/subscriptions/${owner.subscriptionId}/customers`, { customer_id: mate.customerId });
    const answer = await host.call('PATCH', subscriptionPath(owner.subscriptionId!), { session: owner.session, body: { plan_slug: 'free' } });
    assert.equal(answer.status, 409, answer.text);
    const state = await host.admin('GET', `/api/v1/customers/${owner.customerId}/subscriptions/${owner.subscriptionId}`);
    assert.deepEqual([state.body.plan.slug, state.body.max_subscribers], ['pro', 5]);
  });

  it('seats cannot be raised past the plan a subscription renews to', async () => {
    const p = await signedInPerson(host, 'pro', { max_subscribers: 3 });
    const path = subscriptionPath(p.subscriptionId!);
    assert.equal((await host.call('PATCH', path, { session: p.session, body: { renew_plan_slug: 'starter' } })).status, 200);
    const raised = await host.call('PATCH', path, { session: p.session, body: { max_subscribers: 8 } });
    assert.equal(raised.status, 422, raised.text);
    assert.deepEqual(raised.body.detail[0].loc, ['body', 'max_subscribers']);
    // The gateway reads the renewal date from the subscription (renew_at).
    const renewal = (await host.admin('GET', `/api/v1/customers/${p.customerId}/subscriptions/${p.subscriptionId}`)).body.renew_at.slice(0, 10);
    assert.match(raised.body.detail[0].msg, new RegExp(`^Your subscription renews on the starter plan on ${renewal}, which allows at most 3 seats`));
    assert.deepEqual([raised.body.detail[0].type, raised.body.detail[0].ctx], ['less_than_equal_at_renewal', { le: 3 }]);
  });
});

describe("hosted Planship's plan list (no is_self_serve, no max_subscribers): fail closed", () => {
  it('without selfServePlans no plan is self-serve: a contract plan cannot be bought', async () => {
    const hosted = await startGatewayHost({ selfServePlans: undefined, seatLimits: undefined });
    try {
      const listed = await hosted.call('GET', `/api/v1/products/${PRODUCT}/plans`, { session: (await signedInPerson(hosted)).session });
      // The hosted profile's list has no extras (our extended one says starter is self-serve), and
      // the gateway states its verdict so the elements show every plan read-only instead of
      // offering what it would refuse.
      assert.ok(listed.body.every((plan: Record<string, unknown>) => plan.is_self_serve === false && !('max_subscribers' in plan)), listed.text);
      for (const plan of ['enterprise', 'starter']) {
        const p = await signedInPerson(hosted);
        const answer = await hosted.call('POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { session: p.session, body: { customer_id: 'me' } });
        assert.equal(answer.status, 403, `${plan}: ${answer.text}`);
        assert.match(answer.body.detail, /contact us/);
      }
      assert.equal(hosted.upstream.filter((record) => record.path.endsWith('/subscriptions') && record.method === 'POST').length, 0);
    } finally {
      await hosted.close();
    }
  });

  it('selfServePlans names the plans; seatLimits gives their seats; a plan with no known limit takes no more seats', async () => {
    const hosted = await startGatewayHost({ selfServePlans: ['starter', 'pro'], seatLimits: { starter: 3 } });
    try {
      const p = await signedInPerson(hosted);
      const { selfServe, text } = await selfServeBySlug(hosted, p.session);
      assert.deepEqual(selfServe, { free: false, starter: true, pro: true, business: false, enterprise: false }, text);
      const subscribe = subscriber(hosted, p.session);
      assert.equal((await subscribe('enterprise', {})).status, 403, 'not listed');
      const tooMany = await subscribe('starter', { max_subscribers: 4 });
      assert.equal(tooMany.status, 422, tooMany.text);
      assert.match(tooMany.body.detail[0].msg, /starter plan allows at most 3 seats/);
      const created = await subscribe('starter', { max_subscribers: 3 });
      assert.equal(created.status, 200, created.text);

      const path = subscriptionPath(created.body.id);
      const unknownLimit = await hosted.call('PATCH', path, { session: p.session, body: { plan_slug: 'pro' } });
      assert.equal(unknownLimit.status, 403, unknownLimit.text);
      assert.match(unknownLimit.body.detail, /Seats on the pro plan are arranged with us: contact us to have 3 seats on it/);
      const oneSeat = await hosted.call('PATCH', path, { session: p.session, body: { plan_slug: 'pro', max_subscribers: 1 } });
      assert.equal(oneSeat.status, 200, oneSeat.text);
      const raise = await hosted.call('PATCH', path, { session: p.session, body: { max_subscribers: 2 } });
      assert.equal(raise.status, 403, raise.text);
      assert.match(raise.body.detail, /contact us/);
    } finally {
      await hosted.close();
    }
  });

  it("where the list says (our extended server), its is_self_serve and max_subscribers count; selfServePlans only narrows them", async () => {
    const extended = await startGatewayHost({ profile: 'extended', selfServePlans: ['starter', 'enterprise'] });
    try {
      const p = await signedInPerson(extended);
      const { selfServe, text } = await selfServeBySlug(extended, p.session);
      // enterprise is listed by the host, but the API says it is sold by contract.
      assert.deepEqual(selfServe, { free: false, starter: true, pro: false, business: false, enterprise: false }, text);
      const subscribe = subscriber(extended, p.session);
      assert.equal((await subscribe('enterprise', {})).status, 403);
      // starter's 3 seats come from the API's list: no seatLimits given.
      assert.match((await subscribe('starter', { max_subscribers: 4 })).body.detail[0].msg, /starter plan allows at most 3 seats/);
      assert.equal((await subscribe('starter', { max_subscribers: 3 })).status, 200);
    } finally {
      await extended.close();
    }
  });
});

describe('JSON types hosted Planship would coerce', () => {
  it('"true", 1, "1000", a number for a slug: 422 by field, before any rule and before Planship', async () => {
    const p = await signedInPerson(host, 'starter');
    const fresh = await signedInPerson(host);
    const path = subscriptionPath(p.subscriptionId!);
    const writes = upstreamWrites(host);
    const cases: [object, string, string][] = [
      [{ is_active: 'true' }, 'is_active', 'bool_type'],
      [{ auto_renew: 1 }, 'auto_renew', 'bool_type'],
      [{ max_subscribers: '1000' }, 'max_subscribers', 'int_type'],
      [{ max_subscribers: 2.5 }, 'max_subscribers', 'int_type'],
      [{ plan_slug: 5 }, 'plan_slug', 'string_type'],
      [{ renew_plan_slug: ['pro'] }, 'renew_plan_slug', 'string_type'],
    ];
    for (const [body, field, type] of cases) {
      const answer = await host.call('PATCH', path, { session: p.session, body });
      assert.equal(answer.status, 422, JSON.stringify(body));
      assert.deepEqual(answer.body.detail, [{ loc: ['body', field], msg: answer.body.detail[0].msg, type }], JSON.stringify(body));
    }
    const create = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, {
      session: fresh.session,
      body: { customer_id: 'me', is_subscriber: 'yes', max_subscribers: '5' },
    });
    assert.equal(create.status, 422);
    assert.deepEqual(create.body.detail.map((issue: any) => issue.loc[1]).sort(), ['is_subscriber', 'max_subscribers']);
    assert.equal(upstreamWrites(host), writes, 'nothing reached Planship');
  });

  it('a second subscription cannot be resumed with is_active "true"', async () => {
    const p = await signedInPerson(host, 'starter');
    const path = subscriptionPath(p.subscriptionId!);
    assert.equal((await host.call('PATCH', path, { session: p.session, body: { is_active: false } })).status, 200);
    assert.equal((await host.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { session: p.session, body: { customer_id: 'me' } })).status, 200);
    const writes = upstreamWrites(host);
    const resumed = await host.call('PATCH', path, { session: p.session, body: { is_active: 'true' } });
    assert.equal(resumed.status, 422);
    assert.equal(upstreamWrites(host), writes);
  });
});

describe('members are invited by email, never added by id', () => {
  it("a member who saw a teammate's uuid cannot add them to its own subscription (no consent, and it would show their email)", async () => {
    const owner = await signedInPerson(host, 'pro');
    const victim = await signedInPerson(host);
    const mallory = await signedInPerson(host);
    const team = `/api/v1/customers/${owner.customerId}/subscriptions/${owner.subscriptionId}/customers`;
    for (const member of [victim, mallory]) await host.admin('POST', team, { customer_id: member.customerId });
    const seen = await host.call('GET', `/api/v1/customers/me/subscriptions/${owner.subscriptionId}/customers`, { session: mallory.session });
    assert.ok(seen.body.some((entry: any) => entry.customer_id === victim.customerId), 'a member sees teammates by uuid');

    const own = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { session: mallory.session, body: { customer_id: 'me' } });
    assert.equal(own.status, 200, own.text);
    const writes = upstreamWrites(host);
    const added = await host.call('POST', `/api/v1/customers/me/subscriptions/${own.body.id}/customers`, {
      session: mallory.session,
      body: { customer_id: victim.customerId, is_administrator: true },
    });
    assert.equal(added.status, 403);
    assert.match(added.body.detail, /Invite teammates by email/);
    assert.doesNotMatch(added.text, new RegExp(victim.userId.replace(/[.+]/g, '\\$&')));
    assert.equal(upstreamWrites(host), writes);
    const victimSubscriptions = await host.admin('GET', `/api/v1/customers/${victim.customerId}/subscriptions`);
    assert.deepEqual(victimSubscriptions.body.map((subscription: any) => subscription.subscription_id), [owner.subscriptionId]);
  });
});
