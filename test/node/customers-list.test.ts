// GET /api/v1/customers: pagination arithmetic, every filter, every sort, bad parameters, scopes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

let batchCounter = 0;
/** Customers tagged with a batch of their own, so a filter on the batch isolates them. */
async function batch(people: { name?: string; email?: string; alternative_id?: string; metadata?: Record<string, unknown> }[]) {
  const tag = `batch-${(batchCounter += 1)}`;
  const ids: string[] = [];
  for (const person of people) {
    const created = await api.admin('POST', '/api/v1/customers', { ...person, metadata: { batch: tag, ...person.metadata } });
    assert.equal(created.status, 200, created.text);
    ids.push(created.body.id);
  }
  return { tag, ids };
}

const list = (query: string) => api.admin('GET', `/api/v1/customers?${query}`);

describe('list customers: pagination', () => {
  it('pages of `limit`, total_count and max_page = ceil(total / limit); past the end is empty', async () => {
    const { tag, ids } = await batch(Array.from({ length: 23 }, (_, index) => ({ name: `Pager ${index}` })));
    const first = await list(`metadata[batch]=${tag}`);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.pagination, { total_count: 23, max_page: 3 });
    assert.equal(first.body.items.length, 10, 'default limit is 10');
    // Default sort -created_at: newest first.
    assert.deepEqual(first.body.items.map((item: any) => item.id), ids.slice(-10).reverse());
    const third = await list(`metadata[batch]=${tag}&page=3&limit=10`);
    assert.deepEqual(third.body.items.map((item: any) => item.id), ids.slice(0, 3).reverse());
    const past = await list(`metadata[batch]=${tag}&page=4`);
    assert.deepEqual(past.body.items, []);
    assert.deepEqual(past.body.pagination, { total_count: 23, max_page: 3 });
    const byFive = await list(`metadata[batch]=${tag}&limit=5`);
    assert.equal(byFive.body.pagination.max_page, 5);
    // Walking every page yields every customer once.
    const seen: string[] = [];
    for (let page = 1; page <= 5; page += 1) seen.push(...(await list(`metadata[batch]=${tag}&limit=5&page=${page}`)).body.items.map((item: any) => item.id));
    assert.deepEqual([...seen].sort(), [...ids].sort());
  });

  it('limit over 100 is clamped to 100 (not an error); max_page is 0 when nothing matches', async () => {
    // A server of its own with more than 100 customers, so a missing clamp shows.
    const crowded = await startTestServer();
    try {
      const seeded = (await crowded.admin('GET', '/api/v1/customers?limit=1')).body.pagination.total_count;
      for (let index = seeded; index < 105; index++) {
        assert.equal((await crowded.admin('POST', '/api/v1/customers', { name: `Crowd ${index}` })).status, 200);
      }
      const all = await crowded.admin('GET', '/api/v1/customers?limit=1000');
      assert.equal(all.status, 200);
      assert.equal(all.body.pagination.total_count, 105);
      assert.equal(all.body.items.length, 100);
      assert.equal(all.body.pagination.max_page, 2);
      const second = await crowded.admin('GET', '/api/v1/customers?limit=1000&page=2');
      assert.equal(second.body.items.length, 5);
      const none = await crowded.admin('GET', '/api/v1/customers?metadata[batch]=no-such-batch');
      assert.deepEqual(none.body, { items: [], pagination: { total_count: 0, max_page: 0 } });
    } finally {
      await crowded.server.close();
    }
  });

  it('bad page, limit, active or sorting -> one 422 naming each parameter', async () => {
    const bad = await list('page=0&limit=x&active=maybe&sorting=age');
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.detail.map((issue: any) => issue.loc.slice(0, 2).join('.')).sort(), ['query.active', 'query.limit', 'query.page', 'query.sorting']);
    assert.equal((await list('sorting=-nope')).status, 422);
    assert.equal((await list('page=-1')).status, 422);
  });
});

describe('list customers: filters', () => {
  it('query: case-insensitive substring of email or name, or prefix of alternative_id', async () => {
    const n = Date.now();
    const { tag, ids } = await batch([
      { name: 'Zoë Quarry', email: 'zq@example.com', alternative_id: `qa-${n}-one` },
      { name: 'Someone', email: 'MIXED.Quarry@Example.com' },
      { name: 'Prefix', email: 'p@example.com', alternative_id: `USER-${n}-77` },
      { name: 'Other', email: 'other@example.com', alternative_id: `x-USER-${n}` },
    ]);
    const ids_ = async (query: string) => (await list(`metadata[batch]=${tag}&sorting=created_at&${query}`)).body.items.map((item: any) => item.id);
    assert.deepEqual(await ids_('query=quarry'), [ids[0], ids[1]], 'name and email, any case');
    assert.deepEqual(await ids_(`query=user-${n}`), [ids[2]], 'alternative_id by prefix only, any case');
    assert.deepEqual(await ids_('query=%C3%AB%20q'), [ids[0]], 'non-ASCII');
    assert.deepEqual(await ids_('query=%25'), [], 'a % is a character, not a wildcard');
  });

  it('email: exact and case-insensitive', async () => {
    const n = Date.now();
    const { tag, ids } = await batch([{ email: `Exact-${n}@Example.com` }, { email: `exact-${n}@example.com.au` }]);
    const found = await list(`metadata[batch]=${tag}&email=${encodeURIComponent(`EXACT-${n}@example.COM`)}`);
    assert.deepEqual(found.body.items.map((item: any) => item.id), [ids[0]]);
  });

  it('active: members of an active subscription, or customers without one', async () => {
    const { tag, ids } = await batch([{}, {}, {}]);
    await api.admin('POST', '/api/v1/products/acme-analytics/plans/pro/subscriptions', { customer_id: ids[0] });
    const ended = await api.admin('POST', '/api/v1/products/acme-analytics/plans/pro/subscriptions', { customer_id: ids[1] });
    await api.admin('PATCH', `/api/v1/customers/${ids[1]}/subscriptions/${ended.body.id}`, { is_active: false });
    const active = await list(`metadata[batch]=${tag}&active=true`);
    assert.deepEqual(active.body.items.map((item: any) => item.id), [ids[0]]);
    const inactive = await list(`metadata[batch]=${tag}&active=false&sorting=created_at`);
    assert.deepEqual(inactive.body.items.map((item: any) => item.id), [ids[1], ids[2]]);
  });

  it('metadata: the same key repeated is OR, different keys AND; values compared as text', async () => {
    const { tag, ids } = await batch([
      { metadata: { tier: 'gold', region: 'eu', seats: 1 } },
      { metadata: { tier: 'silver', region: 'eu', vip: true } },
      { metadata: { tier: 'gold', region: 'us' } },
    ]);
    const ids_ = async (query: string) => (await list(`metadata[batch]=${tag}&sorting=created_at&${query}`)).body.items.map((item: any) => item.id);
    assert.deepEqual(await ids_('metadata[tier]=gold&metadata[tier]=silver'), ids);
    assert.deepEqual(await ids_('metadata[tier]=gold&metadata[region]=eu'), [ids[0]]);
    assert.deepEqual(await ids_('metadata[seats]=1'), [ids[0]]);
    assert.deepEqual(await ids_('metadata[vip]=true'), [ids[1]]);
    assert.deepEqual(await ids_('metadata[missing]=x'), []);
  });
});

describe('list customers: sorting', () => {
  it('created_at, email, name, ascending or "-" descending; several keys apply in order', async () => {
    const n = Date.now();
    const { tag, ids } = await batch([
      { name: 'bravo', email: `c-${n}@example.com` },
      { name: 'Alpha', email: `b-${n}@example.com` },
      { name: 'charlie', email: `a-${n}@example.com` },
      { name: 'alpha', email: `d-${n}@example.com` },
    ]);
    const order = async (sorting: string) => (await list(`metadata[batch]=${tag}&${sorting}`)).body.items.map((item: any) => ids.indexOf(item.id));
    assert.deepEqual(await order(''), [3, 2, 1, 0], 'default -created_at');
    assert.deepEqual(await order('sorting=created_at'), [0, 1, 2, 3]);
    assert.deepEqual(await order('sorting=email'), [2, 1, 0, 3]);
    assert.deepEqual(await order('sorting=-email'), [3, 0, 1, 2]);
    assert.deepEqual(await order('sorting=name'), [1, 3, 0, 2], 'case-insensitive; ties in creation order');
    assert.deepEqual(await order('sorting=-name'), [2, 0, 1, 3]);
    assert.deepEqual(await order('sorting=name&sorting=-created_at'), [3, 1, 0, 2]);
  });

  it('customers without an email or name sort last ascending, first descending (like SQL NULLs)', async () => {
    const n = Date.now();
    const { tag, ids } = await batch([{ email: `b-${n}@example.com`, name: 'B' }, {}, { email: `a-${n}@example.com`, name: 'A' }]);
    const order = async (sorting: string) => (await list(`metadata[batch]=${tag}&${sorting}`)).body.items.map((item: any) => ids.indexOf(item.id));
    assert.deepEqual(await order('sorting=email'), [2, 0, 1]);
    assert.deepEqual(await order('sorting=-email'), [1, 0, 2]);
    assert.deepEqual(await order('sorting=name'), [2, 0, 1]);
  });
});

describe('list customers: access', () => {
  it('needs customers:read or customers:write: 403 without, 401 anonymous, 403 for a customer token', async () => {
    const reporting = 'Basic ' + Buffer.from('reporting-client:reporting-secret').toString('base64');
    const metering = 'Basic ' + Buffer.from('metering-client:metering-secret').toString('base64');
    assert.equal((await api.call('GET', '/api/v1/customers', { authorization: reporting })).status, 200);
    assert.equal((await api.call('GET', '/api/v1/customers', { authorization: metering })).status, 403);
    assert.equal((await api.call('GET', '/api/v1/customers')).status, 401);
    const customer = await api.createCustomer();
    const token = await api.customerToken(customer.id);
    assert.equal((await api.call('GET', '/api/v1/customers', { token })).status, 403);
  });

  it('deleted customers are not listed', async () => {
    const { tag, ids } = await batch([{}, {}]);
    await api.admin('DELETE', `/api/v1/customers/${ids[0]}`);
    const answer = await list(`metadata[batch]=${tag}`);
    assert.deepEqual(answer.body.items.map((item: any) => item.id), [ids[1]]);
    assert.equal(answer.body.pagination.total_count, 1);
  });
});
