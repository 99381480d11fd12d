// Issue 12, attacks 2 and 4: usage per report has a documented maximum, totals stay exact
// integers up to Number.MAX_SAFE_INTEGER (a report that would pass it is refused), a period
// reset starts from an exact zero, and buckets per subscription, metering id and period are
// bounded. The clock moves here, so this file runs its own server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_BUCKETS, MAX_USAGE_PER_REPORT } from '../../src/server/usage.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';
import { PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
before(async () => {
  api = await startTestServer({ tokenTtlSeconds: 400 * 86_400 });
});
after(() => api.server.close());

const usageOf = async (customerId: string, lever = 'api-calls') =>
  (await api.admin('GET', `/api/v1/customers/${customerId}/products/${PRODUCT}/levers/${lever}/usage`)).body;

/** Reports `amounts` (with `extra` fields each), all of which must succeed. */
async function reportAll(customerId: string, amounts: number[], extra: (index: number) => Record<string, unknown> = () => ({})) {
  const statuses = await api.reportMany(customerId, 'api-calls', amounts.map((usage, index) => ({ usage, ...extra(index) })));
  assert.deepEqual(new Set(statuses), new Set([200]));
}

/** Reports that add up to exactly `total`, each at most the per-report maximum. */
function amountsSumming(total: number): number[] {
  const amounts = Array.from({ length: Math.floor(total / MAX_USAGE_PER_REPORT) }, () => MAX_USAGE_PER_REPORT);
  const rest = total - amounts.length * MAX_USAGE_PER_REPORT;
  return rest ? [...amounts, rest] : amounts;
}

/** The first instant of the next calendar month (UTC) after the server's now, plus a minute. */
async function secondsToNextMonth(): Promise<number> {
  const now = new Date((await api.advanceClock(0)).body.now);
  return (Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - now.getTime()) / 1000 + 60;
}

describe('usage amounts and totals (attack 2)', () => {
  it(`one report carries at most ${MAX_USAGE_PER_REPORT}: more is a 422 naming usage`, async () => {
    const customer = await api.createCustomer({ plan: 'business' });
    assert.equal((await api.reportUsage(customer.id, 'api-calls', MAX_USAGE_PER_REPORT)).status, 200);
    for (const usage of [MAX_USAGE_PER_REPORT + 1, Number.MAX_SAFE_INTEGER]) {
      const refused = await api.reportUsage(customer.id, 'api-calls', usage);
      assert.equal(refused.status, 422);
      assert.deepEqual(refused.body.detail, [{ loc: ['body', 'usage'], msg: `Input should be less than or equal to ${MAX_USAGE_PER_REPORT}`, type: 'less_than_equal' }]);
    }
    assert.equal((await usageOf(customer.id)).total, MAX_USAGE_PER_REPORT);
  });

  it('totals stay exact up to 2^53-1 ("then 1,1,1,1,2,3" adds 9); a report past it is a 409 that records nothing', async () => {
    const customer = await api.createCustomer({ plan: 'business' });
    await reportAll(customer.id, [...amountsSumming(Number.MAX_SAFE_INTEGER - 9), 1, 1, 1, 1, 2, 3]);
    const usage = await usageOf(customer.id);
    assert.equal(usage.total, Number.MAX_SAFE_INTEGER);
    assert.equal(usage.by_bucket.null, Number.MAX_SAFE_INTEGER);
    const over = await api.reportUsage(customer.id, 'api-calls', 1);
    assert.equal(over.status, 409, over.text);
    assert.match(over.body.detail, /would pass 9007199254740991 this period/);
    assert.equal((await usageOf(customer.id)).total, Number.MAX_SAFE_INTEGER, 'the refused report counted nothing');
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 1_000_000 - Number.MAX_SAFE_INTEGER);
  });

  it('a period reset starts from exactly zero: 100 reported after a saturated month reads 100', async () => {
    const customer = await api.createCustomer({ plan: 'business' });
    await reportAll(customer.id, amountsSumming(Number.MAX_SAFE_INTEGER));
    await api.advanceClock(await secondsToNextMonth());
    assert.equal((await api.reportUsage(customer.id, 'api-calls', 100)).status, 200);
    const usage = await usageOf(customer.id);
    assert.equal(usage.total, 100);
    assert.deepEqual(usage.by_bucket, { null: 100 });
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 1_000_000 - 100);
    assert.equal((await usageOf(customer.id, 'api-burst')).total, 100, 'the daily lever of the same metering id agrees');
  });
});

describe('buckets (attack 4)', () => {
  it(`at most ${MAX_BUCKETS} distinct buckets per subscription, metering id and period; known buckets still count; a new period starts over`, async () => {
    const customer = await api.createCustomer({ plan: 'business' });
    await reportAll(customer.id, Array.from({ length: MAX_BUCKETS }, () => 1), (index) => ({ bucket: `b${index}` }));
    const refused = await api.reportUsage(customer.id, 'api-calls', 1, { bucket: 'one-too-many' });
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.detail.map((issue: { loc: unknown }) => issue.loc), [['body', 'bucket']]);
    assert.equal(refused.body.detail[0].type, 'too_long');
    assert.equal((await api.reportUsage(customer.id, 'api-calls', 5, { bucket: 'b7' })).status, 200, 'an existing bucket');
    const usage = await usageOf(customer.id);
    assert.equal(usage.total, MAX_BUCKETS + 5);
    assert.equal(Object.keys(usage.by_bucket).length, MAX_BUCKETS);
    assert.equal(usage.by_bucket.b7, 6);

    const other = await api.createCustomer({ plan: 'business' });
    assert.equal((await api.reportUsage(other.id, 'api-calls', 1, { bucket: 'one-too-many' })).status, 200, 'the bound is per subscription');

    await api.advanceClock(await secondsToNextMonth());
    assert.equal((await api.reportUsage(customer.id, 'api-calls', 2, { bucket: 'one-too-many' })).status, 200, 'a new period');
    assert.deepEqual((await usageOf(customer.id)).by_bucket, { 'one-too-many': 2 });
  });
});

describe('periods that do not nest', () => {
  it("a month and a week lever on one metering id: dropping last month's days keeps this month's buckets", async () => {
    const catalog = testCatalog();
    catalog.products[0].levers.find((lever: { slug: string }) => lever.slug === 'api-burst').reset = 'week';
    const own = await startTestServer({ catalog, tokenTtlSeconds: 400 * 86_400 });
    try {
      const customer = await own.createCustomer({ plan: 'pro' });
      // To noon on the first of a month that starts mid-week: the widest period is then the week, begun last month.
      const now = new Date((await own.advanceClock(0)).body.now);
      let first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 12);
      if (new Date(first).getUTCDay() === 1) first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1, 12);
      await own.advanceClock((first - now.getTime()) / 1000);
      assert.equal((await own.reportUsage(customer.id, 'api-calls', 3, { bucket: 'first-day' })).status, 200);
      // To the next Monday: the widest period is now the month, so last month's days are dropped, not this month's.
      await own.advanceClock((8 - new Date(first).getUTCDay()) % 7 * 86_400);
      assert.equal((await own.reportUsage(customer.id, 'api-calls', 2, { bucket: 'monday' })).status, 200);
      const usage = (lever: string) => own.admin('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/levers/${lever}/usage`);
      const monthly = (await usage('api-calls')).body;
      assert.equal(monthly.total, 5);
      assert.deepEqual(monthly.by_bucket, { 'first-day': 3, monday: 2 });
      assert.deepEqual((await usage('api-burst')).body.by_bucket, { monday: 2 });
    } finally {
      await own.server.close();
    }
  });
});
