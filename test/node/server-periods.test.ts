// Usage period resets at calendar boundaries in UTC (day, week starting Monday, month, year),
// driven through the clock hook: usage is reported a minute before a boundary and the
// entitlements are read a minute after it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCatalog } from '../fixtures/test-catalog.ts';
import { startTestServer } from './server-helpers.ts';

const PERIODS_PRODUCT = 'periods';
const LIMIT = 100;
const USED = 10;
const DAY_MS = 86_400_000;

function periodsCatalog() {
  const catalog = testCatalog();
  const lever = (slug: string, reset: string) => ({ slug, name: slug, type: 'metered', metering_id: 'calls', reset });
  catalog.products.push({
    slug: PERIODS_PRODUCT,
    name: 'Periods',
    levers: [lever('daily', 'day'), lever('weekly', 'week'), lever('monthly', 'month'), lever('yearly', 'year'), lever('forever', 'never')],
    plans: [
      {
        slug: 'metered', name: 'Metered', order: 1, is_public: true, is_self_serve: true,
        entitlements: { daily: LIMIT, weekly: LIMIT, monthly: LIMIT, yearly: LIMIT, forever: LIMIT },
      },
    ],
  });
  return catalog;
}

/** The first UTC midnight after `from` (+ 2 days of margin) that `accept` likes. */
function nextMidnight(from: number, accept: (date: Date) => boolean): number {
  let day = Math.floor(from / DAY_MS) * DAY_MS + 2 * DAY_MS;
  while (!accept(new Date(day))) day += DAY_MS;
  return day;
}

type Lever = 'daily' | 'weekly' | 'monthly' | 'yearly' | 'forever';

/** Reports usage one minute before `boundary` and returns the entitlements one minute after it. */
async function acrossBoundary(pickBoundary: (now: number) => number): Promise<{ boundary: Date; before: Record<Lever, number>; after: Record<Lever, number> }> {
  const api = await startTestServer({ catalog: periodsCatalog(), tokenTtlSeconds: 400 * 86_400 });
  try {
    const now = Date.parse((await api.advanceClock(0)).body.now);
    const boundary = pickBoundary(now);
    await api.advanceClock((boundary - now) / 1000 - 60);
    const customer = await api.createCustomer({ plan: 'metered', product: PERIODS_PRODUCT });
    const reported = await api.admin('POST', `/api/v1/customers/${customer.id}/products/${PERIODS_PRODUCT}/usage/calls`, { usage: USED });
    assert.equal(reported.status, 200, reported.text);
    const path = `/api/v1/customers/${customer.id}/products/${PERIODS_PRODUCT}/entitlements`;
    const before = (await api.admin('GET', path)).body;
    await api.advanceClock(120);
    const after = (await api.admin('GET', path)).body;
    return { boundary: new Date(boundary), before, after };
  } finally {
    await api.server.close();
  }
}

const used = LIMIT - USED;

describe('usage period resets (UTC)', () => {
  it('a Monday (not the 1st) resets daily and weekly levers only', async () => {
    const { boundary, before, after } = await acrossBoundary((now) =>
      nextMidnight(now, (date) => date.getUTCDay() === 1 && date.getUTCDate() > 1),
    );
    assert.equal(boundary.getUTCDay(), 1);
    assert.deepEqual(before, { daily: used, weekly: used, monthly: used, yearly: used, forever: used });
    assert.deepEqual(after, { daily: LIMIT, weekly: LIMIT, monthly: used, yearly: used, forever: used }, boundary.toISOString());
  });

  it('another midnight inside the week (not Monday, not the 1st) resets only the daily lever', async () => {
    const { boundary, after } = await acrossBoundary((now) =>
      nextMidnight(now, (date) => date.getUTCDay() === 3 && date.getUTCDate() > 1),
    );
    assert.deepEqual(after, { daily: LIMIT, weekly: used, monthly: used, yearly: used, forever: used }, boundary.toISOString());
  });

  it('the 1st of a month (not January, not a Monday) resets daily and monthly levers, not the week', async () => {
    const { boundary, after } = await acrossBoundary((now) =>
      nextMidnight(now, (date) => date.getUTCDate() === 1 && date.getUTCMonth() !== 0 && date.getUTCDay() !== 1),
    );
    assert.equal(boundary.getUTCDate(), 1);
    assert.deepEqual(after, { daily: LIMIT, weekly: used, monthly: LIMIT, yearly: used, forever: used }, boundary.toISOString());
  });

  it('January 1st (not a Monday) resets daily, monthly and yearly levers, not the week', async () => {
    const { boundary, after } = await acrossBoundary((now) =>
      nextMidnight(now, (date) => date.getUTCDate() === 1 && date.getUTCMonth() === 0 && date.getUTCDay() !== 1),
    );
    assert.equal(boundary.getUTCMonth(), 0);
    assert.deepEqual(after, { daily: LIMIT, weekly: used, monthly: LIMIT, yearly: LIMIT, forever: used }, boundary.toISOString());
  });

  it('a Monday that is January 1st resets every lever but the one that never resets', async () => {
    const { boundary, after } = await acrossBoundary((now) =>
      nextMidnight(now, (date) => date.getUTCDate() === 1 && date.getUTCMonth() === 0 && date.getUTCDay() === 1),
    );
    assert.equal(boundary.getUTCDay(), 1);
    assert.deepEqual(after, { daily: LIMIT, weekly: LIMIT, monthly: LIMIT, yearly: LIMIT, forever: used }, boundary.toISOString());
  });
});
