// PATCH by id and by external id, GET by external id: partial updates, metadata rules, email
// uniqueness, write-once alternative_id, several errors at once, encoded external ids, scopes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

const external = (id: string) => `/api/v1/customers/external/${encodeURIComponent(id)}`;

describe('get and update by external id', () => {
  it('external ids with "/", spaces and unicode work when encoded', async () => {
    for (const id of ['team/42/user 7', 'ünïcødé-用户-🙂', 'a%2Fb', 'export', 'external']) {
      const created = await api.admin('POST', '/api/v1/customers', { alternative_id: id, name: `Name of ${id}` });
      assert.equal(created.status, 200, created.text);
      const found = await api.admin('GET', external(id));
      assert.equal(found.status, 200, `GET ${id}`);
      assert.equal(found.body.id, created.body.id);
      assert.equal(found.body.alternative_id, id);
      const patched = await api.admin('PATCH', external(id), { name: 'Renamed' });
      assert.equal(patched.body.name, 'Renamed');
    }
    // An external id is matched exactly: not by uuid, not by another case.
    const created = await api.admin('POST', '/api/v1/customers', { alternative_id: 'CaseSensitive' });
    assert.equal((await api.admin('GET', external('casesensitive'))).status, 404);
    assert.equal((await api.admin('GET', external(created.body.id))).status, 404);
  });

  it('unknown external id -> 404 for GET, PATCH, DELETE and state', async () => {
    for (const [method, suffix] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['GET', '/state']]) {
      const answer = await api.admin(method, external('nobody-at-all') + suffix, method === 'PATCH' ? { name: 'x' } : undefined);
      assert.equal(answer.status, 404, `${method} ${suffix}`);
      assert.deepEqual(answer.body, { detail: 'Customer not found' });
    }
  });
});

describe('PATCH /customers/{id}', () => {
  it('changes only the fields sent; metadata replaces the whole object', async () => {
    const customer = await api.createCustomer();
    await api.admin('PATCH', `/api/v1/customers/${customer.id}`, { metadata: { a: 1, b: 'two', c: true } });
    const renamed = await api.admin('PATCH', `/api/v1/customers/${customer.id}`, { name: 'Only The Name' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Only The Name');
    assert.equal(renamed.body.email, customer.alternativeId, 'email untouched');
    assert.deepEqual(renamed.body.metadata_, { a: 1, b: 'two', c: true }, 'metadata untouched');
    const replaced = await api.admin('PATCH', `/api/v1/customers/${customer.id}`, { metadata: { z: 'only' } });
    assert.deepEqual(replaced.body.metadata_, { z: 'only' });
    const empty = await api.admin('PATCH', `/api/v1/customers/${customer.id}`, {});
    assert.equal(empty.status, 200);
    assert.equal(empty.body.name, 'Only The Name');
    const fetched = await api.admin('GET', `/api/v1/customers/${customer.id}`);
    assert.deepEqual(fetched.body.metadata_, { z: 'only' });
  });

  it('metadata rules: at most 50 keys, keys 1-40 chars, values string <= 500, number or boolean', async () => {
    const customer = await api.createCustomer();
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, index]));
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`k${index}`, index]));
    assert.equal((await api.admin('PATCH', `/api/v1/customers/${customer.id}`, { metadata: fifty })).status, 200);
    const bad = await api.admin('PATCH', `/api/v1/customers/${customer.id}`, {
      metadata: { ['k'.repeat(41)]: 1, '': 'x', long: 'v'.repeat(501), nested: { no: 1 }, list: [1], nothing: null, fine: 'v'.repeat(500) },
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(
      bad.body.detail.map((issue: any) => issue.loc.join('.')).sort(),
      ['body.metadata.', `body.metadata.${'k'.repeat(41)}`, 'body.metadata.list', 'body.metadata.long', 'body.metadata.nested', 'body.metadata.nothing'].sort(),
    );
    const many = await api.admin('PATCH', `/api/v1/customers/${customer.id}`, { metadata: tooMany });
    assert.equal(many.status, 422);
    assert.deepEqual(many.body.detail[0].loc, ['body', 'metadata']);
    assert.deepEqual((await api.admin('GET', `/api/v1/customers/${customer.id}`)).body.metadata_, fifty, 'nothing changed on 422');
  });

  it('email is unique among live customers, case-insensitively (create and update); freed on delete', async () => {
    const first = await api.createCustomer();
    const second = await api.createCustomer();
    const clash = await api.admin('PATCH', `/api/v1/customers/${second.id}`, { email: first.alternativeId.toUpperCase() });
    assert.equal(clash.status, 422);
    assert.deepEqual(clash.body.detail, [{ loc: ['body', 'email'], msg: 'A customer with this email address already exists.', type: 'value_error' }]);
    const onCreate = await api.admin('POST', '/api/v1/customers', { email: first.alternativeId });
    assert.equal(onCreate.status, 422);
    assert.deepEqual(onCreate.body.detail[0].loc, ['body', 'email']);
    // Its own email (another case) is not a clash.
    const own = await api.admin('PATCH', `/api/v1/customers/${first.id}`, { email: first.alternativeId.toUpperCase() });
    assert.equal(own.status, 200);
    for (const email of ['not an email', 'two words@example.com', 'someone@example.com and more', '@example.com', 'someone@', 'a@b@c']) {
      assert.equal((await api.admin('PATCH', `/api/v1/customers/${second.id}`, { email })).status, 422, email);
    }
    await api.admin('DELETE', `/api/v1/customers/${first.id}`);
    const freed = await api.admin('PATCH', `/api/v1/customers/${second.id}`, { email: first.alternativeId });
    assert.equal(freed.status, 200);
    // Empty emails never clash.
    assert.equal((await api.admin('POST', '/api/v1/customers', { email: '' })).status, 200);
    assert.equal((await api.admin('POST', '/api/v1/customers', { email: '' })).status, 200);
  });

  it('alternative_id is write-once: set while empty, then any change is a 422 naming the field', async () => {
    const created = await api.admin('POST', '/api/v1/customers', { name: 'No external id yet' });
    const path = `/api/v1/customers/${created.body.id}`;
    assert.equal((await api.admin('PATCH', path, { alternative_id: null })).status, 200, 'null while empty: no-op');
    assert.equal((await api.admin('PATCH', path, { alternative_id: '' })).status, 200, '"" while empty: no-op');
    const taken = await api.admin('PATCH', path, { alternative_id: 'ada@example.com' });
    assert.equal(taken.status, 422);
    assert.deepEqual(taken.body.detail[0].loc, ['body', 'alternative_id']);
    const unique = `set-once-${Date.now()}`;
    const set = await api.admin('PATCH', path, { alternative_id: unique });
    assert.equal(set.status, 200);
    assert.equal(set.body.alternative_id, unique);
    assert.equal((await api.admin('GET', external(unique))).body.id, created.body.id);
    assert.equal((await api.admin('PATCH', path, { alternative_id: unique })).status, 200, 'the same value: no-op');
    for (const change of [`${unique}-2`, null, '']) {
      const refused = await api.admin('PATCH', path, { alternative_id: change });
      assert.equal(refused.status, 422, `change to ${JSON.stringify(change)}`);
      assert.deepEqual(refused.body.detail, [{ loc: ['body', 'alternative_id'], msg: 'alternative_id cannot be changed once set.', type: 'value_error' }]);
    }
    const viaExternal = await api.admin('PATCH', external(unique), { alternative_id: 'other' });
    assert.equal(viaExternal.status, 422);
  });

  it('several validation errors come back together, and nothing changes', async () => {
    const first = await api.createCustomer();
    const second = await api.createCustomer();
    const answer = await api.admin('PATCH', `/api/v1/customers/${second.id}`, {
      email: first.alternativeId,
      alternative_id: 'changed',
      name: 42,
      metadata: { bad: [1] },
    });
    assert.equal(answer.status, 422);
    assert.deepEqual(answer.body.detail.map((issue: any) => issue.loc.join('.')).sort(), ['body.alternative_id', 'body.email', 'body.metadata.bad', 'body.name']);
    const unchanged = await api.admin('GET', `/api/v1/customers/${second.id}`);
    assert.equal(unchanged.body.email, second.alternativeId);
    assert.equal(unchanged.body.name, 'Test Customer');
    assert.equal((await api.admin('PATCH', `/api/v1/customers/${second.id}`, [1])).status, 422);
    assert.equal((await api.admin('PATCH', `/api/v1/customers/${second.id}`, undefined, {})).status, 200, 'no body = no change');
  });

  it('scopes: customers:write to update (403 with read only); customer tokens get 403; 404 unknown', async () => {
    const customer = await api.createCustomer();
    const reporting = 'Basic ' + Buffer.from('reporting-client:reporting-secret').toString('base64');
    const metering = 'Basic ' + Buffer.from('metering-client:metering-secret').toString('base64');
    const path = `/api/v1/customers/${customer.id}`;
    assert.equal((await api.call('PATCH', path, { authorization: reporting, body: { name: 'x' } })).status, 403);
    assert.equal((await api.call('PATCH', external(customer.alternativeId), { authorization: reporting, body: { name: 'x' } })).status, 403);
    assert.equal((await api.call('GET', external(customer.alternativeId), { authorization: reporting })).status, 200);
    assert.equal((await api.call('GET', external(customer.alternativeId), { authorization: metering })).status, 403);
    const token = await api.customerToken(customer.id);
    assert.equal((await api.call('PATCH', path, { token, body: { name: 'x' } })).status, 403);
    assert.equal((await api.call('GET', external(customer.alternativeId), { token })).status, 403);
    assert.equal((await api.admin('PATCH', '/api/v1/customers/00000000-0000-4000-8000-000000000000', { name: 'x' })).status, 404);
  });
});

describe('reserved metadata keys', () => {
  it('"__" keys are the server\'s own: refused on create and on update, so nobody fakes an anonymization', async () => {
    const faked = await api.admin('POST', '/api/v1/customers', { name: 'Faker', metadata: { __anonymized_at: 'never' } });
    assert.equal(faked.status, 422);
    assert.deepEqual(faked.body.detail[0].loc, ['body', 'metadata', '__anonymized_at']);
    const created = await api.admin('POST', '/api/v1/customers', { name: 'Plain', metadata: { plan: 'gold' } });
    assert.equal(created.status, 200);
    const patched = await api.admin('PATCH', `/api/v1/customers/${created.body.id}`, { metadata: { __alternative_id: 'x' } });
    assert.equal(patched.status, 422);
    assert.deepEqual((await api.admin('GET', `/api/v1/customers/${created.body.id}`)).body.metadata_, { plan: 'gold' });
  });
});
