// The customer policy's pure rules at their edges (src/policy): JSON types field by field, the
// words of each refusal, plans one is already on, invitation addresses, member details, the
// bounds on bodies (strings at the very start, keys that do not decode, UTF-8 at each width) and
// the latest-frame sender on a socket that is no longer open.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkMemberInvite,
  checkSubscriptionCreate,
  checkSubscriptionUpdate,
  jsonTextDepthIssue,
  latestFrameSender,
  memberDetails,
  metadataIssue,
  PolicyRefusal,
  utf8ByteLength,
  type FrameSocket,
  type PlanFacts,
  type SubscriptionFacts,
} from '../../src/policy/index.ts';

const PLANS: Record<string, PlanFacts> = {
  free: { slug: 'free', isPublic: true, isSelfServe: true, maxSubscribers: 1 },
  pro: { slug: 'pro', isPublic: true, isSelfServe: true, maxSubscribers: 10 },
  // Self-serve but no longer listed: customers already on it keep it.
  retired: { slug: 'retired', isPublic: false, isSelfServe: true, maxSubscribers: 5 },
};
const caller = { id: 'c0ffee00-0000-4000-8000-000000000001', alternativeId: 'user-1' };

const subscription = (overrides: Partial<SubscriptionFacts> = {}): SubscriptionFacts => ({
  id: 'sub-1',
  planSlug: 'pro',
  renewPlanSlug: 'pro',
  maxSubscribers: 2,
  isActive: true,
  isAdministrator: true,
  ...overrides,
});

const update = (body: unknown, on = subscription()) => checkSubscriptionUpdate({ subscription: on, plans: (slug) => PLANS[slug], body, subscriptions: [on] });
const create = (body: unknown, plan = PLANS.pro) => checkSubscriptionCreate({ plan, body, caller, subscriptions: [] });

/** The refusal `run` throws (fails when it throws none). */
function refusal(run: () => unknown): PolicyRefusal {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PolicyRefusal, String(error));
    return error;
  }
  assert.fail('allowed');
}

describe('policy: JSON types of the fields a customer sends', () => {
  it('plan_slug and renew_plan_slug take a string or null; customer_id a string only', () => {
    assert.deepEqual(update({ renew_plan_slug: null }), { renew_plan_slug: null }, 'null cancels a scheduled change');
    assert.deepEqual(update({ plan_slug: 'free' }), { plan_slug: 'free', max_subscribers: 1 });
    const slugIssue = refusal(() => update({ plan_slug: 5 }));
    assert.deepEqual([slugIssue.status, slugIssue.detail], [422, [{ loc: ['body', 'plan_slug'], msg: 'Input should be a valid string', type: 'string_type' }]]);
    for (const customer of [null, 5, true]) {
      const customerIssue = refusal(() => create({ customer_id: customer }));
      assert.deepEqual(customerIssue.detail, [{ loc: ['body', 'customer_id'], msg: 'Input should be a valid string', type: 'string_type' }], String(customer));
    }
    assert.deepEqual(create({ customer_id: 'me' }), { customer_id: caller.id });
  });
});

describe('policy: the words of a refusal', () => {
  it('a refusal is a PolicyRefusal by name, its message the detail', () => {
    const refused = refusal(() => create({ customer_id: 'someone-else' }));
    assert.equal(refused.name, 'PolicyRefusal');
    assert.deepEqual([refused.status, refused.message], [403, 'You can only see and change your own billing.']);
  });

  it('a member who is not an administrator is told to ask one', () => {
    const refused = refusal(() => update({ auto_renew: false }, subscription({ isAdministrator: false })));
    assert.deepEqual([refused.status, refused.detail], [403, 'Only an administrator of this subscription can change it: ask them to.']);
  });

  it('seats beyond the plan on a new subscription are refused at max_subscribers', () => {
    const refused = refusal(() => create({ customer_id: 'me', max_subscribers: 11 }));
    assert.deepEqual(refused.detail, [
      {
        loc: ['body', 'max_subscribers'],
        msg: 'The pro plan allows at most 10 seats, not 11: set max_subscribers to 10 or fewer (in the same change, or first).',
        type: 'less_than_equal',
      },
    ]);
  });
});

describe('policy: a plan one is already on', () => {
  it('may be named again though customers can no longer choose it (now or for renewal)', () => {
    const onRetired = subscription({ planSlug: 'retired', renewPlanSlug: 'pro' });
    assert.deepEqual(update({ plan_slug: 'retired', auto_renew: true }, onRetired), { plan_slug: 'retired', auto_renew: true });
    assert.deepEqual(update({ renew_plan_slug: 'retired' }, onRetired), { renew_plan_slug: 'retired' });
    const refused = refusal(() => update({ plan_slug: 'retired' }));
    assert.deepEqual([refused.status, refused.detail], [403, 'The "retired" plan cannot be chosen here: contact us about it.']);
  });
});

describe('policy: invitations and members', () => {
  it('the address is trimmed before it is checked and kept', () => {
    assert.deepEqual(checkMemberInvite({ subscription: subscription(), body: { email: '  ada@example.com \n' } }), { email: 'ada@example.com', isAdministrator: false });
  });

  it('an administrator sees a member without an email as an empty one; others see none', () => {
    assert.deepEqual(memberDetails({ id: 'm' }, { isSelf: false, isAdministrator: true }), { id: 'm', name: '', email: '' });
    assert.deepEqual(memberDetails({ id: 'm', email: 'm@example.com' }, { isSelf: false, isAdministrator: false }), { id: 'm', name: '' });
  });
});

describe('policy/limits at their edges', () => {
  it('a string that starts the text is a string: its brackets do not nest', () => {
    assert.equal(jsonTextDepthIssue('"[[[[[[{{{{"', 2), undefined);
  });

  it('a key that does not decode is named as written', () => {
    assert.deepEqual(jsonTextDepthIssue('{"k\\q": [[1]]}', 2)?.loc, ['body', 'k\\q']);
  });

  it('UTF-8 widths at each boundary', () => {
    const cases: [string, number][] = [
      ['\u007f', 1],
      ['\u0080', 2],
      ['\u07ff', 2],
      ['\u0800', 3],
      ['\uffff', 3],
      ['\ud83d\ude00', 4],
      ['\ud83d', 3],
      ['\ud83dx', 4],
      ['\ude00', 3],
    ];
    for (const [text, bytes] of cases) assert.equal(utf8ByteLength(text), bytes, JSON.stringify(text));
  });

  it('metadata: problems are at ["body", "metadata"] unless told otherwise; no metadata is no bytes', () => {
    assert.deepEqual(metadataIssue({ a: 'x'.repeat(40_000) })?.loc, ['body', 'metadata']);
    const deep = JSON.parse('['.repeat(40) + ']'.repeat(40));
    assert.deepEqual(metadataIssue(deep)?.loc, ['body', 'metadata']);
    assert.equal(metadataIssue(undefined, ['body', 'metadata'], 1), undefined);
  });
});

describe('policy/live-frames on a socket that is no longer open', () => {
  function socket(readyState = 1) {
    const written: { data: string; binary: boolean }[] = [];
    const fake: FrameSocket & { readyState: number } = {
      readyState,
      bufferedAmount: 0,
      send: (data, options) => void written.push({ data: String(data), binary: options.binary }),
      close: () => (fake.readyState = 3),
      terminate: () => (fake.readyState = 3),
    };
    return { fake, written };
  }

  it('sends nothing once closed, and close sends a waiting frame as text only while open', () => {
    const open = socket();
    const sender = latestFrameSender(open.fake);
    sender.send('first'); // on its way: its callback never comes
    sender.send('waiting');
    sender.close(1000, 'bye');
    assert.deepEqual(open.written, [
      { data: 'first', binary: false },
      { data: 'waiting', binary: false },
    ]);
    sender.send('after');
    assert.equal(open.written.length, 2, 'nothing after the close');

    const idle = socket();
    const idleSender = latestFrameSender(idle.fake);
    idleSender.close(1000, 'bye');
    assert.deepEqual(idle.written, [], 'nothing was waiting: nothing sent');
    idleSender.send('after');
    assert.deepEqual(idle.written, [], 'a closed socket is not written to');

    const closing = socket();
    const late = latestFrameSender(closing.fake);
    late.send('first');
    late.send('waiting');
    closing.fake.readyState = 2;
    late.close(1000, 'bye');
    assert.deepEqual(closing.written.map((frame) => frame.data), ['first'], 'a closing socket gets no waiting frame');
  });
});
