// Issue 12, attack 1: deeply nested JSON and oversized metadata are refused at parse time with a
// 422 naming the field, a refused request changes nothing, and every read that serialises stored
// data keeps working.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH, MAX_METADATA_BYTES } from '../../src/policy/limits.ts';
import { PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

/** `levels` nested objects: `{"a":{"a":...{}}}`, as JSON text. */
const nested = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
/** The attack of the issue: 6,000 levels (about 30 KB). */
const DEEP = nested(6000);
const bodyWithDeepMetadata = (fields: Record<string, unknown>) => JSON.stringify(fields).replace(/}$/, `,"metadata":${DEEP}}`);

function assertRefused(answer: { status: number; body: any; text: string }, loc: (string | number)[], type: string) {
  assert.equal(answer.status, 422, answer.text);
  assert.deepEqual(answer.body.detail.map((issue: { loc: unknown }) => issue.loc), [loc]);
  assert.equal(answer.body.detail[0].type, type);
  assert.match(answer.body.detail[0].msg, /at most/);
}

const post = (path: string, rawBody: string, token = 'basic') => api.call('POST', path, { token, rawBody, headers: { 'content-type': 'application/json' } });

describe('body depth and metadata size (attack 1)', () => {
  it('customer create with 6,000-level metadata: 422 ["body","metadata"], nothing stored', async () => {
    const before = (await api.admin('GET', '/api/v1/customers?limit=1')).body.pagination.total_count;
    const answer = await post('/api/v1/customers', bodyWithDeepMetadata({ alternative_id: 'deep-create', email: 'deep@example.com' }));
    assertRefused(answer, ['body', 'metadata'], 'too_deep');
    assert.equal((await api.admin('GET', '/api/v1/customers/external/deep-create')).status, 404);
    assert.equal((await api.admin('GET', '/api/v1/customers?limit=1')).body.pagination.total_count, before);
  });

  it('subscription create with deep metadata: 422, no subscription made', async () => {
    const customer = await api.createCustomer();
    const answer = await post(`/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, bodyWithDeepMetadata({ customer_id: customer.id }));
    assertRefused(answer, ['body', 'metadata'], 'too_deep');
    assert.deepEqual((await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions`)).body, []);
  });

  it('a customer token cannot plant deep metadata on another customer; every read that serialises it still works', async () => {
    const owner = await api.createCustomer({ plan: 'business', maxSubscribers: 5 });
    const victim = await api.createCustomer();
    const token = await api.customerToken(owner.id);
    const members = `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`;
    const answer = await post(members, bodyWithDeepMetadata({ customer_id: victim.id }), token);
    assertRefused(answer, ['body', 'metadata'], 'too_deep');
    assert.equal((await api.admin('GET', members)).body.length, 1, 'the member was not added');
    assert.deepEqual((await api.admin('GET', `/api/v1/customers/${victim.id}/subscriptions`)).body, []);
    for (const read of ['/api/v1/customers?limit=100', '/api/v1/customers/export', `/api/v1/customers/${victim.id}/state`, members]) {
      assert.equal((await api.admin('GET', read)).status, 200, read);
    }
  });

  it('the depth limit applies to every route and names the top-level field', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const deepList = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    const usage = await post(`/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls`, `{"usage": 1, "bucket\\"[{": "x", "extra": ${deepList}}`);
    assertRefused(usage, ['body', 'extra'], 'too_deep');
    const patch = await api.call('PATCH', `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`, {
      token: 'basic', rawBody: deepList, headers: { 'content-type': 'application/json' },
    });
    assertRefused(patch, ['body'], 'too_deep');
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 100_000, 'the refused report counted nothing');
  });

  it('a body exactly 32 levels deep is accepted (metadata 31 levels inside it)', async () => {
    const answer = await post('/api/v1/customers', `{"alternative_id": "deep-ok", "metadata": ${nested(MAX_JSON_DEPTH - 1)}}`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal((await api.admin('GET', `/api/v1/customers/${answer.body.id}`)).status, 200);
  });

  it(`metadata over ${MAX_METADATA_BYTES} bytes is refused on create, subscription create and member add`, async () => {
    const big = { blob: 'é'.repeat(MAX_METADATA_BYTES / 2) }; // 2 bytes each in UTF-8: just over the limit
    const created = await api.admin('POST', '/api/v1/customers', { alternative_id: 'big-metadata', metadata: big });
    assertRefused(created, ['body', 'metadata'], 'too_long');
    assert.equal((await api.admin('GET', '/api/v1/customers/external/big-metadata')).status, 404);
    const customer = await api.createCustomer({ plan: 'business', maxSubscribers: 5 });
    const subscribed = await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: customer.id, metadata: big });
    assertRefused(subscribed, ['body', 'metadata'], 'too_long');
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions`)).body.length, 1);
    const other = await api.createCustomer();
    const members = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}/customers`;
    assertRefused(await api.admin('POST', members, { customer_id: other.id, metadata: big }), ['body', 'metadata'], 'too_long');
    const fits = await api.admin('POST', members, { customer_id: other.id, metadata: { note: 'x'.repeat(MAX_METADATA_BYTES - 20) } });
    assert.equal(fits.status, 200, 'metadata under the limit is kept');
  });
});
