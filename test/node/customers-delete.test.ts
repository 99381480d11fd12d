// DELETE by id and by external id: soft delete that deactivates subscriptions, revokes
// entitlements live, releases the external id, stops tokens and hides the customer; anonymize.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EntitlementsSocket, PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

const external = (id: string) => `/api/v1/customers/external/${encodeURIComponent(id)}`;
const HEX64 = /^[0-9a-f]{64}$/;

describe('delete', () => {
  it('answers 200 with the deleted customer (released external id shown), then 404 everywhere', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    await api.admin('PATCH', `/api/v1/customers/${customer.id}`, { metadata: { keep: 'me' } });
    const deleted = await api.admin('DELETE', external(customer.alternativeId));
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, customer.id);
    assert.equal(deleted.body.alternative_id, customer.alternativeId);
    assert.deepEqual(deleted.body.metadata_, { keep: 'me', __alternative_id: customer.alternativeId });
    assert.equal(deleted.body.email, customer.alternativeId, 'not anonymized without anonymize=true');
    assert.equal(typeof deleted.body.deleted_at, 'string');
    for (const [method, path] of [
      ['GET', `/api/v1/customers/${customer.id}`],
      ['GET', `/api/v1/customers/${customer.id}/state`],
      ['PATCH', `/api/v1/customers/${customer.id}`],
      ['GET', external(customer.alternativeId)],
      ['GET', `${external(customer.alternativeId)}/state`],
      ['DELETE', external(customer.alternativeId)],
      ['DELETE', `/api/v1/customers/${customer.id}`],
      ['GET', `/api/v1/customers/${customer.id}/subscriptions`],
      ['POST', '/api/v1/auth/customer-token'],
    ]) {
      const answer = await api.admin(method, path, method === 'PATCH' ? { name: 'x' } : method === 'POST' ? { customer_id: customer.id } : undefined);
      assert.equal(answer.status, 404, `${method} ${path}`);
    }
    const listed = await api.admin('GET', `/api/v1/customers?query=${encodeURIComponent(customer.alternativeId)}`);
    assert.equal(listed.body.pagination.total_count, 0);
    const csv = await api.admin('GET', '/api/v1/customers/export');
    assert.ok(!csv.text.includes(customer.id), 'absent from the export');
  });

  it('a released external id can be reused at once by a new customer', async () => {
    const customer = await api.createCustomer();
    assert.equal((await api.admin('DELETE', `/api/v1/customers/${customer.id}`)).status, 200);
    const reused = await api.admin('POST', '/api/v1/customers', { alternative_id: customer.alternativeId, email: customer.alternativeId });
    assert.equal(reused.status, 200, 'the email is freed too');
    assert.notEqual(reused.body.id, customer.id);
    assert.equal((await api.admin('GET', external(customer.alternativeId))).body.id, reused.body.id);
    // And a customer without an external id can take it with PATCH.
    const other = await api.createCustomer();
    await api.admin('DELETE', `/api/v1/customers/${other.id}`);
    const late = await api.admin('POST', '/api/v1/customers', { name: 'late' });
    assert.equal((await api.admin('PATCH', `/api/v1/customers/${late.body.id}`, { alternative_id: other.alternativeId })).status, 200);
  });

  it('the customer tokens stop working (401)', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const token = await api.customerToken(customer.id);
    const path = `/api/v1/customers/${customer.id}/products/${PRODUCT}/entitlements`;
    assert.equal((await api.call('GET', path, { token })).status, 200);
    await api.admin('DELETE', `/api/v1/customers/${customer.id}`);
    assert.equal((await api.call('GET', path, { token })).status, 401);
  });

  it('deactivates the subscriptions it leaves without a subscriber or an administrator; teammates keep theirs', async () => {
    const owner = await api.createCustomer({ plan: 'pro', maxSubscribers: 5 });
    const solo = await api.createCustomer({ plan: 'starter' });
    const teammate = await api.createCustomer();
    const member = await api.createCustomer();
    const team = `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}`;
    assert.equal((await api.admin('POST', `${team}/customers`, { customer_id: teammate.id })).status, 200);
    assert.equal((await api.admin('POST', `${team}/customers`, { customer_id: member.id })).status, 200);
    // A plain member leaving does not end the team's subscription.
    await api.admin('DELETE', `/api/v1/customers/${member.id}`);
    assert.equal((await api.admin('GET', team)).body.is_active, true);
    // The only administrator leaving ends it: nobody can manage (or pay for) it any more.
    await api.admin('DELETE', `/api/v1/customers/${owner.id}`);
    const left = await api.admin('GET', `/api/v1/customers/${teammate.id}/subscriptions/${owner.subscriptionId}`);
    assert.equal(left.body.is_active, false);
    assert.equal((await api.entitlements(teammate.id)).body['sso'], false);
    // A one-person subscription ends with its customer.
    await api.admin('DELETE', `/api/v1/customers/${solo.id}`);
    const state = await api.admin('GET', '/api/v1/customers?active=true&query=' + encodeURIComponent(solo.alternativeId));
    assert.equal(state.body.pagination.total_count, 0);
  });

  it('a WebSocket subscriber sees its entitlements revoked at the moment of delete, then the socket closes (4404)', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const socket = await EntitlementsSocket.open(api, customer.id, await api.customerToken(customer.id));
    const granted = await socket.next();
    assert.equal(granted['sso'], true);
    assert.ok((granted['api-calls'] as number) > 0);
    const deleted = await api.admin('DELETE', `/api/v1/customers/${customer.id}?anonymize=true`);
    assert.equal(deleted.status, 200);
    // The revocation frame was sent before the DELETE answered.
    assert.equal(socket.unread, 1);
    const revoked = await socket.next();
    assert.equal(revoked['sso'], false);
    assert.equal(revoked['api-calls'], 0);
    assert.equal((await socket.closed).code, 4404);
    assert.equal(socket.unread, 0);
  });

  it('delete needs customers:write (403 read-only, 403 customer token)', async () => {
    const customer = await api.createCustomer();
    const reporting = 'Basic ' + Buffer.from('reporting-client:reporting-secret').toString('base64');
    assert.equal((await api.call('DELETE', `/api/v1/customers/${customer.id}`, { authorization: reporting })).status, 403);
    assert.equal((await api.call('DELETE', external(customer.alternativeId), { authorization: reporting })).status, 403);
    const token = await api.customerToken(customer.id);
    assert.equal((await api.call('DELETE', `/api/v1/customers/${customer.id}`, { token })).status, 403);
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}`)).status, 200, 'still there');
    assert.equal((await api.admin('DELETE', `/api/v1/customers/${customer.id}?anonymize=perhaps`)).status, 422);
  });
});

describe('delete with anonymize=true', () => {
  it('replaces email and name with hashes and records __anonymized_at', async () => {
    const customer = await api.createCustomer();
    const deleted = await api.admin('DELETE', `${external(customer.alternativeId)}?anonymize=true`);
    assert.equal(deleted.status, 200);
    const [local, domain] = deleted.body.email.split('@');
    assert.match(local, HEX64);
    assert.equal(domain, 'anonymized.invalid');
    assert.match(deleted.body.name, HEX64);
    assert.ok(!JSON.stringify(deleted.body).includes('Test Customer'), 'the name is gone');
    assert.equal(typeof deleted.body.metadata_.__anonymized_at, 'string');
    assert.equal(deleted.body.metadata_.__alternative_id, customer.alternativeId, 'the external id is kept for the records');
  });

  it('is idempotent: anonymizing twice changes nothing; a customer deleted earlier can be anonymized by id', async () => {
    const customer = await api.createCustomer();
    const first = await api.admin('DELETE', `/api/v1/customers/${customer.id}?anonymize=true`);
    await api.advanceClock(60);
    const second = await api.admin('DELETE', `/api/v1/customers/${customer.id}?anonymize=true`);
    assert.equal(second.status, 200);
    assert.deepEqual(second.body, first.body);
    // Deleted without anonymize first, anonymized later (a GDPR request after the account closed).
    const later = await api.createCustomer();
    const plain = await api.admin('DELETE', `/api/v1/customers/${later.id}`);
    assert.equal(plain.body.email, later.alternativeId);
    assert.equal((await api.admin('DELETE', `/api/v1/customers/${later.id}`)).status, 404, 'a plain second delete is a 404');
    const scrubbed = await api.admin('DELETE', `/api/v1/customers/${later.id}?anonymize=true`);
    assert.equal(scrubbed.status, 200);
    assert.match(scrubbed.body.email, /^[0-9a-f]{64}@anonymized\.invalid$/);
    assert.equal((await api.admin('GET', `/api/v1/customers/${later.id}`)).status, 404, 'still hidden');
    // Same name, different customers: different hashes (salted with the creation time).
    assert.notEqual(scrubbed.body.created_at, first.body.created_at);
    assert.notEqual(scrubbed.body.name, first.body.name);
  });

  it('anonymizes a customer whose own email already ends in @anonymized.invalid', async () => {
    const email = `look-alike-${Date.now()}@anonymized.invalid`;
    const created = await api.admin('POST', '/api/v1/customers', { name: 'Look Alike', email });
    assert.equal(created.status, 200, created.text);
    const deleted = await api.admin('DELETE', `/api/v1/customers/${created.body.id}?anonymize=true`);
    assert.equal(deleted.status, 200);
    assert.match(deleted.body.email, /^[0-9a-f]{64}@anonymized\.invalid$/);
    assert.notEqual(deleted.body.email, email, 'the address was replaced');
    assert.match(deleted.body.name, HEX64, 'and so was the name');
    assert.equal(typeof deleted.body.metadata_.__anonymized_at, 'string');
  });
});
