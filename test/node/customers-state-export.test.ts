// Customer state (customer + active subscriptions + entitlements + metered usage in one answer)
// and the CSV export (RFC 4180 quoting, CRLF, UTF-8, live customers only).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASIC, PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

/** A small RFC 4180 reader (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += char;
  }
  assert.equal(field, '', 'the file ends with CRLF');
  return rows;
}

describe('customer state', () => {
  it('by id and by external id: the customer, active subscriptions with plans, entitlements, usage', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const ended = await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/free/subscriptions`, { customer_id: customer.id });
    await api.admin('PATCH', `/api/v1/customers/${customer.id}/subscriptions/${ended.body.id}`, { is_active: false });
    await api.reportUsage(customer.id, 'api-calls', 250);
    const state = await api.admin('GET', `/api/v1/customers/${customer.id}/state`);
    assert.equal(state.status, 200);
    assert.equal(state.body.id, customer.id);
    assert.equal(state.body.alternative_id, customer.alternativeId);
    assert.equal(state.body.email, customer.alternativeId);
    assert.deepEqual(state.body.active_subscriptions.map((s: any) => s.plan.slug), ['starter'], 'inactive ones left out');
    const [subscription] = state.body.active_subscriptions;
    assert.equal(subscription.subscription_id, customer.subscriptionId);
    assert.equal(subscription.product_slug, PRODUCT);
    assert.equal(subscription.plan_details.slug, 'starter');
    assert.equal(subscription.plan_details.entitlements.find((e: any) => e.lever_slug === 'api-calls').value, 10000);
    assert.equal(state.body.entitlements[PRODUCT]['api-calls'], 10000 - 250);
    assert.deepEqual(state.body.entitlements[PRODUCT]['export-formats'], ['csv', 'json']);
    assert.equal(state.body.entitlements['markup-product'].feature, false, 'every product, defaults without a subscription');
    assert.equal(state.body.usage[PRODUCT]['api-calls'].total, 250);
    assert.equal(state.body.usage[PRODUCT]['ai-insights'].total, 0);
    assert.deepEqual(Object.keys(state.body.usage[PRODUCT]).sort(), ['ai-insights', 'api-burst', 'api-calls']);
    const byExternal = await api.admin('GET', `/api/v1/customers/external/${encodeURIComponent(customer.alternativeId)}/state`);
    assert.deepEqual(byExternal.body, state.body);
  });

  it('needs customers:read; customer tokens get 403', async () => {
    const customer = await api.createCustomer();
    const reporting = 'Basic ' + Buffer.from('reporting-client:reporting-secret').toString('base64');
    const metering = 'Basic ' + Buffer.from('metering-client:metering-secret').toString('base64');
    assert.equal((await api.call('GET', `/api/v1/customers/${customer.id}/state`, { authorization: reporting })).status, 200);
    assert.equal((await api.call('GET', `/api/v1/customers/${customer.id}/state`, { authorization: metering })).status, 403);
    const token = await api.customerToken(customer.id);
    assert.equal((await api.call('GET', `/api/v1/customers/${customer.id}/state`, { token })).status, 403);
  });
});

describe('customer export', () => {
  it('CSV with a header, CRLF, UTF-8, RFC 4180 quoting of commas, quotes, newlines; non-Latin names', async () => {
    const tricky = [
      { alternative_id: `csv, comma ${Date.now()}`, name: 'Doe, Jane', email: `jane-${Date.now()}@example.com`, metadata: { note: 'say "hi"', n: 3 } },
      { alternative_id: `csv-quote-${Date.now()}`, name: 'The "Boss"', email: `boss-${Date.now()}@example.com` },
      { alternative_id: `csv-newline-${Date.now()}`, name: 'Line one\nLine two\r\nthree', email: `nl-${Date.now()}@example.com` },
      { alternative_id: `csv-unicode-${Date.now()}`, name: '山田 太郎 — Ωμέγα عربي 🙂', email: `yamada-${Date.now()}@example.com` },
    ];
    const ids: string[] = [];
    for (const person of tricky) ids.push((await api.admin('POST', '/api/v1/customers', person)).body.id);
    await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: ids[0] });
    await api.admin('POST', '/api/v1/products/markup-product/plans/basic/subscriptions', { customer_id: ids[0] });

    const response = await fetch(`${api.url}/api/v1/customers/export`, { headers: { authorization: `Bearer ${await api.productToken()}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8$/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="planship-customers\.csv"/);
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    assert.ok(text.startsWith('ID,External ID,Created At,Email,Name,Active Plans,Metadata\r\n'));
    assert.ok(text.includes('"Doe, Jane"'), 'a comma is quoted');
    assert.ok(text.includes('"The ""Boss"""'), 'quotes are doubled inside quotes');
    assert.ok(text.includes('"Line one\nLine two\r\nthree"'), 'line breaks are kept inside quotes');
    const rows = parseCsv(text);
    assert.ok(rows.every((row) => row.length === 7), 'every row has 7 fields');
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    const comma = byId.get(ids[0])!;
    assert.equal(comma[1], tricky[0].alternative_id);
    assert.match(comma[2], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(comma[3], tricky[0].email);
    assert.equal(comma[4], 'Doe, Jane');
    assert.equal(comma[5], 'acme-analytics:pro; markup-product:basic');
    assert.deepEqual(JSON.parse(comma[6]), { note: 'say "hi"', n: 3 });
    assert.equal(byId.get(ids[1])![4], 'The "Boss"');
    assert.equal(byId.get(ids[2])![4], 'Line one\nLine two\r\nthree');
    assert.equal(byId.get(ids[3])![4], '山田 太郎 — Ωμέγα عربي 🙂');
    assert.equal(byId.get(ids[3])![5], '', 'no active plans');
    assert.equal(byId.get(ids[3])![6], '', 'empty metadata is an empty cell');
    // Everyone live, once each: the seeded customers too.
    const listed = await api.admin('GET', '/api/v1/customers?limit=1');
    assert.equal(rows.length - 1, listed.body.pagination.total_count);
    assert.ok(byId.has((await api.admin('GET', '/api/v1/customers/ada@example.com')).body.id));
  });

  it('streams large exports in chunks (every customer, no row split or lost)', async () => {
    const isolated = await startTestServer();
    try {
      const created = await Promise.all(
        Array.from({ length: 1200 }, (_, index) =>
          isolated.admin('POST', '/api/v1/customers', { alternative_id: `bulk-${index}`, name: `Bulk, ${index}` }).then((answer) => answer.body.id as string),
        ),
      );
      const response = await fetch(`${isolated.url}/api/v1/customers/export`, { headers: { authorization: BASIC } });
      let chunks = 0;
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        chunks += 1;
        text += decoder.decode(chunk, { stream: true });
      }
      assert.ok(chunks > 1, 'more than one chunk');
      const rows = parseCsv(text);
      const exported = new Set(rows.slice(1).map((row) => row[0]));
      for (const id of created) assert.ok(exported.has(id));
      assert.equal(rows.find((row) => row[1] === 'bulk-7')![4], 'Bulk, 7');
    } finally {
      await isolated.server.close();
    }
  });

  it('needs customers:read (403 without; customer tokens 403; 401 anonymous)', async () => {
    const reporting = 'Basic ' + Buffer.from('reporting-client:reporting-secret').toString('base64');
    const metering = 'Basic ' + Buffer.from('metering-client:metering-secret').toString('base64');
    assert.equal((await api.call('GET', '/api/v1/customers/export', { authorization: reporting })).status, 200);
    const denied = await api.call('GET', '/api/v1/customers/export', { authorization: metering });
    assert.equal(denied.status, 403);
    assert.equal(typeof denied.body.detail, 'string');
    const customer = await api.createCustomer();
    assert.equal((await api.call('GET', '/api/v1/customers/export', { token: await api.customerToken(customer.id) })).status, 403);
    assert.equal((await api.call('GET', '/api/v1/customers/export')).status, 401);
    assert.equal((await api.admin('POST', '/api/v1/customers/export')).status, 405);
  });
});
