import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../../src/index.ts';
import type { TokenGetter } from '../../src/client/index.ts';
import type { PlanshipCustomerPortal } from '../../src/components/customer-portal/customer-portal.ts';
import type { PlanshipUsageMeters } from '../../src/components/customer-portal/usage-meters.ts';
import type { PlanshipSubscriptionManager } from '../../src/components/subscription-manager/subscription-manager.ts';
import { PRODUCT, admin, createCustomer, customerToken, deepElements, mountProvider, reportUsage, serverInfo, tokenGetter } from './helpers.ts';

const inside = (root: Element, selector: string) => root.shadowRoot!.querySelector<HTMLElement>(selector);

/** Every meter of a portal has settled on a number. */
async function metersReady(meters: PlanshipUsageMeters) {
  await waitUntil(() => {
    const all = [...meters.shadowRoot!.querySelectorAll('planship-usage-meter')];
    return all.length > 0 && all.every((meter) => meter.hasAttribute('status'));
  }, 'meters never settled', { timeout: 5000 });
  return [...meters.shadowRoot!.querySelectorAll('planship-usage-meter')];
}

describe('<planship-customer-portal>', () => {
  afterEach(() => fixtureCleanup());

  it('composes picker, manager and one meter per metered lever inside a provider', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(id, html`<planship-customer-portal></planship-customer-portal>`);
    const portal = provider.querySelector('planship-customer-portal')!;
    await portal.updateComplete;
    expect(portal.client, 'the portal passes on the outer client').to.equal(provider.client);
    const headings = [...portal.shadowRoot!.querySelectorAll('[role=heading]')].map((heading) => [heading.textContent, heading.getAttribute('aria-level')]);
    expect(headings).to.deep.equal([['Plans', '2'], ['Subscription', '2'], ['Usage', '2']]);
    const labels = [...portal.shadowRoot!.querySelectorAll('section')].map((section) => portal.shadowRoot!.getElementById(section.getAttribute('aria-labelledby')!)?.textContent);
    expect(labels, 'each section named by its heading').to.deep.equal(['Plans', 'Subscription', 'Usage']);
    const meters = await metersReady(inside(portal, 'planship-usage-meters') as PlanshipUsageMeters);
    expect(meters.map((meter) => meter.lever)).to.deep.equal(['api-calls', 'api-burst', 'ai-insights']);
    const picker = inside(portal, 'planship-plan-picker')!;
    await waitUntil(() => picker.shadowRoot!.querySelector('[role=radiogroup]'), 'picker never loaded', { timeout: 5000 });
    const manager = inside(portal, 'planship-subscription-manager')!;
    await waitUntil(() => manager.shadowRoot!.querySelector('[part~="plan-name"]')?.textContent === 'Pro', 'manager never loaded', { timeout: 5000 });
    await expect(portal).to.be.accessible();
  });

  it('is its own provider when given attributes (one-tag use) and passes prices and theme on', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { url, wsUrl } = await serverInfo();
    const portal = await fixture<PlanshipCustomerPortal>(html`<planship-customer-portal
      product-slug=${PRODUCT} customer-id=${id} api-url=${url} ws-url=${wsUrl} theme="dark"
      .getAccessToken=${tokenGetter(id)}
      .prices=${{ pro: { amount: 49, currency: 'USD', interval: 'month' } }}></planship-customer-portal>`);
    expect(portal.client!.customerId).to.equal(id);
    await waitUntil(() => portal.getAttribute('connection') === 'live', 'own client never went live', { timeout: 5000 });
    const picker = inside(portal, 'planship-plan-picker')!;
    // The theme reaches the parts by inheritance (color-scheme), not by copying the attribute.
    expect(getComputedStyle(picker).colorScheme).to.equal('dark');
    expect(getComputedStyle(picker).color).to.equal('rgb(230, 237, 243)');
    await waitUntil(() => picker.shadowRoot!.querySelector('[data-plan="pro"] [part~="price"]'), 'price not shown', { timeout: 5000 });
    expect(picker.shadowRoot!.querySelector('[data-plan="pro"] [part~="price"]')!.textContent).to.contain('49');
    await metersReady(inside(portal, 'planship-usage-meters') as PlanshipUsageMeters);
    await expect(portal).to.be.accessible();
    const client = portal.client!;
    portal.remove();
    expect(client.connectionState).to.equal('closed');
  });

  it('shows loading, then for its meters a note that points at the error (with retry) shown above, when the token endpoint is down', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { url, wsUrl } = await serverInfo();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let backendUp = false;
    const getter: TokenGetter = async () => {
      await slow;
      if (!backendUp) throw new Error('token endpoint unavailable');
      return customerToken(id);
    };
    const portal = await fixture<PlanshipCustomerPortal>(html`<planship-customer-portal
      product-slug=${PRODUCT} customer-id=${id} api-url=${url} ws-url=${wsUrl} .getAccessToken=${getter}></planship-customer-portal>`);
    const meters = inside(portal, 'planship-usage-meters') as PlanshipUsageMeters;
    await meters.updateComplete;
    expect(inside(meters, '[part~="loading"]')!.getAttribute('role')).to.equal('progressbar');
    await expect(meters).to.be.accessible();
    release();
    await waitUntil(() => inside(meters, '[part~="error-note"]'), 'no error shown', { timeout: 5000 });
    const box = inside(inside(portal, 'planship-plan-picker')!, '[role=alert]')!;
    expect(box.textContent).to.contain('Could not sign in');
    await expect(meters).to.be.accessible();
    backendUp = true;
    box.querySelector<HTMLElement>('[part~="retry-button"]')!.click();
    const settled = await metersReady(meters);
    expect(settled).to.have.length(3);
  });

  it('shows each empty state for a customer without a subscription (accessible)', async () => {
    const id = await createCustomer();
    const provider = await mountProvider(id, html`<planship-customer-portal></planship-customer-portal>`);
    const portal = provider.querySelector('planship-customer-portal')!;
    const picker = inside(portal, 'planship-plan-picker')!;
    const manager = inside(portal, 'planship-subscription-manager')!;
    const meters = inside(portal, 'planship-usage-meters') as PlanshipUsageMeters;
    await waitUntil(() => inside(manager, '[part~="empty"]'), 'manager empty state not shown', { timeout: 5000 });
    expect(inside(manager, '[part~="empty"]')!.textContent).to.equal('No subscription yet.');
    await waitUntil(() => picker.shadowRoot!.querySelector('[role=radio]'), 'picker never loaded', { timeout: 5000 });
    // No current plan: every self-serve plan offers to start a subscription.
    expect(picker.shadowRoot!.querySelector('[part~="current"]')).to.equal(null);
    expect(inside(picker, '[role=radio][data-plan="pro"]')!.textContent).to.contain('Choose Pro');
    await waitUntil(() => {
      const all = [...meters.shadowRoot!.querySelectorAll('planship-usage-meter')];
      return all.length === 3 && all.every((meter) => inside(meter, '[part~="empty"]'));
    }, 'meters never showed their empty state', { timeout: 5000 });
    for (const meter of meters.shadowRoot!.querySelectorAll('planship-usage-meter')) {
      expect(inside(meter, '[part~="empty"]')!.textContent).to.equal('No active subscription.');
      expect(meter.hasAttribute('status')).to.equal(false);
    }
    await expect(portal).to.be.accessible();
  });

  it('shows one error with retry while the token endpoint is down (the other parts point at it), alerts it once, and recovers (accessible)', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { url, wsUrl } = await serverInfo();
    let backendUp = false;
    const getter: TokenGetter = async () => {
      if (!backendUp) throw new Error('token endpoint unavailable');
      return customerToken(id);
    };
    const errors: string[] = [];
    const portal = await fixture<PlanshipCustomerPortal>(html`<planship-customer-portal
      product-slug=${PRODUCT} customer-id=${id} api-url=${url} ws-url=${wsUrl} .getAccessToken=${getter}
      @planship-error=${(event: Event & { action: string }) => errors.push(event.action)}></planship-customer-portal>`);
    const parts = ['planship-plan-picker', 'planship-subscription-manager', 'planship-usage-meters'].map((tag) => inside(portal, tag)!);
    // One failure, one error box: in the first part, the others point at it.
    await waitUntil(() => inside(parts[0], '[part~="error"]') && parts.slice(1).every((part) => inside(part, '[part~="error-note"]')), 'not one error and notes', { timeout: 5000 });
    expect(inside(parts[0], '[part~="error"]')!.textContent).to.contain('Could not sign in');
    expect(parts.filter((part) => inside(part, '[part~="error"]'))).to.have.length(1);
    // One failure, one alert: a screen reader hears it once, not once per part.
    expect(parts.filter((part) => inside(part, '[role=alert]'))).to.have.length(1);
    expect(errors.length).to.be.greaterThan(2);
    await expect(portal).to.be.accessible();
    backendUp = true;
    inside(parts[0], '[part~="retry-button"]')!.click();
    const [picker, manager, meters] = parts;
    await waitUntil(() => inside(picker, '[part~="current"]'), 'picker did not recover', { timeout: 5000 });
    await waitUntil(() => inside(manager, '[part~="plan-name"]')?.textContent === 'Starter', 'manager did not recover', { timeout: 5000 });
    await metersReady(meters as PlanshipUsageMeters);
    expect(parts.filter((part) => inside(part, '[part~="error"], [part~="error-note"]'))).to.have.length(0);
    await expect(portal).to.be.accessible();
  });

  it('shows a configuration error instead of throwing for an api-url that is not a URL', async () => {
    const portal = await fixture<PlanshipCustomerPortal>(html`<planship-customer-portal
      product-slug=${PRODUCT} customer-id="someone" api-url="http://[bad" .getAccessToken=${tokenGetter('someone')}></planship-customer-portal>`);
    expect(inside(portal, '[role=alert]')!.textContent).to.contain('misconfigured');
    await expect(portal).to.be.accessible();
  });
  it('forwards the slots the page fills (and only those, so defaults stay) to the picker and the manager', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(
      id,
      html`<planship-customer-portal>
        <span slot="price-pro">Ask us</span>
        <p slot="payment-method">Visa ending 4242</p>
        <a slot="invoices" href="#invoices">Invoices</a>
      </planship-customer-portal>`,
    );
    const portal = provider.querySelector('planship-customer-portal')!;
    const picker = inside(portal, 'planship-plan-picker')!;
    const manager = inside(portal, 'planship-subscription-manager')!;
    await waitUntil(() => picker.shadowRoot!.querySelector('[role=radio]') && inside(manager, '[part~="plan-name"]'), 'not loaded', { timeout: 5000 });
    const shown = (host: Element, name: string) =>
      host.shadowRoot!.querySelector<HTMLSlotElement>(`slot[name="${name}"]`)!.assignedElements({ flatten: true }).map((node) => node.textContent);
    expect(shown(picker, 'price-pro')).to.deep.equal(['Ask us']);
    expect(shown(manager, 'payment-method')).to.deep.equal(['Visa ending 4242']);
    expect(shown(manager, 'invoices')).to.deep.equal(['Invoices']);
    // Not filled, not forwarded: the picker's own "contact us" stays.
    expect(inside(picker, '[data-plan="enterprise"] [part~="contact"]')!.textContent!.trim()).to.equal('Contact us about Enterprise.');
    // Filled later: forwarded then (the picker's `contact` is the portal's `plans-contact`).
    const sales = Object.assign(document.createElement('a'), { href: '#sales', textContent: 'Talk to sales', slot: 'plans-contact' });
    portal.append(sales);
    await waitUntil(() => shown(picker, 'contact').includes('Talk to sales'), 'a slot filled later was not forwarded', { timeout: 5000 });
    await expect(portal).to.be.accessible();
  });

  it('exports every part of its parts (picker, manager, members, meters): the page styles them through the portal', async () => {
    const id = await createCustomer({ plan: 'starter' });
    await reportUsage(id, 'api-calls', 9000);
    const style = Object.assign(document.createElement('style'), {
      textContent: `planship-customer-portal::part(member-name), planship-customer-portal::part(notice),
        planship-customer-portal::part(recommended-badge), planship-customer-portal::part(dialog-heading) { color: rgb(1, 2, 3); }`,
    });
    document.head.append(style);
    try {
      const provider = await mountProvider(id, html`<planship-customer-portal recommended="pro" cancel-at="now" invites></planship-customer-portal>`);
      const portal = provider.querySelector('planship-customer-portal')!;
      const picker = inside(portal, 'planship-plan-picker')!;
      const manager = inside(portal, 'planship-subscription-manager')!;
      const meters = inside(portal, 'planship-usage-meters')!;
      await waitUntil(() => picker.shadowRoot!.querySelector('[part~="recommended-badge"]'), 'picker not loaded', { timeout: 5000 });
      await waitUntil(() => inside(manager, '[part~="members"]')?.shadowRoot?.querySelector('[part~="invite-form"]'), 'members not loaded (invites passed on)', { timeout: 5000 });
      const [apiCalls] = await metersReady(meters as PlanshipUsageMeters);
      // The attributes reach the parts.
      expect((manager as PlanshipSubscriptionManager).cancelAt).to.equal('now');
      const members = inside(manager, '[part~="members"]')!;
      const color = (element: Element | null) => getComputedStyle(element!).color;
      expect(color(members.shadowRoot!.querySelector('[part~="member-name"]'))).to.equal('rgb(1, 2, 3)');
      expect(color(inside(apiCalls, '[part~="notice"]'))).to.equal('rgb(1, 2, 3)');
      expect(color(inside(picker, '[part~="recommended-badge"]'))).to.equal('rgb(1, 2, 3)');
      inside(picker, '[role=radio][data-plan="pro"]')!.click();
      await waitUntil(() => inside(picker, 'dialog[open]'), 'no dialog', { timeout: 5000 });
      expect(color(inside(picker, '[part~="dialog-heading"]'))).to.equal('rgb(1, 2, 3)');

      // Every part rendered inside (content and an open dialog) is exported by the portal.
      const exported = new Set([...portal.shadowRoot!.querySelectorAll('[exportparts]')].flatMap((part) => part.getAttribute('exportparts')!.split(',')));
      const rendered = deepElements(portal.shadowRoot!)
        .filter((element) => element.getRootNode() !== portal.shadowRoot && element.hasAttribute('part'))
        .flatMap((element) => element.getAttribute('part')!.split(/\s+/));
      expect([...new Set(rendered)].filter((name) => !exported.has(name))).to.deep.equal([]);
      expect(rendered.length).to.be.greaterThan(40);
    } finally {
      style.remove();
    }
  });

  it('<planship-usage-meters> breaks usage down per bucket only with show-buckets', async () => {
    const id = await createCustomer({ plan: 'pro' });
    await admin('POST', `/api/v1/customers/${id}/products/${PRODUCT}/usage/ai-insights`, { usage: 3, bucket: 'Project A' });
    const provider = await mountProvider(id, html`<planship-usage-meters></planship-usage-meters><planship-usage-meters show-buckets></planship-usage-meters>`);
    const [plain, detailed] = await Promise.all([...provider.querySelectorAll('planship-usage-meters')].map((meters) => metersReady(meters as PlanshipUsageMeters)));
    const buckets = (meters: Element[]) => meters.flatMap((meter) => [...meter.shadowRoot!.querySelectorAll('[part~="bucket"]')].map((line) => [...line.children].map((cell) => cell.textContent).join(' ')));
    expect(buckets(plain)).to.deep.equal([]);
    await waitUntil(() => buckets(detailed).length > 0, 'no buckets with show-buckets', { timeout: 5000 });
    expect(buckets(detailed)).to.deep.equal(['Project A 3']);
  });

  it('"Upgrade" on one of its meters brings its own plan picker into view', async () => {
    const id = await createCustomer({ plan: 'starter' });
    await reportUsage(id, 'api-calls', 10500);
    const provider = await mountProvider(id, html`<planship-customer-portal></planship-customer-portal>`);
    const portal = provider.querySelector('planship-customer-portal')!;
    const picker = inside(portal, 'planship-plan-picker')!;
    const [apiCalls] = await metersReady(inside(portal, 'planship-usage-meters') as PlanshipUsageMeters);
    await waitUntil(() => picker.shadowRoot!.querySelector('[role=radio][tabindex="0"]'), 'picker not loaded', { timeout: 5000 });
    inside(apiCalls, '[part~="upgrade-button"]')!.click();
    expect(picker.shadowRoot!.activeElement).to.equal(picker.shadowRoot!.querySelector('[role=radio][data-plan="starter"]'));
  });
});
