import { expect, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { TokenGetter } from '../../src/client/index.ts';
import type { PlanshipUsageMeter } from '../../src/components/usage-meter/usage-meter.ts';
import type { PlanshipUpgradeRequestEvent } from '../../src/components/shared/events.ts';
import { PRODUCT, admin, createCustomer, customerToken, mountProvider, reportUsage, slowTokenGetter, transitionsDone } from './helpers.ts';

async function mount(customerId: string, inner: TemplateResult, getter?: TokenGetter) {
  const provider = await mountProvider(customerId, inner, getter);
  return { provider, meter: provider.querySelector('planship-usage-meter')! };
}

const part = (meter: PlanshipUsageMeter, name: string) => meter.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const meterOf = (meter: PlanshipUsageMeter) => meter.shadowRoot!.querySelector<HTMLElement>('[role="meter"]');

async function settled(meter: PlanshipUsageMeter) {
  await waitUntil(() => meterOf(meter) || part(meter, 'unlimited') || part(meter, 'empty') || part(meter, 'error'), 'meter did not settle', { timeout: 5000 });
  return meter;
}

describe('<planship-usage-meter>', () => {
  it('shows usage against the plan limit as an accessible meter', async () => {
    const id = await createCustomer({ plan: 'pro' });
    await reportUsage(id, 'api-calls', 1234);
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await settled(meter);
    const bar = meterOf(meter)!;
    expect(bar.getAttribute('aria-valuenow')).to.equal('1234');
    expect(bar.getAttribute('aria-valuemin')).to.equal('0');
    expect(bar.getAttribute('aria-valuemax')).to.equal('100000');
    expect(bar.getAttribute('aria-valuetext')).to.equal('1,234 of 100,000 API calls per month used');
    expect(part(meter, 'label')!.textContent).to.equal('API calls per month');
    expect(meter.getAttribute('status')).to.equal('normal');
    expect(bar.getAttribute('part')).to.equal('meter');
    await expect(meter).to.be.accessible();
  });

  it('shows a loading state (never a zero meter) until the data is there', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const slow = slowTokenGetter(id);
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`, slow.getter);
    const loading = part(meter, 'loading')!;
    expect(loading.getAttribute('role')).to.equal('progressbar');
    expect(loading.getAttribute('aria-busy')).to.equal('true');
    expect(meterOf(meter)).to.equal(null);
    expect(meter.hasAttribute('status')).to.equal(false);
    await expect(meter).to.be.accessible();
    slow.release();
    await settled(meter);
    expect(meterOf(meter)!.getAttribute('aria-valuemax')).to.equal('100000');
  });

  it('says the warning at 80% and the limit at 100% in words and with an icon; never a value above the maximum', async () => {
    const id = await createCustomer({ plan: 'starter' });
    await reportUsage(id, 'api-calls', 8000);
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await settled(meter);
    expect(meter.getAttribute('status')).to.equal('warning');
    expect(meterOf(meter)!.getAttribute('part')).to.equal('meter warning');
    const notice = () => part(meter, 'notice')!;
    expect(notice().textContent!.trim()).to.equal('Nearly at the limit.');
    expect(notice().querySelector('svg[aria-hidden="true"] path')).to.not.equal(null);
    expect(meterOf(meter)!.getAttribute('aria-valuetext')).to.equal('8,000 of 10,000 API calls per month used. Nearly at the limit.');
    expect(part(meter, 'upgrade-button')!.textContent).to.equal('Upgrade');
    await expect(meter).to.be.accessible();

    await reportUsage(id, 'api-calls', 2000);
    await waitUntil(() => meter.getAttribute('status') === 'exceeded', 'meter did not reach the limit', { timeout: 5000 });
    expect(notice().textContent!.trim()).to.equal('Limit reached.');
    expect(notice().querySelector('svg circle'), 'another icon than the warning\'s').to.not.equal(null);

    await reportUsage(id, 'api-calls', 500);
    await waitUntil(() => meterOf(meter)?.getAttribute('aria-valuetext')?.includes('Over'), 'meter did not go over', { timeout: 5000 });
    const bar = meterOf(meter)!;
    expect(bar.getAttribute('part')).to.equal('meter exceeded');
    // The value never passes the maximum: the text says by how much it is over.
    expect(bar.getAttribute('aria-valuenow')).to.equal('10000');
    expect(bar.getAttribute('aria-valuemax')).to.equal('10000');
    expect(bar.getAttribute('aria-valuetext')).to.equal('10,500 of 10,000 API calls per month used. Over the limit by 500.');
    expect(part(meter, 'value')!.textContent).to.equal('10,500 of 10,000');
    expect(notice().textContent!.trim()).to.equal('Over the limit by 500.');
    await expect(meter).to.be.accessible();
    meter.theme = 'dark';
    await meter.updateComplete;
    await transitionsDone();
    await expect(meter).to.be.accessible();
  });

  it('has no notice and no Upgrade below 80%', async () => {
    const id = await createCustomer({ plan: 'starter' });
    await reportUsage(id, 'api-calls', 7999);
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await settled(meter);
    expect(meter.getAttribute('status')).to.equal('normal');
    expect(part(meter, 'notice')).to.equal(null);
    expect(part(meter, 'upgrade-button')).to.equal(null);
  });

  it('says when usage resets for levers with a period (next UTC day, month), and nothing for one that never resets', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { provider } = await mount(
      id,
      html`<planship-usage-meter lever="api-calls"></planship-usage-meter><planship-usage-meter lever="api-burst"></planship-usage-meter>
        <planship-usage-meter lever="ai-insights"></planship-usage-meter>`,
    );
    const [monthly, daily, never] = [...provider.querySelectorAll('planship-usage-meter')];
    for (const meter of [monthly, daily, never]) await settled(meter);
    const now = new Date();
    const utcDay = (time: number) => new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(time);
    expect(part(monthly, 'reset')!.textContent).to.equal(`Resets on ${utcDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))}.`);
    expect(part(daily, 'reset')!.textContent).to.equal(`Resets on ${utcDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))}.`);
    expect(part(never, 'reset')).to.equal(null);
    await expect(monthly).to.be.accessible();
  });

  it('"Upgrade" fires a cancelable planship-upgrade-request, then brings the page\'s plan picker into view with focus', async () => {
    const id = await createCustomer({ plan: 'starter' });
    await reportUsage(id, 'api-calls', 9000);
    const { provider, meter } = await mount(
      id,
      html`<planship-usage-meter lever="api-calls"></planship-usage-meter><div style="height: 3000px"></div><planship-plan-picker></planship-plan-picker>`,
    );
    await settled(meter);
    const picker = provider.querySelector('planship-plan-picker')!;
    await waitUntil(() => picker.shadowRoot!.querySelector('[role=radio][tabindex="0"]'), 'picker not loaded', { timeout: 5000 });
    const requests: PlanshipUpgradeRequestEvent[] = [];
    let prevent = true;
    provider.addEventListener('planship-upgrade-request', (event) => {
      requests.push(event);
      if (prevent) event.preventDefault();
    });
    // Prevented: the host shows its own way to upgrade; nothing moves.
    part(meter, 'upgrade-button')!.click();
    expect(requests.map((event) => [event.lever, event.status, event.cancelable, event.composed])).to.deep.equal([['api-calls', 'warning', true, true]]);
    expect(picker.shadowRoot!.activeElement).to.equal(null);
    expect(picker.getBoundingClientRect().top).to.be.greaterThan(innerHeight);

    prevent = false;
    part(meter, 'upgrade-button')!.click();
    expect(requests).to.have.length(2);
    expect(picker.shadowRoot!.activeElement).to.equal(picker.shadowRoot!.querySelector('[role=radio][data-plan="starter"]'));
    const top = picker.getBoundingClientRect().top;
    expect(top).to.be.at.least(0);
    expect(top).to.be.below(innerHeight);
    scrollTo(0, 0);
  });

  it('shows an unlimited lever as such, with no meter', async () => {
    const id = await createCustomer({ plan: 'business' });
    await reportUsage(id, 'api-calls', 42);
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-burst"></planship-usage-meter>`);
    await settled(meter);
    expect(part(meter, 'unlimited')!.textContent).to.equal('Unlimited');
    expect(part(meter, 'value')!.textContent).to.equal('42 used');
    expect(meterOf(meter)).to.equal(null);
    expect(meter.getAttribute('status')).to.equal('unlimited');
    await expect(meter).to.be.accessible();
  });

  it('breaks usage down per bucket with show-buckets', async () => {
    const id = await createCustomer({ plan: 'pro' });
    await admin('POST', `/api/v1/customers/${id}/products/${PRODUCT}/usage/ai-insights`, { usage: 3, bucket: 'Project <b>A</b>' });
    await admin('POST', `/api/v1/customers/${id}/products/${PRODUCT}/usage/ai-insights`, { usage: 2, bucket: 'Project B' });
    const { meter } = await mount(id, html`<planship-usage-meter lever="ai-insights" show-buckets></planship-usage-meter>`);
    await settled(meter);
    const lines = [...meter.shadowRoot!.querySelectorAll('[part~="bucket"]')].map((line) => [...line.children].map((cell) => cell.textContent).join(' '));
    expect(lines).to.have.members(['Project <b>A</b> 3', 'Project B 2']);
    expect(meter.shadowRoot!.querySelector('b')).to.equal(null);
    expect(meterOf(meter)!.getAttribute('aria-valuenow')).to.equal('5');
    await expect(meter).to.be.accessible();
  });

  it('moves live when usage is reported on the server', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { provider, meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await settled(meter);
    expect(meterOf(meter)!.getAttribute('aria-valuenow')).to.equal('0');
    await waitUntil(() => provider.getAttribute('connection') === 'live', 'socket not live', { timeout: 5000 });
    await reportUsage(id, 'api-calls', 700);
    await waitUntil(() => meterOf(meter)?.getAttribute('aria-valuenow') === '700', 'meter did not move', { timeout: 5000 });
  });

  it('moves after usage reported by the host backend', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { meter } = await mount(id, html`<planship-usage-meter lever="ai-insights"></planship-usage-meter>`);
    await settled(meter);
    await reportUsage(id, 'ai-insights', 7);
    await waitUntil(() => meterOf(meter)?.getAttribute('aria-valuenow') === '7', 'meter did not move', { timeout: 5000 });
    expect(meterOf(meter)!.getAttribute('aria-valuemax')).to.equal('200');
  });

  it('follows a plan change: the limit moves without reload', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await settled(meter);
    expect(meterOf(meter)!.getAttribute('aria-valuemax')).to.equal('10000');
    const subscriptions = await admin('GET', `/api/v1/customers/${id}/subscriptions`);
    const subscriptionId = subscriptions.body[0].subscription_id;
    const changed = await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscriptionId}`, { plan_slug: 'pro' });
    expect(changed.status).to.equal(200);
    await waitUntil(() => meterOf(meter)?.getAttribute('aria-valuemax') === '100000', 'limit did not follow the plan', { timeout: 5000 });
  });

  it('shows an empty state for an unknown lever', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { meter } = await mount(id, html`<planship-usage-meter lever="no-such-lever"></planship-usage-meter>`);
    await settled(meter);
    expect(part(meter, 'empty')!.textContent).to.contain('no usage lever called "no-such-lever"');
    expect(meter.hasAttribute('status')).to.equal(false);
    await expect(meter).to.be.accessible();
  });

  it('shows an empty state for a lever that is not metered', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { meter } = await mount(id, html`<planship-usage-meter lever="sso"></planship-usage-meter>`);
    await settled(meter);
    expect(part(meter, 'empty')!.textContent).to.contain('no usage lever called "sso"');
    expect(meterOf(meter)).to.equal(null);
  });

  it('shows an empty state for a customer without a subscription', async () => {
    const id = await createCustomer();
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await settled(meter);
    expect(part(meter, 'empty')!.textContent).to.equal('No active subscription.');
    await expect(meter).to.be.accessible();
  });

  it('shows the empty state, not "0 of 0", when the only active subscription is to another product', async () => {
    const id = await createCustomer({ plan: 'basic', product: 'markup-product' });
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await settled(meter);
    expect(part(meter, 'empty')!.textContent).to.equal('No active subscription.');
    expect(meterOf(meter)).to.equal(null);
    expect(meter.hasAttribute('status')).to.equal(false);
    await expect(meter).to.be.accessible();
  });

  it('shares one subscriptions request (one cache key) with the picker and the manager', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const realFetch = window.fetch;
    const asked: string[] = [];
    // Only watches the requests the page makes; every one still reaches the real server.
    window.fetch = (input, init) => {
      const target = String(input instanceof Request ? input.url : input);
      if (target.includes('/subscriptions')) asked.push(new URL(target).pathname + new URL(target).search);
      return realFetch(input, init);
    };
    try {
      const { provider, meter } = await mount(
        id,
        html`<planship-plan-picker></planship-plan-picker><planship-subscription-manager></planship-subscription-manager>
          <planship-usage-meter lever="api-calls"></planship-usage-meter>`,
      );
      await settled(meter);
      await waitUntil(() => provider.querySelector('planship-subscription-manager')!.shadowRoot!.querySelector('[part~="plan-name"]'), 'manager not loaded', { timeout: 5000 });
      const lists = asked.filter((target) => !target.includes('/subscriptions/'));
      expect([...new Set(lists)]).to.deep.equal([`/api/v1/customers/${id}/subscriptions?product_slug=${PRODUCT}`]);
      expect(meterOf(meter)!.getAttribute('aria-valuemax')).to.equal('100000');
    } finally {
      window.fetch = realFetch;
    }
  });

  it('shows an error with a retry button that recovers, and fires planship-error', async () => {
    const id = await createCustomer({ plan: 'pro' });
    let backendUp = false;
    const getter = async () => {
      if (!backendUp) throw new Error('token endpoint unavailable');
      return customerToken(id);
    };
    const errors: Event[] = [];
    const onError = (event: Event) => errors.push(event);
    document.addEventListener('planship-error', onError);
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`, getter);
    await settled(meter);
    document.removeEventListener('planship-error', onError);
    const alert = part(meter, 'error')!;
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.not.contain('undefined');
    expect(errors.length).to.be.greaterThan(0);
    await expect(meter).to.be.accessible();

    backendUp = true;
    const retry = meter.shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!;
    expect(retry.textContent).to.equal('Retry');
    // Keyboard path: the retry button is reachable with Tab and works with Enter.
    retry.focus();
    expect(meter.shadowRoot!.activeElement).to.equal(retry);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => meterOf(meter), 'retry did not recover', { timeout: 5000 });
    expect(part(meter, 'error')).to.equal(null);
  });

  it('renders in dark theme and stays accessible', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls" theme="dark"></planship-usage-meter>`);
    await settled(meter);
    expect(getComputedStyle(part(meter, 'label')!).color).to.equal('rgb(230, 237, 243)');
    expect(getComputedStyle(meter).backgroundColor).to.equal('rgb(22, 27, 34)');
    meter.theme = 'light';
    await meter.updateComplete;
    expect(getComputedStyle(part(meter, 'label')!).color).to.equal('rgb(27, 31, 36)');
    await expect(meter).to.be.accessible();
    await expect(meter).to.be.accessible();
  });
});
