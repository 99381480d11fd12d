// The picker and the manager behind a gateway with prices and a checkout, in Chromium: prices come
// with the plans; a change that costs more is confirmed with "Continue to payment" and hands the
// page the checkout URL (cancelable planship-checkout); one the host does not sell online is said
// in words with no Retry; one the checkout approves is made; back from checkout the picker says
// the change is being applied until it is; "Payment method and invoices" opens the host's portal.
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import type { PlanshipCheckoutEvent, PlanshipBillingPortalEvent } from '../../src/index.ts';
import { answerDialog, transitionsDone } from './helpers.ts';

const PRODUCT = 'acme-analytics';
const adminCall = (method: string, path: string, body?: unknown) =>
  executeServerCommand<{ status: number; body: any }, object>('planship-checkout-gateway-admin', { method, path, body });

async function mount(plan?: string) {
  const userId = `checkout-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const { port, session } = await executeServerCommand<{ port: string; session: string }, object>('planship-checkout-gateway', { userId, plan });
  document.cookie = `session=${session}; path=/; SameSite=Lax`;
  const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${`${location.protocol}//${location.hostname}:${port}/planship`}>
    <planship-plan-picker></planship-plan-picker>
    <planship-subscription-manager></planship-subscription-manager>
  </planship-provider>`);
  const picker = provider.querySelector('planship-plan-picker')!;
  await waitUntil(() => picker.shadowRoot!.querySelector('[role=radio][data-plan="business"]'), 'picker not loaded', { timeout: 8000 });
  return { provider, picker, userId };
}

const radio = (picker: Element, plan: string) => picker.shadowRoot!.querySelector<HTMLButtonElement>(`[role=radio][data-plan="${plan}"]`)!;
const dialogText = (picker: Element) => picker.shadowRoot!.querySelector('dialog')!.textContent!.replace(/\s+/g, ' ');
const planOf = async (userId: string) =>
  (await adminCall('GET', `/api/v1/customers/${encodeURIComponent(userId)}/subscriptions`)).body.filter((s: any) => s.is_active).map((s: any) => s.plan.slug);

describe('paid changes behind a gateway with a checkout', () => {
  afterEach(() => fixtureCleanup());

  it('shows the prices the gateway sent; a pricier plan: "Continue to payment", then planship-checkout with the URL, nothing changed', async () => {
    const { provider, picker, userId } = await mount('starter');
    expect(picker.shadowRoot!.querySelector('[data-plan="business"] [part~="amount"]')!.textContent).to.equal('$199.00');
    const checkouts: PlanshipCheckoutEvent[] = [];
    provider.addEventListener('planship-checkout', (event) => {
      event.preventDefault(); // the test page stays (by default the page goes to the URL)
      checkouts.push(event);
    });
    radio(picker, 'business').click();
    await waitUntil(() => picker.shadowRoot!.querySelector('dialog[open]'), 'no dialog', { timeout: 5000 });
    expect(dialogText(picker)).to.contain('You pay on the next page');
    expect(picker.shadowRoot!.querySelector('[part~="dialog-confirm"]')!.textContent!.trim()).to.equal('Continue to payment');
    await expect(picker).to.be.accessible();
    await answerDialog(picker);
    await waitUntil(() => checkouts.length === 1, 'no planship-checkout', { timeout: 8000 });
    expect([checkouts[0].url, checkouts[0].toPlan, checkouts[0].fromPlan, checkouts[0].changeAt]).to.deep.equal(['https://pay.example/checkout?plan=business', 'business', 'starter', 'now']);
    expect(picker.shadowRoot!.querySelector('[part~="action-error"]')).to.equal(null);
    expect(await planOf(userId)).to.deep.equal(['starter']);
  });

  it('a pricier plan the checkout approves is made; a cheaper one starts at renewal with no checkout', async () => {
    const { picker, userId } = await mount('starter');
    radio(picker, 'pro').click();
    await answerDialog(picker);
    await waitUntil(async () => (await planOf(userId))[0] === 'pro', 'not changed', { timeout: 8000 });
    await waitUntil(() => radio(picker, 'free').textContent!.trim() === 'Switch to Free at renewal', 'no renewal label', { timeout: 8000 });
    // The live push can show the new plan before the change's own action ends; a click meanwhile is ignored.
    await waitUntil(() => !picker.shadowRoot!.querySelector('[aria-busy="true"]'), 'the change to Pro never ended', { timeout: 8000 });
    radio(picker, 'free').click();
    await waitUntil(() => picker.shadowRoot!.querySelector('dialog[open]'), 'no dialog', { timeout: 5000 });
    expect(dialogText(picker)).to.contain('This takes effect at your renewal');
    expect(dialogText(picker)).to.not.contain('You pay on the next page');
    await answerDialog(picker);
    await waitUntil(async () => (await adminCall('GET', `/api/v1/customers/${encodeURIComponent(userId)}/subscriptions`)).body[0].renew_plan.slug === 'free', 'not scheduled', { timeout: 8000 });
  });

  it('a plan not sold online: words, no Retry, nothing changed', async () => {
    // The checkout answers no for starter: the host does not sell it online.
    const { picker, userId } = await mount('free');
    radio(picker, 'starter').click();
    await answerDialog(picker);
    await waitUntil(() => picker.shadowRoot!.querySelector('[part~="action-error"]'), 'no error', { timeout: 8000 });
    expect(picker.shadowRoot!.querySelector('[part~="action-error"]')!.textContent).to.contain('This change costs more and cannot be paid for here: contact us to make it.');
    expect(picker.shadowRoot!.querySelector('[part~="retry-button"]')).to.equal(null);
    expect(await planOf(userId)).to.deep.equal(['free']);
    await expect(picker).to.be.accessible();
  });

  it('back from checkout: "being applied" until the change shows, then announced and gone from the address', async () => {
    history.replaceState(null, '', `${location.pathname}${location.search ? `${location.search}&` : '?'}planship-pending=business`);
    try {
      const { provider, picker, userId } = await mount('starter');
      const pending = () => picker.shadowRoot!.querySelector('[part~="pending"]');
      await waitUntil(pending, 'no pending notice', { timeout: 8000 });
      expect(pending()!.textContent).to.contain('Your change to Business is being applied.');
      expect(pending()!.getAttribute('role')).to.equal('status');
      await expect(picker).to.be.accessible();
      provider.setAttribute('theme', 'dark');
      await transitionsDone();
      await expect(picker).to.be.accessible();
      // The host's payment webhook makes the change.
      const [subscription] = (await adminCall('GET', `/api/v1/customers/${encodeURIComponent(userId)}/subscriptions`)).body;
      await adminCall('PATCH', `/api/v1/customers/${encodeURIComponent(userId)}/subscriptions/${subscription.subscription_id}`, { plan_slug: 'business' });
      await waitUntil(() => !pending() && radio(picker, 'business').getAttribute('aria-checked') === 'true', 'still pending', { timeout: 10000 });
      expect(location.search).to.not.contain('planship-pending');
    } finally {
      history.replaceState(null, '', location.pathname + location.search.replace(/[?&]planship-pending=[^&]*/, ''));
    }
  });

  it('"Payment method and invoices" asks the gateway and hands the page the portal URL (planship-billing-portal)', async () => {
    const { provider, userId } = await mount('starter');
    const manager = provider.querySelector('planship-subscription-manager')!;
    await waitUntil(() => manager.shadowRoot!.querySelector('[part~="billing-portal-button"]'), 'no billing portal button', { timeout: 8000 });
    const opened: PlanshipBillingPortalEvent[] = [];
    provider.addEventListener('planship-billing-portal', (event) => (event.preventDefault(), opened.push(event)));
    manager.shadowRoot!.querySelector<HTMLButtonElement>('[part~="billing-portal-button"]')!.click();
    await waitUntil(() => opened.length === 1, 'no planship-billing-portal', { timeout: 8000 });
    expect(opened[0].url).to.equal(`https://billing.example/portal?user=${encodeURIComponent(userId)}`);
    await expect(manager).to.be.accessible();
  });
});
