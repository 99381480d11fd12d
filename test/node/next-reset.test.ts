// The usage meter's "Resets on" date against the server's own periods: for any moment, the next
// reset the element computes is where the server starts a new period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nextReset } from '../../src/components/usage-meter/next-reset.ts';
import { periodStart } from '../../src/server/periods.ts';

const RESETS = ['day', 'week', 'month', 'year'] as const;
// 1970 to 2200, in milliseconds.
const moment = fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) });

test('the next reset starts a new server period, and no period starts in between', () => {
  fc.assert(
    fc.property(fc.constantFrom(...RESETS), moment, (reset, now) => {
      const next = nextReset(reset, now)!;
      assert.ok(next > now, `${reset} at ${new Date(now).toISOString()}: ${new Date(next).toISOString()} is not later`);
      assert.equal(periodStart(reset, next), next, 'a period starts there');
      assert.equal(periodStart(reset, next - 1), periodStart(reset, now), 'the current period lasts until then');
    }),
    { numRuns: 5000, seed: 11 },
  );
});

test('exact boundaries: a Monday midnight resets next Monday, the last day of February resets on March 1', () => {
  assert.equal(nextReset('week', Date.UTC(2026, 10, 23)), Date.UTC(2026, 10, 30));
  assert.equal(nextReset('week', Date.UTC(2026, 10, 29, 23, 59)), Date.UTC(2026, 10, 30));
  assert.equal(nextReset('month', Date.UTC(2028, 1, 29, 12)), Date.UTC(2028, 2, 1));
  assert.equal(nextReset('year', Date.UTC(2026, 11, 31, 23, 59, 59, 999)), Date.UTC(2027, 0, 1));
  assert.equal(nextReset('day', Date.UTC(2026, 11, 31, 5)), Date.UTC(2027, 0, 1));
});

test('levers that never reset, or say nothing, have no reset date', () => {
  for (const reset of ['never', null, undefined, 'fortnight']) assert.equal(nextReset(reset, Date.UTC(2026, 0, 1)), undefined);
});
