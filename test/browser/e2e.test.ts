// End to end in real Chromium against the real server: the elements together, live.
import { expect, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { PRODUCT, admin, answerDialog, createCustomer, deepElements, mountProvider, ownServer, reportUsage, serverInfo, tokenGetter } from './helpers.ts';

const MARKUP_PRODUCT = 'markup-product';

const portalParts = html`
  <planship-plan-picker></planship-plan-picker>
  <planship-subscription-manager></planship-subscription-manager>
  <planship-usage-meter lever="api-calls"></planship-usage-meter>
  <planship-entitlement lever="sso"><span id="sso-on">SSO settings</span><span id="sso-off" slot="denied">Upgrade for SSO</span></planship-entitlement>
`;

const shadow = (root: ParentNode, selector: string) => (root.querySelector(selector) as Element).shadowRoot!;
const meterMax = (provider: PlanshipProvider) => shadow(provider, 'planship-usage-meter').querySelector('[role=meter]')?.getAttribute('aria-valuemax');
const meterNow = (provider: PlanshipProvider) => shadow(provider, 'planship-usage-meter').querySelector('[role=meter]')?.getAttribute('aria-valuenow');
const managerPlan = (provider: PlanshipProvider) => shadow(provider, 'planship-subscription-manager').querySelector('[part~="plan-name"]')?.textContent;
const switchButton = (provider: PlanshipProvider, plan: string) =>
  shadow(provider, 'planship-plan-picker').querySelector<HTMLButtonElement>(`[role=radio][data-plan="${plan}"]`);

async function subscriptionPlan(customerId: string): Promise<string> {
  const answer = await admin('GET', `/api/v1/customers/${customerId}/subscriptions`);
  return answer.body[0].plan.slug;
}

async function portalReady(provider: PlanshipProvider) {
  await waitUntil(() => switchButton(provider, 'pro') && managerPlan(provider) && meterMax(provider), 'portal never loaded', { timeout: 8000 });
  await waitUntil(() => provider.getAttribute('connection') === 'live', 'socket never went live', { timeout: 5000 });
}

const openSockets = async (customerId: string) =>
  (await admin<{ open: number }>('GET', `/__emulator/sockets?customer=${encodeURIComponent(customerId)}`)).body.open;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];


describe('e2e: the portal elements together against the real server', () => {
  afterEach(() => fixtureCleanup());

  it('a plan change in the picker reaches the API, the manager, the meter limit and a gate without reload', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const provider = await mountProvider(id, portalParts);
    await portalReady(provider);
    expect(managerPlan(provider)).to.equal('Starter');
    expect(meterMax(provider)).to.equal('10000');
    expect(provider.querySelector('#sso-off')!.assignedSlot).to.not.equal(null);

    const button = switchButton(provider, 'pro')!;
    expect(button.textContent).to.contain('Switch to Pro');
    button.click();
    await answerDialog(provider.querySelector('planship-plan-picker')!);

    await waitUntil(async () => (await subscriptionPlan(id)) === 'pro', 'the API never saw the change', { timeout: 5000 });
    await waitUntil(() => managerPlan(provider) === 'Pro', 'manager did not follow', { timeout: 5000 });
    await waitUntil(() => meterMax(provider) === '100000', 'meter limit did not follow', { timeout: 5000 });
    await waitUntil(() => provider.querySelector('planship-entitlement')!.hasAttribute('allowed'), 'gate did not open', { timeout: 5000 });
    expect(provider.querySelector('#sso-on')!.assignedSlot).to.not.equal(null);
  });

  it('preventDefault on planship-plan-change stops the API call; a backend change then shows live', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const provider = await mountProvider(id, portalParts);
    await portalReady(provider);
    const asked: { fromPlan?: string; toPlan: string; changeAt: string; subscriptionId?: string }[] = [];
    provider.addEventListener('planship-plan-change', (event) => {
      asked.push({ fromPlan: event.fromPlan, toPlan: event.toPlan, changeAt: event.changeAt, subscriptionId: event.subscriptionId });
      event.preventDefault();
    });
    switchButton(provider, 'pro')!.click();
    await answerDialog(provider.querySelector('planship-plan-picker')!);
    await waitUntil(() => asked.length === 1, 'no planship-plan-change event');
    expect(asked[0]).to.include({ fromPlan: 'starter', toPlan: 'pro', changeAt: 'now' });
    const subscriptions = await admin('GET', `/api/v1/customers/${id}/subscriptions`);
    expect(asked[0].subscriptionId).to.equal(subscriptions.body[0].subscription_id);
    // Nothing was sent: the subscription is unchanged and the picker shows no pending state.
    await waitUntil(() => !switchButton(provider, 'pro')!.hasAttribute('aria-busy'), 'picker stuck pending');
    expect(await subscriptionPlan(id)).to.equal('starter');
    expect(managerPlan(provider)).to.equal('Starter');

    // The host's own checkout changes the plan from its backend; the portal follows live.
    const changed = await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${asked[0].subscriptionId}`, { plan_slug: 'pro' });
    expect(changed.status).to.equal(200);
    await waitUntil(() => managerPlan(provider) === 'Pro', 'manager did not follow the backend change', { timeout: 5000 });
    await waitUntil(() => meterMax(provider) === '100000', 'meter did not follow the backend change', { timeout: 5000 });
  });

  it('a usage report made on the server moves the meter (and measures how fast)', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    await waitUntil(() => meterNow(provider) === '0' && provider.getAttribute('connection') === 'live', 'meter not ready', { timeout: 5000 });
    const latencies: number[] = [];
    let total = 0;
    for (let round = 1; round <= 9; round++) {
      total += round;
      const expected = String(total);
      const started = performance.now();
      await reportUsage(id, 'api-calls', round);
      await waitUntil(() => meterNow(provider) === expected, `meter did not reach ${expected}`, { timeout: 5000, interval: 1 });
      latencies.push(performance.now() - started);
    }
    expect(meterNow(provider)).to.equal('45');
    // Includes the test runner's command round trip to the server; printed for the report.
    console.log(`usage report -> meter in DOM: median ${median(latencies).toFixed(1)} ms over ${latencies.length} reports`);
  });

  it('shows the reconnecting hint (meter, picker, manager, gate) and one status while the server drops sockets, and hides them once back', async () => {
    // A server of its own: dropping every socket of the shared one would disturb the other test files.
    const server = await ownServer();
    const id = await createCustomer({ plan: 'pro', server });
    const provider = await mountProvider(id, portalParts, undefined, PRODUCT, server);
    await portalReady(provider);
    const gate = provider.querySelector('planship-entitlement')!;
    await waitUntil(() => gate.hasAttribute('allowed'), 'gate not ready', { timeout: 5000 });
    const roots = ['planship-usage-meter', 'planship-plan-picker', 'planship-subscription-manager', 'planship-entitlement'].map((tag) =>
      shadow(provider, tag),
    );
    const hints = () => roots.map((root) => root.querySelector('[part~="stale"]'));
    expect(hints()).to.deep.equal([null, null, null, null]);
    expect(gate.hasAttribute('stale')).to.equal(false);
    // Quiet before the drop (checked before it: the drop may reach the page before its answer does).
    const status = provider.shadowRoot!.querySelector('[role=status]')!;
    expect(status.textContent).to.equal('');
    const closed = await admin('POST', '/__emulator/sockets/close', { refuse_seconds: 2 }, server);
    expect(closed.status).to.equal(200);
    await waitUntil(() => hints().every(Boolean), 'no reconnecting hint on every element', { timeout: 5000 });
    for (const hint of hints()) {
      expect(hint!.getAttribute('role')).to.equal(null);
      expect(hint!.textContent).to.contain('Reconnecting');
    }
    // Screen readers hear it once, from the provider's one status region.
    const statuses = [provider, ...deepElements(provider)].flatMap((element) => [...(element.shadowRoot?.querySelectorAll('[role=status]') ?? [])]);
    expect(statuses).to.deep.equal([status]);
    expect(status.textContent).to.contain('Reconnecting');
    expect(gate.hasAttribute('stale')).to.equal(true);
    // The gate's hint stays small next to the host's content; the gate still shows what it knew.
    expect(parseFloat(getComputedStyle(hints()[3]!).fontSize)).to.be.below(parseFloat(getComputedStyle(gate.querySelector('#sso-on')!).fontSize));
    expect(provider.querySelector('#sso-on')!.assignedSlot).to.not.equal(null);
    expect(provider.getAttribute('connection')).to.equal('reconnecting');
    for (const tag of ['planship-usage-meter', 'planship-plan-picker', 'planship-subscription-manager', 'planship-entitlement']) {
      await expect(provider.querySelector(tag)).to.be.accessible();
    }
    await waitUntil(() => provider.getAttribute('connection') === 'live', 'never reconnected', { timeout: 12000 });
    await waitUntil(() => hints().every((hint) => !hint), 'a hint stayed after reconnecting');
    expect(status.textContent).to.equal('');
    expect(gate.hasAttribute('stale')).to.equal(false);
    // Live again: a new report still arrives.
    await reportUsage(id, 'api-calls', 3, PRODUCT, server);
    await waitUntil(() => meterNow(provider) === '3', 'meter not live after reconnecting', { timeout: 5000 });
  }).timeout(30000);

  it('renders plan and lever names containing HTML as text', async () => {
    delete (window as { __xss?: unknown }).__xss;
    const id = await createCustomer({ plan: 'basic', product: MARKUP_PRODUCT });
    const provider = await mountProvider(
      id,
      html`<planship-customer-portal></planship-customer-portal>
        <planship-usage-meter lever="calls"></planship-usage-meter>
        <planship-entitlement lever="feature"><span slot="denied">Denied</span></planship-entitlement>`,
      undefined,
      MARKUP_PRODUCT,
    );
    const portal = provider.querySelector('planship-customer-portal')!;
    await waitUntil(() => {
      const text = deepElements(provider).map((element) => element.shadowRoot?.textContent ?? '').join(' ');
      return text.includes('Basic <img') && text.includes('Calls <img') && text.includes('Plus <img');
    }, 'markup names never rendered', { timeout: 8000 });
    const everything = [provider, ...deepElements(provider)];
    expect(everything.filter((element) => element.localName === 'img')).to.have.length(0);
    expect(everything.filter((element) => element.localName === 'b')).to.have.length(0);
    expect((window as { __xss?: unknown }).__xss).to.equal(undefined);
    expect(portal).to.not.equal(null);
  });

  it('mounting and removing the provider with its elements 200 times leaves no socket open', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { url, wsUrl } = await serverInfo();
    const getter = tokenGetter(id);
    const host = document.createElement('div');
    document.body.append(host);
    let sawLive = 0;
    for (let round = 0; round < 200; round++) {
      host.innerHTML = `<planship-provider product-slug="${PRODUCT}" customer-id="${id}" api-url="${url}" ws-url="${wsUrl}">
          <planship-usage-meter lever="api-calls"></planship-usage-meter>
          <planship-entitlement lever="sso"></planship-entitlement>
          <planship-plan-picker></planship-plan-picker>
        </planship-provider>`;
      const provider = host.firstElementChild as PlanshipProvider;
      provider.getAccessToken = getter;
      await provider.updateComplete;
      // Let a few of them go fully live, the rest are torn down mid-connect.
      if (round % 50 === 0) {
        await waitUntil(() => provider.getAttribute('connection') === 'live', 'not live', { timeout: 5000 });
        sawLive++;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      host.replaceChildren();
    }
    host.remove();
    expect(sawLive).to.equal(4);
    // Counted for this test's own customer, so other test files running at once don't interfere.
    await waitUntil(async () => (await openSockets(id)) === 0, 'sockets left open on the server', { timeout: 15000, interval: 100 });
    expect(await openSockets(id)).to.equal(0);
  }).timeout(120000);
});
