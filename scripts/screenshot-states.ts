// The portal's newer states as pictures for release notes, in docs/images/states/ (part of
// `npm run screenshots`). Most come from the running demo (its gateway has prices, a checkout, a
// billing portal and invitations), as its customers; the rest from pages of our own on the
// demo's origin (the elements from the source, as the demo page loads them), from gateways set
// up as the tests set them up (test/node/gateway-helpers.ts), or from the SSR recipe. The
// customers' states are set with the product credentials, as the host's backend would.
// Every picture waits for the words of its state first, so a picture without them fails the run.
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { DEMO_CLIENT, type startDemo } from '../demo/run-demo.ts';
import { DEMO_PRICES } from '../demo/backend.ts';
import { startSsrExpressHost } from '../examples/gateway/ssr-express.ts';
import { GERMAN } from '../test/fixtures/german-catalog-text.ts';
import { backendCall } from '../test/fixtures/backend-call.ts';
import { signedInPerson, startGatewayHost, type GatewayHost } from '../test/node/gateway-helpers.ts';

type Demo = Awaited<ReturnType<typeof startDemo>>;

const OUT = 'docs/images/states';
const VIEWPORT = { width: 1280, height: 900 };
const PRODUCT = 'acme-analytics';
const TIMEOUT = 20_000;

/** Every portal element in the page shows its content (no placeholder left); fonts and transitions settled. */
async function contentShown(page: Page) {
  await page.waitForFunction(() => {
    const elements = [...document.querySelectorAll('planship-provider *')].filter((element) => element.shadowRoot);
    return elements.length > 0 && elements.every((element) => !element.shadowRoot!.querySelector('[part~="loading"]'));
  }, null, { timeout: TIMEOUT });
  await page.waitForTimeout(400);
}

/** The demo page is live and shows everything. */
export async function ready(page: Page) {
  await page.waitForFunction(() => document.querySelector('planship-provider')?.getAttribute('connection') === 'live', null, { timeout: TIMEOUT });
  await contentShown(page);
}

/** A picture of `target` (with `margin` pixels of the page around it: a dialog over the page). */
async function shot(target: Locator, name: string, margin = 0) {
  await target.waitFor({ state: 'visible', timeout: TIMEOUT });
  const page = target.page();
  await page.waitForTimeout(300);
  const path = `${OUT}/${name}.png`;
  if (margin) {
    const box = (await target.boundingBox())!;
    const x = Math.max(0, box.x - margin);
    const y = Math.max(0, box.y - margin);
    const clip = { x, y, width: Math.min(VIEWPORT.width - x, box.width + 2 * margin), height: Math.min(VIEWPORT.height - y, box.height + 2 * margin) };
    await page.screenshot({ path, clip, animations: 'disabled' });
  } else {
    await target.screenshot({ path, animations: 'disabled' });
  }
  console.log(path);
}

/** Waits until `target` shows `text`: the state is really there. */
const shows = (target: Locator, text: string | RegExp) => target.getByText(text).first().waitFor({ timeout: TIMEOUT });

export async function captureStates(browser: Browser, demo: Demo) {
  mkdirSync(OUT, { recursive: true });
  const origin = new URL(demo.pageUrl).origin;
  const admin = (method: string, path: string, body?: unknown) => backendCall(demo.api.url, method, path, body);

  /** A demo customer's subscription changed by the host's backend (product credentials). */
  async function changeSubscription(user: string, change: Record<string, unknown>) {
    const customer = await admin('GET', `/api/v1/customers/${encodeURIComponent(user)}`);
    const [subscription] = (await admin('GET', `/api/v1/customers/${customer.body.id}/subscriptions`)).body;
    const changed = await admin('PATCH', `/api/v1/customers/${customer.body.id}/subscriptions/${subscription.subscription_id}`, change);
    if (changed.status !== 200) throw new Error(`PATCH answered ${changed.status}: ${JSON.stringify(changed.body)}`);
  }

  /** A fresh browser tab (its own cookies) at 1280×900. */
  async function tab(options: { colorScheme?: 'light' | 'dark'; javaScriptEnabled?: boolean } = {}) {
    const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: options.colorScheme ?? 'light', javaScriptEnabled: options.javaScriptEnabled ?? true });
    return context.newPage();
  }
  const done = (page: Page) => page.context().close();

  /** The demo page, signed in as `user`. */
  async function demoPage(user: string, options: { colorScheme?: 'light' | 'dark'; query?: string } = {}) {
    const page = await tab(options);
    await page.goto(`${demo.pageUrl}?user=${encodeURIComponent(user)}${options.query ?? ''}`);
    await ready(page);
    return page;
  }

  /**
   * A page of our own on the demo's origin (its /planship is the demo's gateway): `body` in a
   * `<div id="shot">`, the elements from the source, then `script` (a module).
   */
  async function ownPage(page: Page, name: string, body: string, { lang = 'en', script = '' } = {}) {
    const url = `${origin}/shots/${name}`;
    const imports = `${lang === 'en' ? '' : `import '/src/locales/${lang}.ts';`} import '/src/index.ts';`;
    await page.route(url, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${name}</title><link rel="icon" href="data:,">
          <link rel="stylesheet" href="/demo/demo.css"><script type="module">${imports} ${script}</script></head>
          <body><main><div id="shot">${body}</div></main></body></html>`,
      }),
    );
    await page.goto(url);
    return page.locator('#shot');
  }
  /** Signs `page`'s browser context in at the demo backend as `user`. */
  async function signIn(page: Page, user: string) {
    const answer = await page.context().request.post(`${origin}/api/demo/login`, { data: { user } });
    if (!answer.ok()) throw new Error(`demo sign-in answered ${answer.status()}`);
  }

  const ada = 'ada@example.com';

  // Ada (Pro) behind the demo's gateway: "Payment method and invoices" under her
  // subscription; Business costs more, so its confirmation continues to payment.
  let page = await demoPage(ada);
  const manager = page.locator('planship-subscription-manager');
  await shows(manager, 'Payment method and invoices');
  await shot(manager, 'billing-portal-button');
  await page.getByRole('radio', { name: /Business/ }).first().click();
  const pickerDialog = page.locator('planship-plan-picker dialog[open]');
  await shows(pickerDialog, 'Continue to payment');
  await shot(pickerDialog, 'checkout-confirm', 32);
  await done(page);

  // Back from checkout (`?planship-pending=business`) before the payment's webhook changed the plan.
  page = await demoPage(ada, { query: '&planship-pending=business' });
  await shows(page.locator('planship-plan-picker [part~=pending]'), 'Your change to Business is being applied');
  await shot(page.locator('planship-plan-picker'), 'checkout-pending');
  await done(page);

  // The cancel confirmation with `cancel-reasons`: a reason chosen opens the comment.
  page = await tab();
  await signIn(page, ada);
  let area = await ownPage(page, 'cancel-reasons', `<h2>Subscription</h2><planship-provider product-slug="${PRODUCT}" api-url="/planship">
    <planship-subscription-manager cancel-reasons></planship-subscription-manager></planship-provider>`);
  await contentShown(page);
  await area.locator('[part~=cancel-button]').click();
  let dialog = area.locator('planship-subscription-manager dialog[open]');
  await shows(dialog, 'Why are you cancelling? (optional)');
  await dialog.getByLabel('It costs too much').check();
  await dialog.locator('[part~=cancel-comment]').fill('We are a team of two for now.');
  await shot(dialog, 'cancel-dialog-reasons', 32);
  await done(page);

  // A confirmation in dark mode: cancelling, on the demo page.
  page = await demoPage(ada, { colorScheme: 'dark' });
  await page.locator('planship-subscription-manager [part~=cancel-button]').click();
  dialog = page.locator('planship-subscription-manager dialog[open]');
  await shows(dialog, 'Cancel Pro?');
  await shot(dialog, 'dark-mode-dialog', 32);
  await done(page);

  // Ada cancels (in the manager); Pro is her plan and the recommended one: "Keep Pro", light and dark.
  page = await demoPage(ada);
  await page.locator('planship-subscription-manager [part~=cancel-button]').click();
  await page.locator('planship-subscription-manager dialog[open] [part~=dialog-confirm]').click();
  await page.locator('planship-subscription-manager [part~=resume-button]').waitFor({ timeout: TIMEOUT });
  await shows(page.locator('planship-plan-picker [data-plan=pro]'), 'Keep Pro');
  await shot(page.locator('planship-plan-picker'), 'keep-plan-contrast-light');
  await done(page);
  page = await demoPage(ada, { colorScheme: 'dark' });
  await shows(page.locator('planship-plan-picker [data-plan=pro]'), 'Keep Pro');
  await shot(page.locator('planship-plan-picker'), 'keep-plan-contrast-dark');
  await done(page);

  // Pro with 3 seats, moving to Starter (3 seats at most) at renewal: 6 seats fit Pro now, not Starter.
  await changeSubscription(ada, { auto_renew: true, max_subscribers: 3, renew_plan_slug: 'starter' });
  page = await demoPage(ada);
  let members = page.locator('planship-subscription-members');
  await members.locator('#seats').fill('6');
  await members.locator('[part~=seats-button]').click();
  await shows(members.locator('[part~=field-error]'), /renews on the Starter plan on .*, which allows at most 3 seats/);
  await shot(page.locator('planship-subscription-manager [part~=subscription]'), 'seats-refused-renewal');
  await done(page);
  await changeSubscription(ada, { renew_plan_slug: 'pro', max_subscribers: 5 });

  // Ada invites the demo's new customer: waiting for an answer, with Withdraw; the invitee's offer.
  page = await demoPage(ada);
  members = page.locator('planship-subscription-members');
  await members.locator('#invite').fill('newcomer@example.com');
  await members.locator('[part~=invite-button]').click();
  await shows(members.locator('[part~=invitation-list]'), 'newcomer@example.com');
  await members.locator('[part~=withdraw-button]').waitFor();
  await shot(members, 'invitation-members');
  await done(page);
  page = await demoPage('newcomer@example.com');
  await page.getByRole('link', { name: /invited you to their Pro team/ }).click();
  await ready(page);
  const invitation = page.locator('planship-invitation');
  await shows(invitation, /Ada Lovelace/);
  await invitation.locator('[part~=accept-button]').waitFor();
  await shot(invitation, 'invitation-accept');
  await done(page);

  // A visitor (no session) on a pricing page behind the demo's gateway.
  page = await tab();
  area = await ownPage(page, 'pricing', `<h1>Pricing</h1><planship-provider product-slug="${PRODUCT}" api-url="/planship" signup-url="/signup">
    <planship-plan-picker recommended="pro" heading-level="2"></planship-plan-picker></planship-provider>`);
  await shows(area, 'Get started with Pro');
  await contentShown(page);
  await shot(area, 'pricing-visitor');
  await done(page);

  // A German page: plan and lever names from the provider's `catalogText`.
  page = await tab();
  await signIn(page, ada);
  area = await ownPage(page, 'catalog-text-de', `<h2>Tarife</h2><planship-provider product-slug="${PRODUCT}" api-url="/planship">
    <planship-plan-picker recommended="pro"></planship-plan-picker></planship-provider>`, {
    lang: 'de',
    script: `document.querySelector('planship-provider').catalogText = { de: ${JSON.stringify(GERMAN)} };`,
  });
  await shows(area, 'Für wachsende Teams, die in ihren Daten leben.');
  await shows(area, 'Aktueller Tarif');
  await contentShown(page);
  await shot(area, 'catalog-text-de');
  await done(page);

  // Gateways of their own, as the tests set them up, answering the demo page's origin.
  const hosts: GatewayHost[] = [];
  try {
    // Planship is down behind the gateway: one box with Retry in the first element, notes in the others.
    const down = await startGatewayHost({ allowedOrigins: [origin] });
    hosts.push(down);
    const person = await signedInPerson(down, 'pro');
    await down.api.close();
    page = await tab();
    await page.context().addCookies([{ name: 'session', value: person.session, url: down.origin }]);
    area = await ownPage(page, 'one-error-box', `<planship-provider product-slug="${PRODUCT}" api-url="${down.origin}/planship">
      <h2>Plans</h2><planship-plan-picker></planship-plan-picker>
      <h2>Subscription</h2><planship-subscription-manager></planship-subscription-manager>
      <h2>Usage</h2><planship-usage-meter lever="api-calls"></planship-usage-meter></planship-provider>`);
    await area.locator('planship-plan-picker [part~=error] [part~=retry-button]').waitFor({ timeout: TIMEOUT });
    await shows(area.locator('planship-subscription-manager [part~=error-note]'), 'Not available: see the message above.');
    await shows(area.locator('planship-usage-meter [part~=error-note]'), 'Not available: see the message above.');
    await shot(area, 'one-error-box');
    await done(page);

    // A gateway set up with a mistyped product slug.
    const wrong = await startGatewayHost({ productSlug: 'acme-analytic', allowedOrigins: [origin] });
    hosts.push(wrong);
    const customer = await signedInPerson(wrong, 'pro');
    page = await tab();
    await page.context().addCookies([{ name: 'session', value: customer.session, url: wrong.origin }]);
    area = await ownPage(page, 'misconfigured', `<h1>Billing &amp; usage</h1><planship-provider product-slug="acme-analytic" api-url="${wrong.origin}/planship">
      <planship-plan-picker></planship-plan-picker><planship-usage-meter lever="api-calls"></planship-usage-meter></planship-provider>`);
    await shows(area, 'The billing portal is not set up correctly');
    await contentShown(page);
    if (await area.locator('[part~=retry-button]').count()) throw new Error('misconfigured: a Retry button');
    await shot(area, 'misconfigured');
    await done(page);
  } finally {
    await Promise.allSettled(hosts.map((host) => host.close()));
  }

  // The server-rendered pricing page (examples/gateway/ssr-express.ts) with JavaScript off.
  const ssr = await startSsrExpressHost({
    apiUrl: demo.api.url,
    ...DEMO_CLIENT,
    sessionSecret: 'screenshots-session-secret-0123456789abcdef',
    distFolder: 'dist',
    gateway: { prices: DEMO_PRICES },
  });
  try {
    page = await tab({ javaScriptEnabled: false });
    await page.goto(`${ssr.url}/pricing`);
    await shows(page.locator('body'), 'Get started with Pro');
    await shows(page.locator('body'), '$49.00');
    await shot(page.locator('main'), 'pricing-ssr-no-js');
    await done(page);
  } finally {
    await ssr.close();
  }
}
