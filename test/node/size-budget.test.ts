// The size ratchet: the portal bundle and the client alone, measured as users pay for them
// (esbuild --bundle --minify, gzip -9), may not grow more than 5% past bench/size-budget.json.
// When they shrink, lower the budget with `npm run bench -- --only size --update-budget`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedBytes, measureClient, measurePortal, readBudget, withinBudget } from '../../bench/size.ts';

const budget = readBudget();

test('the portal bundle stays within its gzip size budget + 5%', async () => {
  const { gzipBytes } = await measurePortal();
  assert.ok(gzipBytes > 0, 'the portal bundle is empty');
  assert.ok(
    withinBudget(gzipBytes, budget.portalGzipBytes),
    `portal is ${gzipBytes} bytes gzipped; budget ${budget.portalGzipBytes} + 5% = ${allowedBytes(budget.portalGzipBytes)}`,
  );
});

test('the client alone stays within its gzip size budget + 5%', async () => {
  const { gzipBytes } = await measureClient();
  assert.ok(gzipBytes > 0, 'the client bundle is empty');
  assert.ok(
    withinBudget(gzipBytes, budget.clientGzipBytes),
    `client is ${gzipBytes} bytes gzipped; budget ${budget.clientGzipBytes} + 5% = ${allowedBytes(budget.clientGzipBytes)}`,
  );
});

test('the budget check fails for a bundle just past budget + 5% (the ratchet bites)', () => {
  assert.equal(allowedBytes(20_000), 21_000);
  assert.equal(withinBudget(21_000, 20_000), true, 'exactly budget + 5% passes');
  assert.equal(withinBudget(21_001, 20_000), false, 'one byte more fails');
  assert.equal(withinBudget(21_001, 20_001), true, '20,001 + 5% = 21,001.05: rounded down to whole bytes');
  assert.equal(withinBudget(21_002, 20_001), false);
});
