// First content in as few round trips as possible: through the gateway one API request (the
// first-render answer) before the picker, the manager and a meter all show content; direct (a
// token first), at most 6 API requests in the first wave, and members only after first content.
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { createCustomer, mountProvider } from './helpers.ts';

const PRODUCT = 'acme-analytics';

const parts = html`
  <planship-plan-picker></planship-plan-picker>
  <planship-subscription-manager></planship-subscription-manager>
  <planship-usage-meter lever="api-calls"></planship-usage-meter>
  <planship-usage-meter lever="ai-insights"></planship-usage-meter>
`;

const shadow = (root: ParentNode, selector: string) => (root.querySelector(selector) as Element | null)?.shadowRoot;

/** Whether the picker, the manager and every meter show their content (not a placeholder). */
function contentShown(provider: PlanshipProvider): boolean {
  const picker = shadow(provider, 'planship-plan-picker')?.querySelector('[role=radio]');
  const manager = shadow(provider, 'planship-subscription-manager')?.querySelector('[part~="plan-name"]');
  const meters = [...provider.querySelectorAll('planship-usage-meter')].every((meter) => meter.shadowRoot?.querySelector('[role=meter]'));
  return Boolean(picker && manager && meters);
}

/** Every fetch the page starts, with when it started and when its answer arrived. */
function recordFetches() {
  const calls: { url: string; started: number; answered?: number }[] = [];
  const realFetch = window.fetch;
  window.fetch = async (input, init) => {
    const call: { url: string; started: number; answered?: number } = { url: String(input), started: performance.now() };
    calls.push(call);
    try {
      return await realFetch(input, init);
    } finally {
      call.answered = performance.now();
    }
  };
  return { calls, restore: () => (window.fetch = realFetch) };
}

describe('first content', () => {
  let fetches: ReturnType<typeof recordFetches>;
  beforeEach(() => (fetches = recordFetches()));
  afterEach(() => {
    fetches.restore();
    fixtureCleanup();
  });

  it('through the gateway: one API request before every element shows content; members after', async () => {
    const ports = await executeServerCommand<{ wsPort: string }, undefined>('planship-gateways');
    const userId = `first-render-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    const session = await executeServerCommand<string, object>('planship-gateway-session', { transport: 'ws', userId, plan: 'pro' });
    document.cookie = `session=${session}; path=/; SameSite=Lax`;
    const apiUrl = `${location.protocol}//${location.hostname}:${ports.wsPort}/planship`;
    const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${apiUrl}>${parts}</planship-provider>`);
    await waitUntil(() => contentShown(provider), 'no content', { timeout: 8000 });
    const [first, ...later] = fetches.calls;
    expect(new URL(first.url).pathname).to.equal('/planship/portal');
    // Everything else (the members list and its invitations, second-level reads) started only once that one answer was in.
    for (const call of later) expect(call.started, call.url).to.be.at.least(first.answered!);
    expect(later.map((call) => new URL(call.url).pathname).filter((path) => !/\/(customers|invites)$/.test(path)), 'nothing else was needed').to.deep.equal([]);
    await waitUntil(
      () => fetches.calls.some((call) => call.url.endsWith('/customers')),
      'members were never read',
      { timeout: 8000 },
    );
  });

  it('direct with a token: at most 6 API requests in the first wave, members only after first content', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(id, parts);
    await waitUntil(() => contentShown(provider), 'no content', { timeout: 8000 });
    const api = fetches.calls.filter((call) => call.url.includes('/api/v1/'));
    const firstAnswer = Math.min(...api.map((call) => call.answered ?? Infinity));
    const firstWave = api.filter((call) => call.started < firstAnswer);
    expect(firstWave.length, firstWave.map((call) => call.url).join('\n')).to.be.at.most(6);
    expect(firstWave.length).to.be.at.least(4);
    const plansDetails = api.filter((call) => /\/plans\/[^/?]+$/.test(new URL(call.url).pathname));
    expect(plansDetails, 'plan details come with the plan list').to.deep.equal([]);
    const members = api.find((call) => call.url.endsWith('/customers'));
    if (members) expect(members.started).to.be.greaterThan(firstAnswer);
  });
});
