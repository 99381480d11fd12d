// Paid plan changes as a customer makes them, in Chromium (Playwright), with the drop-in bundle
// in a plain page (no script of the page's own) behind the Stripe recipe's host and a simulated
// Stripe (no Stripe account or network here: test/fixtures/fake-stripe.ts): prices shown with no
// script, a pricier plan confirmed with "Continue to payment" lands on the checkout page, paying
// there brings the customer back to a "being applied" notice until the signed webhook made the
// change, then the picker, the manager and the meter show it live; a cheaper plan starts at
// renewal with no checkout; "Payment method and invoices" opens the billing portal. axe checks
// each new state.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import Stripe from 'stripe';
import { SESSION_COOKIE, signSession } from '../../src/gateway/session.ts';
import { startStripeHost } from '../../examples/gateway/stripe-checkout.ts';
import type { RunningHost } from '../../examples/gateway/common.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { startFakeStripe, type FakeStripe } from '../fixtures/fake-stripe.ts';
import { MONTHLY_PRICES, PRODUCT_CLIENT, testCatalog } from '../fixtures/test-catalog.ts';
import { launchChromium } from './host.ts';

const PRODUCT = 'acme-analytics';
const SESSION_SECRET = 'checkout-e2e-session-secret-0123456789';
const PRICES = MONTHLY_PRICES;
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billing</title>
<script type="module" src="/planship-portal.js"></script></head><body><main><h1>Billing</h1>
<planship-provider product-slug="${PRODUCT}" api-url="/planship">
  <planship-plan-picker heading-level="2"></planship-plan-picker>
  <planship-subscription-manager heading-level="2"></planship-subscription-manager>
  <planship-usage-meter lever="api-calls"></planship-usage-meter>
</planship-provider></main></body></html>`;

let api: RunningServer;
let stripe: FakeStripe;
let host: RunningHost & { returnUrl: string };
let browser: Browser;

before(async () => {
  api = await startServer({ profile: 'hosted', catalog: testCatalog() });
  stripe = await startFakeStripe({ webhookUrl: () => `${host.url}/stripe/webhook`, webhookSecret: 'whsec_e2e', webhookDelayMs: 1500 });
  host = await startStripeHost({
    apiUrl: api.url,
    ...PRODUCT_CLIENT,
    sessionSecret: SESSION_SECRET,
    stripe: new Stripe('sk_test_fake', { ...stripe.config, maxNetworkRetries: 0 }),
    webhookSecret: 'whsec_e2e',
    stripePrices: { starter: { month: 'price_starter' }, pro: { month: 'price_pro' }, business: { month: 'price_business' } },
    prices: PRICES,
    returnPath: '/account/billing',
    routes(request, response) {
      const path = new URL(request.url ?? '/', 'http://host').pathname;
      if (path === '/account/billing') return void response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE), true;
      const file = join('dist', normalize(path));
      if (!path.endsWith('.js') || !file.startsWith('dist') || !existsSync(file) || !statSync(file).isFile()) return false;
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
      return true;
    },
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await host?.close();
  await stripe?.close();
  await api?.close();
});

/** A signed-in customer of the host on `plan`, with a tab open on the account page. */
async function customerTab(plan: string): Promise<{ tab: Page; id: string }> {
  const id = `checkout-e2e-${process.pid}-${Date.now()}@example.com`;
  const created = await backendCall(api.url, 'POST', '/api/v1/customers', { alternative_id: id, email: id });
  await backendCall(api.url, 'POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { customer_id: created.body.id, max_subscribers: 1 });
  const context = await browser.newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: signSession({ id, email: id, name: 'Pat Payer' }, SESSION_SECRET), url: host.url }]);
  const tab = await context.newPage();
  await tab.goto(host.returnUrl);
  return { tab, id };
}

/** axe-core run in the page, over the whole document and every shadow root; the violations' ids. */
async function axeViolations(tab: Page): Promise<string[]> {
  await tab.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  return tab.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations.map((violation) => violation.id))`) as Promise<string[]>;
}

test('a pricier plan: "Continue to payment", the checkout page, back to "being applied", then live', async () => {
  const { tab, id } = await customerTab('starter');
  // Prices came from the gateway: the page has no script of its own.
  await tab.getByText('$49.00').first().waitFor({ timeout: 15000 });
  await tab.getByRole('radio', { name: 'Switch to Pro' }).click();
  const dialog = tab.getByRole('dialog');
  await dialog.getByText('You pay on the next page').waitFor();
  assert.deepEqual(await axeViolations(tab), [], 'the checkout confirmation');
  await dialog.getByRole('button', { name: 'Continue to payment' }).click();
  await tab.waitForURL(new RegExp(`^${stripe.origin}/pay/`), { timeout: 15000 });
  assert.deepEqual(await planOf(id), ['starter'], 'nothing changed before payment');
  await tab.getByRole('button', { name: 'Pay' }).click();
  await tab.waitForURL(`${host.returnUrl}?planship-pending=pro`, { timeout: 15000 });
  await tab.getByText('Your change to Pro is being applied').waitFor({ timeout: 15000 });
  assert.deepEqual(await axeViolations(tab), [], 'the pending notice');
  // The webhook made the change: the picker, the manager and the meter show it without a reload.
  await tab.getByRole('radio', { name: /Current plan: Pro|Pro/, checked: true }).waitFor({ timeout: 20000 });
  await tab.waitForFunction(() => !location.search.includes('planship-pending'), undefined, { timeout: 15000 });
  const meter = tab.getByRole('meter').first();
  const deadline = Date.now() + 15000;
  while ((await meter.getAttribute('aria-valuemax')) !== '100000' && Date.now() < deadline) await tab.waitForTimeout(100);
  assert.equal(await meter.getAttribute('aria-valuemax'), '100000', "the meter shows Pro's limit");
  assert.equal(await tab.getByText('Your change to Pro is being applied').count(), 0);
  assert.deepEqual(await planOf(id), ['pro']);
  await tab.context().close();
});

test('a cheaper plan starts at renewal, with no checkout', async () => {
  const { tab, id } = await customerTab('pro');
  const sessions = stripe.sessions.size;
  await tab.getByRole('radio', { name: 'Switch to Starter at renewal' }).click();
  const dialog = tab.getByRole('dialog');
  await dialog.getByText(/This takes effect at your renewal/).waitFor();
  await dialog.getByRole('button', { name: 'Switch to Starter at renewal' }).click();
  await tab.getByRole('radio', { name: 'Starter from renewal' }).or(tab.getByText(/^From /)).first().waitFor({ timeout: 15000 });
  assert.equal(stripe.sessions.size, sessions, 'no checkout');
  const [subscription] = (await backendCall(api.url, 'GET', `/api/v1/customers/${encodeURIComponent(id)}/subscriptions`)).body;
  assert.deepEqual([subscription.plan.slug, subscription.renew_plan.slug], ['pro', 'starter']);
  await tab.context().close();
});

async function planOf(userId: string): Promise<string[]> {
  const answer = await backendCall(api.url, 'GET', `/api/v1/customers/${encodeURIComponent(userId)}/subscriptions`);
  return answer.body.filter((subscription: { is_active: boolean }) => subscription.is_active).map((subscription: { plan: { slug: string } }) => subscription.plan.slug);
}
