// PlanshipAdmin (src/client/admin.ts) against the real server: the seed's eleven customer
// operations, the page iterator, the streaming export and customer tokens.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PlanshipAdmin, PlanshipApiError, PlanshipCustomer, customerListQuery, type CustomerInDbBase } from '../../src/client/admin.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { CREDENTIALS, NodeWebSocket, PRODUCT, recordingFetch, startTestServer, waitFor } from './client-helpers.ts';

let server: RunningServer;
let admin: PlanshipAdmin;
let unique = 0;
const next = () => `admin-client-${process.pid}-${(unique += 1)}`;

before(async () => {
  server = await startTestServer();
  admin = new PlanshipAdmin(PRODUCT, CREDENTIALS, { baseUrl: server.url });
});
after(() => server.close());

const isError = (kind: string, status?: number) => (error: unknown) =>
  error instanceof PlanshipApiError && error.kind === kind && (status === undefined || error.status === status);

describe('PlanshipAdmin: find or create, update, delete', () => {
  it('createCustomer and getCustomer keep the seed behaviour; getCustomerByExternalId finds by the host user id', async () => {
    const externalId = `users/${next()} ünï`;
    const created = await admin.createCustomer({ alternativeId: externalId, name: 'Ada', email: `${next()}@example.com`, metadata: { tier: 'gold' } });
    assert.deepEqual(created.subscriptions, []);
    assert.ok(created.createdAt instanceof Date);
    assert.equal((await admin.getCustomer(created.id)).alternativeId, externalId);
    const found = await admin.getCustomerByExternalId(externalId);
    assert.equal(found.id, created.id);
    assert.deepEqual(found.metadata, { tier: 'gold' });
    await assert.rejects(admin.getCustomerByExternalId(`${externalId}-nobody`), isError('not_found', 404));
  });

  it('updateCustomer / updateCustomerByExternalId send only the fields given; typed validation errors', async () => {
    const recorder = recordingFetch();
    const client = new PlanshipAdmin(PRODUCT, CREDENTIALS, { baseUrl: server.url, fetch: recorder });
    const externalId = next();
    const created = await client.createCustomer({ alternativeId: externalId, name: 'Before', email: `${externalId}@example.com` });
    const renamed = await client.updateCustomer(created.id, { name: 'After', metadata: { seats: 3, vip: true } });
    assert.equal(renamed.name, 'After');
    assert.deepEqual(renamed.metadata, { seats: 3, vip: true });
    const patch = recorder.requests.find((request) => request.method === 'PATCH')!;
    assert.deepEqual(patch.body, { name: 'After', metadata: { seats: 3, vip: true } });
    const byExternal = await client.updateCustomerByExternalId(externalId, { email: `${externalId}@example.org` });
    assert.equal(byExternal.email, `${externalId}@example.org`);
    assert.equal(byExternal.name, 'After');
    await assert.rejects(client.updateCustomer(created.id, { alternativeId: 'another' }), (error: unknown) => {
      assert.ok(isError('validation', 422)(error));
      assert.deepEqual((error as PlanshipApiError).detail, [{ loc: ['body', 'alternative_id'], msg: 'alternative_id cannot be changed once set.', type: 'value_error' }]);
      return true;
    });
  });

  it('deleteCustomer(id, { anonymize }) and deleteCustomerByExternalId; 404 afterwards; the id is reusable', async () => {
    const recorder = recordingFetch();
    const client = new PlanshipAdmin(PRODUCT, CREDENTIALS, { baseUrl: server.url, fetch: recorder });
    const first = await client.createCustomer({ alternativeId: next(), name: 'Plain', email: `${next()}@example.com` });
    const deleted = await client.deleteCustomer(first.id);
    assert.equal(deleted.alternativeId, first.alternativeId, 'the released external id is shown');
    assert.ok(deleted.deletedAt instanceof Date);
    const second = await client.createCustomer({ alternativeId: first.alternativeId!, name: 'Secret Name', email: `${next()}@example.com` });
    const scrubbed = await client.deleteCustomerByExternalId(first.alternativeId!, { anonymize: true });
    assert.equal(scrubbed.id, second.id);
    assert.match(scrubbed.name!, /^[0-9a-f]{64}$/);
    assert.match(scrubbed.email!, /@anonymized\.invalid$/);
    const again = await client.deleteCustomer(second.id, { anonymize: true });
    assert.deepEqual(again, scrubbed, 'anonymizing twice changes nothing');
    assert.deepEqual(
      recorder.requests.filter((request) => request.method === 'DELETE').map((request) => request.path + request.query),
      [`/api/v1/customers/${first.id}`, `/api/v1/customers/external/${encodeURIComponent(first.alternativeId!)}?anonymize=true`, `/api/v1/customers/${second.id}?anonymize=true`],
    );
    await assert.rejects(client.getCustomer(second.id), isError('not_found', 404));
    await assert.rejects(client.deleteCustomer(second.id), isError('not_found', 404));
  });
});

describe('PlanshipAdmin: list, iterate, state, export', () => {
  it('listCustomers sends every filter and sort; answers items and pagination', async () => {
    assert.equal(customerListQuery(), '');
    assert.equal(
      decodeURIComponent(customerListQuery({ page: 2, limit: 5, query: 'a b', email: 'x@y', active: false, metadata: { tier: ['gold', 'silver'], n: 1 }, sorting: ['name', '-created_at'] })),
      '?page=2&limit=5&query=a+b&email=x@y&active=false&metadata[tier]=gold&metadata[tier]=silver&metadata[n]=1&sorting=name&sorting=-created_at',
    );
    const batch = next();
    for (const name of ['Carol', 'alice', 'Bob']) await admin.createCustomer({ name, metadata: { batch } });
    const page = await admin.listCustomers({ metadata: { batch }, sorting: 'name', limit: 2 });
    assert.deepEqual(page.items.map((customer) => customer.name), ['alice', 'Bob']);
    assert.deepEqual(page.pagination, { totalCount: 3, maxPage: 2 });
    const last = await admin.listCustomers({ metadata: { batch }, sorting: 'name', limit: 2, page: 2 });
    assert.deepEqual(last.items.map((customer) => customer.name), ['Carol']);
    await assert.rejects(admin.listCustomers({ sorting: 'age' as never }), isError('validation', 422));
  });

  it('iterateCustomers walks every page once (and stops when asked)', async () => {
    const batch = next();
    const ids: string[] = [];
    for (let index = 0; index < 7; index += 1) ids.push((await admin.createCustomer({ name: `Walker ${index}`, metadata: { batch } })).id);
    const recorder = recordingFetch();
    const client = new PlanshipAdmin(PRODUCT, CREDENTIALS, { baseUrl: server.url, fetch: recorder });
    const seen: CustomerInDbBase[] = [];
    for await (const customer of client.iterateCustomers({ metadata: { batch }, limit: 3, sorting: 'created_at' })) seen.push(customer);
    assert.deepEqual(seen.map((customer) => customer.id), ids);
    assert.equal(recorder.count('GET', '/api/v1/customers'), 3, 'three pages of 3');
    let taken = 0;
    for await (const _ of client.iterateCustomers({ metadata: { batch }, limit: 3 })) if ((taken += 1) === 2) break;
    assert.equal(recorder.count('GET', '/api/v1/customers'), 4, 'breaking early reads no further page');
    const none: unknown[] = [];
    for await (const customer of client.iterateCustomers({ metadata: { batch: 'nothing' } })) none.push(customer);
    assert.deepEqual(none, []);
  });

  it('getCustomerState / getCustomerStateByExternalId: slugs stay as they are, usage converted', async () => {
    const externalId = next();
    const created = await admin.createCustomer({ alternativeId: externalId, name: 'Stateful' });
    const customer = new PlanshipCustomer(PRODUCT, created.id, CREDENTIALS, { baseUrl: server.url });
    await customer.createSubscription('pro');
    await customer.reportUsage('api-calls', 42, 'bucket_one');
    const state = await admin.getCustomerState(created.id);
    assert.equal(state.id, created.id);
    assert.equal(state.activeSubscriptions.length, 1);
    assert.equal(state.activeSubscriptions[0].plan.slug, 'pro');
    assert.equal(state.activeSubscriptions[0].planDetails.entitlements.length, 8);
    assert.equal(state.entitlements[PRODUCT]['api-calls'], 100000 - 42);
    assert.equal(state.entitlements[PRODUCT]['data-retention-days'], 365);
    assert.equal(state.usage[PRODUCT]['api-calls'].total, 42);
    assert.deepEqual(state.usage[PRODUCT]['api-calls'].byBucket, { bucket_one: 42 });
    assert.ok(state.createdAt instanceof Date);
    assert.deepEqual(await admin.getCustomerStateByExternalId(externalId), state);
  });

  it('exportCustomers (a string) and exportCustomersStream (a byte stream) give the same CSV', async () => {
    const created = await admin.createCustomer({ alternativeId: next(), name: 'Export, "Me"\nPlease' });
    const text = await admin.exportCustomers();
    assert.ok(text.startsWith('ID,External ID,Created At,Email,Name,Active Plans,Metadata\r\n'));
    assert.ok(text.includes(`${created.id},${created.alternativeId},`));
    assert.ok(text.includes('"Export, ""Me""\nPlease"'));
    const stream = await admin.exportCustomersStream();
    let streamed = '';
    for await (const chunk of Readable.fromWeb(stream as any)) streamed += chunk;
    assert.equal(streamed, text);
    const readOnly = new PlanshipAdmin(PRODUCT, { clientId: 'metering-client', clientSecret: 'metering-secret' }, { baseUrl: server.url });
    await assert.rejects(readOnly.exportCustomers(), isError('forbidden', 403));
    await assert.rejects(readOnly.listCustomers(), isError('forbidden', 403));
  });
});

describe('PlanshipAdmin: createCustomerToken', () => {
  it('mints a token for one customer that a PlanshipCustomer can use; it stops working on delete', async () => {
    const created = await admin.createCustomer({ alternativeId: next(), name: 'Token holder' });
    await admin.updateCustomer(created.id, { metadata: { ok: true } });
    const token = await admin.createCustomerToken(created.id, { expiresIn: 120 });
    assert.equal(token.customerId, created.id);
    assert.equal(token.expiresIn, 120);
    assert.equal(token.tokenType, 'bearer');
    const browser = new PlanshipCustomer(PRODUCT, created.id, async () => token.accessToken, { baseUrl: server.url, WebSocket: NodeWebSocket });
    const entitlements = await browser.getEntitlements();
    assert.equal(entitlements.sso, false);
    const states: string[] = [];
    browser.addEventListener('planship-connection', (event) => states.push(event.state));
    browser.onEntitlements(() => {}); // opens the socket
    await waitFor(() => browser.connectionState === 'live', 'live');
    await admin.deleteCustomer(created.id);
    await waitFor(() => browser.connectionState === 'closed', 'closed after delete');
    assert.ok(states.includes('live'));
    assert.equal(states.at(-1), 'closed');
    await assert.rejects(browser.getCustomer(created.id), isError('unauthorized', 401));
    await assert.rejects(admin.createCustomerToken(created.id), isError('not_found', 404));
    await assert.rejects(admin.createCustomerToken(next(), { expiresIn: 0 }), isError('validation', 422));
    browser.dispose();
  });
});

describe('PlanshipAdmin: copies', () => {
  it('concurrent identical reads share one request but each caller gets its own objects', async () => {
    const created = await admin.createCustomer({ alternativeId: next(), name: 'Shared' });
    const recorder = recordingFetch();
    const client = new PlanshipAdmin(PRODUCT, CREDENTIALS, { baseUrl: server.url, fetch: recorder });
    await client.getAccessToken();
    const [first, second] = await Promise.all([client.getCustomerState(created.id), client.getCustomerState(created.id)]);
    assert.equal(recorder.count('GET', '/state'), 1);
    assert.notEqual(first.entitlements, second.entitlements);
    first.entitlements[PRODUCT].sso = 'changed';
    first.usage[PRODUCT]['api-calls'].total = -1;
    assert.equal(second.entitlements[PRODUCT].sso, false);
    assert.equal(second.usage[PRODUCT]['api-calls'].total, 0);
  });
});
