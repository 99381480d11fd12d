// One Playwright test as a user of the script tag: the built dist/planship-portal.js in a plain
// HTML page (no bundler), against the real server, with a token minted by a tiny "backend".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer } from '../../src/server/index.ts';
import { BASIC } from '../fixtures/backend-call.ts';
import { launchChromium, startDistHost, type DistHost } from './host.ts';

let api: Awaited<ReturnType<typeof startServer>>;
let host: DistHost;
let hostUrl: string;
let browser: Browser;

function page(apiUrl: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Script tag</title>
<script type="module" src="/planship-portal.js"></script></head><body><main>
<planship-provider product-slug="acme-analytics" customer-id="grace@example.com" api-url="${apiUrl}" token-url="/token">
  <planship-plan-picker></planship-plan-picker>
  <planship-usage-meter lever="api-calls"></planship-usage-meter>
</planship-provider></main></body></html>`;
}

/** Source of a page-side function: the first role=meter's value, searching shadow roots. */
const findMeterValue = `function find(root) {
  const hit = root.querySelector('[role=meter]');
  if (hit) return Number(hit.getAttribute('aria-valuenow'));
  for (const element of root.querySelectorAll('*')) {
    const inner = element.shadowRoot ? find(element.shadowRoot) : undefined;
    if (inner !== undefined) return inner;
  }
  return undefined;
}`;

before(async () => {
  api = await startServer({ catalog: 'demo/catalog.json' });
  host = await startDistHost(api.url, 'grace@example.com', () => page(api.url));
  hostUrl = host.url;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await api?.close();
});

test('the built bundle registers every element and shows live plans and usage in a plain page', async () => {
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  await tab.goto(hostUrl);
  const tags = await tab.evaluate(() =>
    ['planship-provider', 'planship-plan-picker', 'planship-subscription-manager', 'planship-usage-meter',
      'planship-entitlement', 'planship-customer-portal'].filter((tag) => customElements.get(tag)),
  );
  assert.equal(tags.length, 6, `registered: ${tags.join(', ')}`);
  // Grace is on Starter: the picker offers the other self-serve plans by name.
  await tab.getByRole('radio', { name: /Switch to Pro/ }).waitFor({ timeout: 15000 });
  const meter = tab.getByRole('meter').or(tab.getByRole('progressbar', { name: /API calls/i })).first();
  await meter.waitFor({ timeout: 15000 });
  const before = Number(await meter.getAttribute('aria-valuenow'));
  const reported = await fetch(`${api.url}/api/v1/customers/grace@example.com/products/acme-analytics/usage/api-calls`, {
    method: 'POST',
    headers: { authorization: BASIC, 'content-type': 'application/json' },
    body: JSON.stringify({ usage: 7 }),
  });
  assert.equal(reported.status, 200);
  // A string, not a function: tsx would wrap a function with helpers the page doesn't have.
  await tab.waitForFunction(
    `(${findMeterValue})(document) === ${before + 7}`,
    undefined,
    { timeout: 15000 },
  );
  assert.deepEqual(errors, []);
});
