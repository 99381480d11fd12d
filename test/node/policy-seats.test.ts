// Seats refused because of the plan a subscription renews on (src/policy/rules.ts): the refusal
// names that plan and when it applies (the renewal day from the facts, else "at renewal"), and
// its type tells a portal so (`less_than_equal_at_renewal`, `ctx.le`), in FastAPI's shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSubscriptionUpdate, PolicyRefusal, type PlanFacts, type SubscriptionFacts } from '../../src/policy/index.ts';

const PLANS: Record<string, PlanFacts> = {
  free: { slug: 'free', isPublic: true, isSelfServe: true, maxSubscribers: 1 },
  starter: { slug: 'starter', isPublic: true, isSelfServe: true, maxSubscribers: 3 },
  pro: { slug: 'pro', isPublic: true, isSelfServe: true, maxSubscribers: 10 },
};

/** Pro with 4 seats (limit 10), renewing on Starter (limit 3). */
const onPro = (renewAt?: string | null): SubscriptionFacts => ({
  id: 'sub-1',
  planSlug: 'pro',
  renewPlanSlug: 'starter',
  maxSubscribers: 4,
  isActive: true,
  isAdministrator: true,
  ...(renewAt !== undefined && { renewAt }),
});

/** The refusal of `body` on `subscription` (fails when there is none). */
function refusal(subscription: SubscriptionFacts, body: Record<string, unknown>): PolicyRefusal {
  try {
    checkSubscriptionUpdate({ subscription, plans: (slug) => PLANS[slug], body, subscriptions: [subscription] });
  } catch (error) {
    assert.ok(error instanceof PolicyRefusal, String(error));
    return error;
  }
  assert.fail(`${JSON.stringify(body)} was allowed`);
}

describe('policy: seats over the limit of the plan a subscription renews on', () => {
  it('names the renewal plan and its day: 5 seats fit Pro now, Starter renews with at most 3', () => {
    const refused = refusal(onPro('2026-12-03T10:30:00.000Z'), { max_subscribers: 5 });
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.detail, [
      {
        loc: ['body', 'max_subscribers'],
        msg: 'Your subscription renews on the starter plan on 2026-12-03, which allows at most 3 seats, not 5: set max_subscribers to 3 or fewer (in the same change, or first).',
        type: 'less_than_equal_at_renewal',
        ctx: { le: 3 },
      },
    ]);
  });

  it('says "at renewal" when the facts carry no renewal date (or one that is not a date)', () => {
    for (const renewAt of [undefined, null, 'soon']) {
      const [issue] = refusal(onPro(renewAt), { max_subscribers: 5 }).detail as { msg: string; type: string }[];
      assert.equal(issue.msg, 'Your subscription moves to the starter plan at renewal, which allows at most 3 seats, not 5: set max_subscribers to 3 or fewer (in the same change, or first).', String(renewAt));
      assert.equal(issue.type, 'less_than_equal_at_renewal');
    }
  });

  it('scheduling a smaller plan than the seats allow is refused at renew_plan_slug the same way', () => {
    const subscription = { ...onPro('2026-12-03T00:00:00Z'), renewPlanSlug: 'pro' };
    const [issue] = refusal(subscription, { renew_plan_slug: 'free' }).detail as { loc: string[]; msg: string; type: string; ctx: unknown }[];
    assert.deepEqual(issue.loc, ['body', 'renew_plan_slug']);
    assert.match(issue.msg, /^Your subscription renews on the free plan on 2026-12-03, which allows at most 1 seat, not 4:/);
    assert.deepEqual([issue.type, issue.ctx], ['less_than_equal_at_renewal', { le: 1 }]);
  });

  it("the plan now keeps its own words and type: it is not about renewal", () => {
    const subscription = { ...onPro('2026-12-03T00:00:00Z'), renewPlanSlug: 'pro' };
    assert.deepEqual(refusal(subscription, { max_subscribers: 11 }).detail, [
      {
        loc: ['body', 'max_subscribers'],
        msg: 'The pro plan allows at most 10 seats, not 11: set max_subscribers to 10 or fewer (in the same change, or first).',
        type: 'less_than_equal',
      },
    ]);
  });

  it('seats within both plans pass', () => {
    const body = { max_subscribers: 3 };
    assert.deepEqual(checkSubscriptionUpdate({ subscription: onPro('2026-12-03T00:00:00Z'), plans: (slug) => PLANS[slug], body, subscriptions: [] }), body);
  });
});
