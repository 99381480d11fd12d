// The size ratchet: the portal bundle and the client alone, measured as users pay for them (the
// build's own pipeline, then gzip -9), may not grow more than 5% past bench/size-budget.json, and
// the budget follows them down: when either shrinks more than 5% under it, lower the budget with
// `npm run bench -- --only size --update-budget`.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_TOLERANCE, allowedBytes, measureClient, measurePortal, readBudget, withinBudget, type BundleSize } from '../../bench/size.ts';

const budget = readBudget();
let portal: BundleSize;
let client: BundleSize;

before(async () => {
  portal = await measurePortal();
  client = await measureClient();
});

const sizes = () =>
  [
    ['portal', portal.gzipBytes, budget.portalGzipBytes],
    ['client', client.gzipBytes, budget.clientGzipBytes],
  ] as const;

test('the portal bundle and the client stay within their gzip size budgets + 5%', () => {
  for (const [name, bytes, budgeted] of sizes()) {
    assert.ok(withinBudget(bytes, budgeted), `${name} is ${bytes} bytes gzipped; budget ${budgeted} + 5% = ${allowedBytes(budgeted)}`);
  }
});

test('the budget follows the sizes down (no slack of more than 5% to grow back into)', () => {
  for (const [name, bytes, budgeted] of sizes()) {
    assert.ok(
      bytes >= Math.ceil(budgeted * (1 - BUDGET_TOLERANCE)),
      `${name} shrank to ${bytes} bytes gzipped, more than 5% under its budget of ${budgeted}: lower it with \`npm run bench -- --only size --update-budget\``,
    );
  }
});

test('the client is measured alone: the portal holds it and lit besides', () => {
  assert.ok(portal.gzipBytes > client.gzipBytes * 2, `portal ${portal.gzipBytes} B, client ${client.gzipBytes} B`);
});

test('the budget check fails for a bundle just past budget + 5% (the ratchet bites)', () => {
  assert.equal(allowedBytes(20_000), 21_000);
  assert.equal(withinBudget(21_000, 20_000), true, 'exactly budget + 5% passes');
  assert.equal(withinBudget(21_001, 20_000), false, 'one byte more fails');
  assert.equal(withinBudget(21_001, 20_001), true, '20,001 + 5% = 21,001.05: rounded down to whole bytes');
  assert.equal(withinBudget(21_002, 20_001), false);
});
