// The pricing page rendered into the HTML (examples/gateway/ssr-express.ts with the built
// dist/planship-portal-ssr.js), in Chromium (Playwright): with JavaScript off a visitor reads
// every public plan with its entitlements and price; with it on, no API request comes before the
// first content, hydration moves nothing (no layout shift) and asks nothing, and a signed-in
// customer's page goes live afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SESSION_COOKIE, signSession } from '../../src/gateway/session.ts';
import { startSsrExpressHost } from '../../examples/gateway/ssr-express.ts';
import type { RunningHost } from '../../examples/gateway/common.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { MONTHLY_PRICES, PRODUCT_CLIENT, testCatalog } from '../fixtures/test-catalog.ts';
import { launchChromium } from './host.ts';

const SESSION_SECRET = 'ssr-e2e-session-secret-0123456789abcd';
const PRICES = MONTHLY_PRICES;

let api: RunningServer;
let host: RunningHost;
let browser: Browser;

before(async () => {
  api = await startServer({ profile: 'hosted', catalog: testCatalog() });
  host = await startSsrExpressHost({ apiUrl: api.url, ...PRODUCT_CLIENT, sessionSecret: SESSION_SECRET, distFolder: 'dist', gateway: { prices: PRICES } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await host?.close();
  await api?.close();
});

/** Every layout shift, from the start of the page (observed before any script of the page runs). */
const RECORD_SHIFTS = `window.__shifts = []; new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.__shifts.push(entry.value); }).observe({ type: 'layout-shift', buffered: true });`;

async function visit(options: { javaScript: boolean; cookie?: string }): Promise<{ tab: Page; apiRequests: string[]; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScript });
  if (options.cookie) await context.addCookies([{ name: SESSION_COOKIE, value: options.cookie, url: host.url }]);
  const tab = await context.newPage();
  const apiRequests: string[] = [];
  // A hydration mismatch (the page's templates not the server's) is thrown here.
  const errors: string[] = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  tab.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/planship')) apiRequests.push(new URL(request.url()).pathname);
  });
  await tab.addInitScript(RECORD_SHIFTS);
  await tab.goto(`${host.url}/pricing`, { waitUntil: 'load' });
  return { tab, apiRequests, errors };
}

test('with JavaScript off, a visitor reads every public plan with its entitlements and price', async () => {
  const { tab } = await visit({ javaScript: false });
  for (const name of ['Free', 'Starter', 'Pro', 'Business']) await tab.getByRole('heading', { name, level: 2 }).waitFor({ timeout: 5000 });
  assert.equal(await tab.getByText('$49.00').count(), 1);
  assert.ok(await tab.getByText('Single sign-on').count() > 0, 'entitlements in words');
  assert.ok(await tab.getByText('Get started with Pro').count() > 0);
  assert.equal(await tab.getByText('Legacy 2019').count(), 0, 'a plan that is not public');
  await tab.context().close();
});

test('with JavaScript on: no API request before first content, no layout shift at hydration, no request to hydrate', async () => {
  const { tab, apiRequests, errors } = await visit({ javaScript: true });
  // First content came with the HTML: it is there before any script asked for anything.
  assert.ok(await tab.getByText('Get started with Pro').count() > 0);
  await tab.waitForFunction(() => customElements.get('planship-plan-picker') && !document.querySelector('script[data-planship-snapshot]'), undefined, { timeout: 10000 });
  // Hydrated: the elements are live objects now (a click is theirs), and they asked nothing.
  await tab.waitForFunction(
    () => (document.querySelector('planship-plan-picker') as unknown as { hasUpdated?: boolean })?.hasUpdated === true,
    undefined,
    { timeout: 10000 },
  );
  await tab.waitForTimeout(300);
  assert.deepEqual(apiRequests, [], 'the snapshot in the page served the first reads');
  const shifts = (await tab.evaluate('window.__shifts')) as number[];
  assert.equal(shifts.reduce((sum, value) => sum + value, 0), 0, `layout shifts: ${shifts.join(', ')}`);
  assert.deepEqual(errors, [], 'hydrated without a mismatch');
  await tab.context().close();
});

test('a signed-in customer: their plan in the HTML, then live after hydration', async () => {
  const id = `ssr-${process.pid}-${Date.now()}@example.com`;
  const created = await backendCall(api.url, 'POST', '/api/v1/customers', { alternative_id: id, email: id });
  await backendCall(api.url, 'POST', `/api/v1/products/acme-analytics/plans/starter/subscriptions`, { customer_id: created.body.id, max_subscribers: 1 });
  const { tab, errors } = await visit({ javaScript: true, cookie: signSession({ id, email: id }, SESSION_SECRET) });
  await tab.getByText('Current plan').first().waitFor({ timeout: 5000 });
  await tab.waitForFunction(() => document.querySelector('planship-provider')?.getAttribute('connection') === 'live', undefined, { timeout: 15000 });
  assert.deepEqual(errors, [], 'hydrated without a mismatch');
  await tab.context().close();
});
