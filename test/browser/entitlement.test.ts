import { expect, html, waitUntil } from '@open-wc/testing';
import '../../src/index.ts';
import type { PlanshipEntitlement } from '../../src/components/entitlement/entitlement.ts';
import { admin, createCustomer, customerToken, mountProvider, reportUsage, slowTokenGetter } from './helpers.ts';
import type { TokenGetter } from '../../src/client/index.ts';

/** A gate with allowed, denied and loading content, as a host page writes it. */
async function mountGate(customerId: string, attributes: { lever: string; min?: number; includes?: string }, getter?: TokenGetter) {
  const provider = await mountProvider(
    customerId,
    html`<planship-entitlement lever=${attributes.lever} .min=${attributes.min} .includes=${attributes.includes}>
      <button id="allowed">Configure</button>
      <a id="denied" slot="denied" href="#upgrade">Upgrade to unlock</a>
      <span id="loading" slot="loading">Checking your plan</span>
    </planship-entitlement>`,
    getter,
  );
  const gate = provider.querySelector('planship-entitlement')!;
  return { provider, gate };
}

/** Which of the three contents is on screen (assigned to a rendered slot). */
function shown(gate: PlanshipEntitlement): string[] {
  return ['allowed', 'denied', 'loading'].filter((id) => gate.querySelector(`#${id}`)!.assignedSlot !== null);
}

const decided = (gate: PlanshipEntitlement) =>
  waitUntil(() => ['allowed', 'denied'].includes(shown(gate)[0] ?? '') || gate.shadowRoot!.querySelector('[role=alert]'), 'gate did not decide', { timeout: 5000 });

async function subscriptionOf(customerId: string): Promise<string> {
  const answer = await admin('GET', `/api/v1/customers/${customerId}/subscriptions`);
  return answer.body[0].subscription_id;
}

describe('<planship-entitlement>', () => {
  it('shows the default slot and reflects allowed for a granted boolean lever', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { gate } = await mountGate(id, { lever: 'sso' });
    await decided(gate);
    expect(shown(gate)).to.deep.equal(['allowed']);
    expect(gate.hasAttribute('allowed')).to.equal(true);
    await expect(gate).to.be.accessible();
  });

  it('shows the denied slot for a lever the plan lacks', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { gate } = await mountGate(id, { lever: 'sso' });
    await decided(gate);
    expect(shown(gate)).to.deep.equal(['denied']);
    expect(gate.hasAttribute('allowed')).to.equal(false);
    await expect(gate).to.be.accessible();
  });

  it('shows only the loading slot while loading, never the denied content', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const slow = slowTokenGetter(id);
    const seen = new Set<string>();
    const { gate } = await mountGate(id, { lever: 'sso' }, slow.getter);
    expect(shown(gate)).to.deep.equal(['loading']);
    expect(gate.hasAttribute('allowed')).to.equal(false);
    await expect(gate).to.be.accessible();
    // Watch every render until the answer lands: allowed must come straight after loading.
    const observer = new MutationObserver(() => shown(gate).forEach((what) => seen.add(what)));
    observer.observe(gate.shadowRoot!, { childList: true, subtree: true });
    slow.release();
    await decided(gate);
    observer.disconnect();
    expect(shown(gate)).to.deep.equal(['allowed']);
    expect([...seen]).to.not.include('denied');
  });

  it('an unknown lever is "missing", not silently denied: the missing slot, the missing attribute, one console warning', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const warnings: unknown[][] = [];
    const realWarn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const provider = await mountProvider(
        id,
        html`<planship-entitlement lever="no-such-lever">
          <button id="allowed">Configure</button>
          <a id="denied" slot="denied" href="#upgrade">Upgrade to unlock</a>
          <span id="missing" slot="missing">Not available here</span>
        </planship-entitlement>`,
      );
      const gate = provider.querySelector('planship-entitlement')!;
      await waitUntil(() => gate.hasAttribute('missing'), 'never marked missing', { timeout: 5000 });
      await gate.updateComplete;
      expect(['allowed', 'denied', 'missing'].filter((slot) => gate.querySelector(`#${slot}`)!.assignedSlot)).to.deep.equal(['missing']);
      expect(gate.hasAttribute('allowed')).to.equal(false);
      await expect(gate).to.be.accessible();
    } finally {
      console.warn = realWarn;
    }
    expect(warnings.map((args) => String(args[0])).filter((text) => text.includes('no-such-lever'))).to.have.length(1);
  });

  it('an unknown lever without a missing slot shows the denied content', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const realWarn = console.warn;
    console.warn = () => {};
    try {
      const { gate } = await mountGate(id, { lever: 'sso-typo' });
      await waitUntil(() => gate.hasAttribute('missing'), 'never marked missing', { timeout: 5000 });
      await gate.updateComplete;
      expect(shown(gate)).to.deep.equal(['denied']);
    } finally {
      console.warn = realWarn;
    }
  });

  it('checks numeric levers against min', async () => {
    const starter = await createCustomer({ plan: 'starter' });
    const pro = await createCustomer({ plan: 'pro' });
    const denied = await mountGate(starter, { lever: 'dashboards', min: 20 });
    await decided(denied.gate);
    expect(shown(denied.gate)).to.deep.equal(['denied']);
    const allowed = await mountGate(pro, { lever: 'dashboards', min: 20 });
    await decided(allowed.gate);
    expect(shown(allowed.gate)).to.deep.equal(['allowed']);
  });

  it('checks list levers with includes', async () => {
    const starter = await createCustomer({ plan: 'starter' });
    const pro = await createCustomer({ plan: 'pro' });
    const denied = await mountGate(starter, { lever: 'export-formats', includes: 'parquet' });
    await decided(denied.gate);
    expect(shown(denied.gate)).to.deep.equal(['denied']);
    const allowed = await mountGate(pro, { lever: 'export-formats', includes: 'parquet' });
    await decided(allowed.gate);
    expect(shown(allowed.gate)).to.deep.equal(['allowed']);
  });

  it('denies a metered lever live once usage runs out', async () => {
    const id = await createCustomer({ plan: 'free' });
    const { provider, gate } = await mountGate(id, { lever: 'ai-insights' });
    await decided(gate);
    expect(shown(gate)).to.deep.equal(['allowed']);
    await waitUntil(() => provider.getAttribute('connection') === 'live', 'socket not live', { timeout: 5000 });
    await reportUsage(id, 'ai-insights', 3);
    await waitUntil(() => shown(gate)[0] === 'denied', 'gate did not flip to denied', { timeout: 5000 });
    expect(gate.hasAttribute('allowed')).to.equal(false);
  });

  it('flips live when the plan changes on the server', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { provider, gate } = await mountGate(id, { lever: 'sso' });
    await decided(gate);
    expect(shown(gate)).to.deep.equal(['denied']);
    await waitUntil(() => provider.getAttribute('connection') === 'live', 'socket not live', { timeout: 5000 });
    const changed = await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${await subscriptionOf(id)}`, { plan_slug: 'pro' });
    expect(changed.status).to.equal(200);
    await waitUntil(() => gate.hasAttribute('allowed'), 'gate did not flip to allowed', { timeout: 5000 });
    expect(shown(gate)).to.deep.equal(['allowed']);
  });

  it('re-evaluates when min changes', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { gate } = await mountGate(id, { lever: 'dashboards', min: 5 });
    await decided(gate);
    expect(shown(gate)).to.deep.equal(['allowed']);
    // Starter has 10 dashboards: exactly `min` is entitled, one more is not.
    gate.min = 10;
    await gate.updateComplete;
    expect(shown(gate)).to.deep.equal(['allowed']);
    gate.min = 11;
    await gate.updateComplete;
    expect(shown(gate)).to.deep.equal(['denied']);
  });

  it('shows an error with retry when entitlements cannot be read', async () => {
    const id = await createCustomer({ plan: 'pro' });
    let backendUp = false;
    const { gate } = await mountGate(id, { lever: 'sso' }, async () => {
      if (!backendUp) throw new Error('token endpoint unavailable');
      return customerToken(id);
    });
    await decided(gate);
    const alert = gate.shadowRoot!.querySelector('[role=alert]')!;
    expect(alert).to.not.equal(null);
    expect(shown(gate)).to.deep.equal([]);
    await expect(gate).to.be.accessible();
    backendUp = true;
    gate.shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
    await waitUntil(() => gate.hasAttribute('allowed'), 'retry did not recover', { timeout: 5000 });
    expect(shown(gate)).to.deep.equal(['allowed']);
  });
});
