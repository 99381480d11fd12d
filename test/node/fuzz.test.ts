// A short seeded round of the hostile-request property (test/fuzz/hostile.ts) in every
// `npm test`: a few thousand requests against a real server. `npm run fuzz` runs a long one.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fuzzHostileRequests } from '../fuzz/hostile.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20261122);

it(`hostile requests (seed ${seed}): no 5xx, no crash, usage totals = accepted reports, no customer sees another's data`, async () => {
  const result = await fuzzHostileRequests({ runs: 120, seed, requestsPerRun: 40 });
  assert.ok(result.requests >= 2000, `${result.requests} requests`);
  // The run reached the server's logic, not only its front door.
  assert.ok((result.statuses[200] ?? 0) > result.requests / 20, JSON.stringify(result.statuses));
  assert.ok((result.statuses[422] ?? 0) > 0 && (result.statuses[403] ?? 0) > 0, JSON.stringify(result.statuses));
  console.log(`fuzz: ${result.requests} requests, statuses ${JSON.stringify(result.statuses)}`);
});
