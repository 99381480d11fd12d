// The size ratchet: the portal bundle and the client alone, measured as users pay for them (the
// build's own pipeline, then gzip -9), may not grow more than 5% past bench/size-budget.json, and
// the budget follows them down: when either shrinks more than 5% under it, lower the budget with
// `npm run bench -- --only size --update-budget`.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_TOLERANCE, allowedBytes, measureClient, measurePortal, readBudget, type BundleSize } from '../../bench/size.ts';

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
    assert.ok(bytes <= allowedBytes(budgeted), `${name} is ${bytes} bytes gzipped; budget ${budgeted} + 5% = ${allowedBytes(budgeted)}`);
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
