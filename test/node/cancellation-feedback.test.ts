// A cancellation's reason and comment (the manager's `cancel-reasons`): the customer policy lets a
// cancelling PATCH carry exactly those two, bounded; our server keeps them in the customer's
// `metadata_` of the subscription (hosted Planship's PATCH has no metadata, so its profile does
// not); the gateway sends Planship none and tells the host's `onCancel` instead.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_COMMENT_LENGTH, MAX_REASON_LENGTH } from '../../src/policy/index.ts';
import type { Cancellation } from '../../src/gateway/index.ts';
import { signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';
import { startTestServer, type TestApi } from './server-helpers.ts';

const FEEDBACK = { cancellation_reason: 'too_expensive', cancellation_comment: '  Too much for us  ' };

describe('the customer policy', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestServer();
  });
  after(() => api.server.close());

  async function ownSubscription() {
    const customer = await api.createCustomer({ plan: 'pro' });
    const token = await api.customerToken(customer.id);
    const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
    return { customer, token, path, patch: (body: unknown) => api.call('PATCH', path, { token, body }) };
  }

  it('refuses metadata on an update that does not cancel, another key, a non-string and a value too long: 422, nothing changed', async () => {
    const { patch, token, path } = await ownSubscription();
    const before = (await api.call('GET', path, { token })).body;
    const refused = [
      { max_subscribers: 2, metadata: FEEDBACK },
      { auto_renew: false, metadata: { plan_override: 'business' } },
      { auto_renew: false, metadata: { cancellation_reason: 42 } },
      { auto_renew: false, metadata: { cancellation_reason: 'r'.repeat(MAX_REASON_LENGTH + 1) } },
      { auto_renew: false, metadata: { cancellation_comment: 'c'.repeat(MAX_COMMENT_LENGTH + 1) } },
      { auto_renew: false, metadata: ['too_expensive'] },
    ];
    for (const body of refused) {
      const answer = await patch(body);
      assert.equal(answer.status, 422, JSON.stringify(body));
      assert.ok(Array.isArray(answer.body.detail) && answer.body.detail[0].loc.includes('metadata'), JSON.stringify(answer.body));
    }
    // Word for word, as FastAPI words a list where a dictionary goes.
    assert.deepEqual((await patch({ auto_renew: false, metadata: ['too_expensive'] })).body, {
      detail: [{ loc: ['body', 'metadata'], msg: 'Input should be a valid dictionary', type: 'dict_type' }],
    });
    const after = await api.call('GET', path, { token });
    assert.equal(after.body.auto_renew, true, 'no refused request cancelled anything');
    assert.equal(after.body.max_subscribers, before.max_subscribers);
    assert.deepEqual(after.body.metadata_, {});
  });

  it('keeps the reason and comment of a cancellation in the customer’s metadata_ of the subscription (our server)', async () => {
    const { patch, token, path } = await ownSubscription();
    const answer = await patch({ auto_renew: false, metadata: FEEDBACK });
    assert.equal(answer.status, 200, answer.text);
    const read = await api.call('GET', path, { token });
    assert.equal(read.body.auto_renew, false);
    assert.deepEqual(read.body.metadata_, FEEDBACK);
  });

  it('the hosted profile keeps nothing of it, as hosted Planship', async () => {
    const hosted = await startTestServer({ profile: 'hosted' });
    try {
      const customer = await hosted.createCustomer({ plan: 'pro' });
      const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
      assert.equal((await hosted.admin('PATCH', path, { auto_renew: false, metadata: FEEDBACK })).status, 200);
      assert.deepEqual((await hosted.admin('GET', path)).body.metadata_, {});
    } finally {
      await hosted.server.close();
    }
  });
});

describe('the gateway', () => {
  let host: GatewayHost;
  const heard: Cancellation[] = [];
  const logged: string[] = [];
  before(async () => {
    host = await startGatewayHost({
      onCancel: (cancellation) => {
        if (cancellation.planSlug === 'starter') throw new Error('the CRM is down: password=hunter2');
        heard.push(cancellation);
      },
      log: (line) => logged.push(line),
    });
  });
  after(() => host.close());

  it('sends Planship no metadata and tells onCancel: subscription, plan, when, reason and comment', async () => {
    const person = await signedInPerson(host, 'pro');
    const path = `/api/v1/customers/me/subscriptions/${person.subscriptionId}`;
    const answer = await host.call('PATCH', path, { session: person.session, body: { auto_renew: false, metadata: FEEDBACK }});
    assert.equal(answer.status, 200, answer.text);
    const sent = host.upstream.filter((record) => record.method === 'PATCH' && record.path.endsWith(person.subscriptionId!));
    assert.deepEqual(sent.map((record) => record.body), [{ auto_renew: false }]);
    await waitFor(() => heard.length > 0);
    assert.deepEqual(heard, [{ subscriptionId: person.subscriptionId, planSlug: 'pro', at: 'period-end', reason: 'too_expensive', comment: 'Too much for us' }]);
    // Ending it now, with no reason given: heard too.
    heard.length = 0;
    assert.equal((await host.call('PATCH', path, { session: person.session, body: { is_active: false } })).status, 200);
    await waitFor(() => heard.length > 0);
    assert.deepEqual(heard, [{ subscriptionId: person.subscriptionId, planSlug: 'pro', at: 'now' }]);
  });

  it('is not told of a change that is no cancellation, nor of a refused one', async () => {
    heard.length = 0;
    const person = await signedInPerson(host, 'pro');
    const path = `/api/v1/customers/me/subscriptions/${person.subscriptionId}`;
    assert.equal((await host.call('PATCH', path, { session: person.session, body: { auto_renew: true } })).status, 200);
    assert.equal((await host.call('PATCH', path, { session: person.session, body: { auto_renew: false, metadata: { other: 'x' } } })).status, 422);
    // Anything onCancel was told would have been queued by now (it runs right after the answer).
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(heard, []);
  });

  it('a throwing onCancel is logged by type, never its text, and the customer’s cancellation stands', async () => {
    const person = await signedInPerson(host, 'starter');
    const path = `/api/v1/customers/me/subscriptions/${person.subscriptionId}`;
    assert.equal((await host.call('PATCH', path, { session: person.session, body: { auto_renew: false } })).status, 200);
    await waitFor(() => logged.some((line) => line.includes('onCancel threw')));
    assert.ok(logged.includes('planship gateway: onCancel threw Error'), logged.join('\n'));
    assert.ok(!logged.some((line) => line.includes('hunter2')));
    assert.equal((await host.call('GET', path, { session: person.session })).body.auto_renew, false);
  });
});

describe('the gateway, with a hook that fails with no Error', () => {
  it('is logged by its type ("object" for null), and the cancellation stands', async () => {
    const logged: string[] = [];
    const host = await startGatewayHost({ onCancel: () => Promise.reject(null), log: (line) => logged.push(line) });
    try {
      const person = await signedInPerson(host, 'pro');
      const path = `/api/v1/customers/me/subscriptions/${person.subscriptionId}`;
      assert.equal((await host.call('PATCH', path, { session: person.session, body: { auto_renew: false } })).status, 200);
      await waitFor(() => logged.some((line) => line.includes('onCancel threw')));
      assert.deepEqual(logged, ['planship gateway: onCancel threw object']);
      assert.equal((await host.call('GET', path, { session: person.session })).body.auto_renew, false);
    } finally {
      await host.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
