import { expect, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { TokenGetter } from '../../src/client/index.ts';
import type { PlanshipUsageMeter } from '../../src/components/usage-meter/usage-meter.ts';
import { PRODUCT, admin, createCustomer, customerToken, mountProvider, reportUsage, slowTokenGetter } from './helpers.ts';

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

  it('turns to warning at 80% and exceeded at 100%, as parts and a status attribute', async () => {
    const id = await createCustomer({ plan: 'starter' });
    await reportUsage(id, 'api-calls', 8000);
    const { meter } = await mount(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await settled(meter);
    expect(meter.getAttribute('status')).to.equal('warning');
    expect(meterOf(meter)!.getAttribute('part')).to.equal('meter warning');
    await expect(meter).to.be.accessible();

    await reportUsage(id, 'api-calls', 2500);
    await waitUntil(() => meter.getAttribute('status') === 'exceeded', 'meter did not turn exceeded', { timeout: 5000 });
    const bar = meterOf(meter)!;
    expect(bar.getAttribute('part')).to.equal('meter exceeded');
    expect(bar.getAttribute('aria-valuenow')).to.equal('10500');
    // The limit stays the plan's limit although the remaining amount went negative.
    expect(bar.getAttribute('aria-valuemax')).to.equal('10000');
    expect(bar.getAttribute('aria-valuetext')).to.contain('limit reached');
    await expect(meter).to.be.accessible();
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
