// The elements through the portal gateway, in Chromium, on hosted Planship's profile: the page
// holds no token and no customer id; its session cookie is the credential. One host takes
// WebSocket upgrades, the other does not (a Next.js-style Fetch host): live updates arrive as
// Server-Sent Events there. Every request, socket and answer the page sees is recorded to prove
// that no token or Authorization header ever appears.
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { answerDialog, transitionsDone } from './helpers.ts';

type Transport = 'ws' | 'sse';
interface Gateways {
  wsPort: string;
  ssePort: string;
}

const PRODUCT = 'acme-analytics';
const gateways = () => executeServerCommand<Gateways, undefined>('planship-gateways');
const adminOn = (transport: Transport, method: string, path: string, body?: unknown) =>
  executeServerCommand<{ status: number; body: any }, object>('planship-gateway-admin', { transport, method, path, body });

/** What the page sent and got: URLs, request headers, response bodies, sockets and event streams opened. */
function recordTraffic() {
  const seen = { urls: [] as string[], headers: [] as Headers[], bodies: [] as string[], sockets: [] as string[], streams: [] as string[] };
  const realFetch = window.fetch;
  const RealWebSocket = window.WebSocket;
  const RealEventSource = window.EventSource;
  window.fetch = async (input, init) => {
    seen.urls.push(String(input));
    seen.headers.push(new Headers(init?.headers));
    const response = await realFetch(input, init);
    seen.bodies.push(await response.clone().text());
    return response;
  };
  window.WebSocket = class extends RealWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      seen.sockets.push(String(url));
      super(url, protocols);
    }
  };
  window.EventSource = class extends RealEventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      seen.streams.push(String(url));
      super(url, init);
    }
  };
  return {
    seen,
    restore() {
      window.fetch = realFetch;
      window.WebSocket = RealWebSocket;
      window.EventSource = RealEventSource;
    },
  };
}

const shadow = (root: ParentNode, selector: string) => (root.querySelector(selector) as Element).shadowRoot!;
const meterNow = (provider: PlanshipProvider) => shadow(provider, 'planship-usage-meter').querySelector('[role=meter]')?.getAttribute('aria-valuenow');
const managerPlan = (provider: PlanshipProvider) => shadow(provider, 'planship-subscription-manager').querySelector('[part~="plan-name"]')?.textContent;
const radio = (provider: PlanshipProvider, plan: string) => shadow(provider, 'planship-plan-picker').querySelector<HTMLButtonElement>(`[role=radio][data-plan="${plan}"]`);

async function mountThroughGateway(transport: Transport, plan: string) {
  const ports = await gateways();
  const userId = `gateway-page-${transport}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const session = await executeServerCommand<string, object>('planship-gateway-session', { transport, userId, plan });
  // The host's login set this cookie; the page's script never sees a token.
  document.cookie = `session=${session}; path=/; SameSite=Lax`;
  const apiUrl = `${location.protocol}//${location.hostname}:${transport === 'ws' ? ports.wsPort : ports.ssePort}/planship`;
  const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${apiUrl}>
    <planship-plan-picker></planship-plan-picker>
    <planship-subscription-manager></planship-subscription-manager>
    <planship-usage-meter lever="api-calls"></planship-usage-meter>
  </planship-provider>`);
  return { provider, userId };
}

async function customerIdOf(transport: Transport, userId: string): Promise<string> {
  return (await adminOn(transport, 'GET', `/api/v1/customers/${encodeURIComponent(userId)}`)).body.id;
}

for (const transport of ['ws', 'sse'] as const) {
  describe(`through the gateway (${transport === 'ws' ? 'WebSocket host' : 'SSE-only host'})`, () => {
    let traffic: ReturnType<typeof recordTraffic>;
    beforeEach(() => (traffic = recordTraffic()));
    afterEach(() => {
      traffic.restore();
      fixtureCleanup();
    });

    it('plan switch and live usage, with no token or Authorization anywhere the page looks', async () => {
      const { provider, userId } = await mountThroughGateway(transport, 'starter');
      await waitUntil(() => radio(provider, 'pro') && managerPlan(provider) === 'Starter' && meterNow(provider) === '0', 'portal never loaded', { timeout: 8000 });
      await waitUntil(() => provider.getAttribute('connection') === 'live', 'never live', { timeout: 8000 });

      const customerId = await customerIdOf(transport, userId);
      await adminOn(transport, 'POST', `/api/v1/customers/${customerId}/products/${PRODUCT}/usage/api-calls`, { usage: 42 });
      await waitUntil(() => meterNow(provider) === '42', 'live usage did not arrive', { timeout: 8000 });

      radio(provider, 'pro')!.click();
      await answerDialog(provider.querySelector('planship-plan-picker')!);
      await waitUntil(() => managerPlan(provider) === 'Pro', 'the plan did not switch', { timeout: 8000 });
      const onServer = await adminOn(transport, 'GET', `/api/v1/customers/${customerId}/subscriptions`);
      expect(onServer.body.map((subscription: any) => subscription.plan.slug)).to.deep.equal(['pro']);

      const { urls, headers, bodies, sockets, streams } = traffic.seen;
      expect(urls.length).to.be.greaterThan(3);
      for (const url of [...urls, ...sockets, ...streams]) {
        expect(url).to.not.match(/token=/);
        expect(url).to.not.include(customerId, 'the page never needs its customer id');
      }
      for (const sent of headers) expect(sent.has('authorization')).to.equal(false);
      for (const body of bodies) expect(body).to.not.match(/pt_[A-Za-z0-9_-]{10}|access_token/);
      if (transport === 'ws') {
        expect(sockets.length).to.be.greaterThan(0);
        expect(streams).to.deep.equal([]);
      } else {
        expect(streams.length).to.be.greaterThan(0, 'fell back to Server-Sent Events');
      }
    });

    it('signed out: the elements say so (401), with nothing of the customer shown', async () => {
      const ports = await gateways();
      document.cookie = 'session=; path=/; max-age=0';
      const apiUrl = `${location.protocol}//${location.hostname}:${transport === 'ws' ? ports.wsPort : ports.ssePort}/planship`;
      const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${apiUrl}>
        <planship-subscription-manager></planship-subscription-manager>
      </planship-provider>`);
      const manager = () => shadow(provider, 'planship-subscription-manager');
      await waitUntil(() => manager().querySelector('[role=alert]'), 'no error shown', { timeout: 8000 });
      expect(manager().querySelector('[role=alert]')!.textContent).to.match(/sign in/i);
      expect(manager().querySelector('[part~="retry-button"]'), 'a retry cannot sign anyone in').to.equal(null);
    });
  });
}

describe('members through the gateway (the host resolves invited emails)', () => {
  afterEach(() => fixtureCleanup());

  const members = (provider: PlanshipProvider) => shadow(provider, 'planship-subscription-manager').querySelector('[part~="members"]')?.shadowRoot as ShadowRoot;
  const signUp = (email: string, name: string) =>
    executeServerCommand<boolean, object>('planship-gateway-directory', { id: `user-${email}`, email, name });

  it('invites a teammate by email; an unknown email and a full team are refused in words, with no Retry', async () => {
    const { provider, userId } = await mountThroughGateway('ws', 'starter');
    await waitUntil(() => members(provider)?.querySelector('[part~="invite-form"]'), 'no invite form (the gateway offers invites)', { timeout: 8000 });
    const form = members(provider);
    const email = form.querySelector<HTMLInputElement>('#invite')!;
    const invite = (address: string) => {
      email.value = address;
      email.dispatchEvent(new Event('input'));
      form.querySelector<HTMLButtonElement>('[part~="invite-button"]')!.click();
    };
    const unique = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const friend = `friend-${unique}@example.com`;

    // Nobody signed up with it yet (404): said next to the field.
    invite(friend);
    await waitUntil(() => form.querySelector('#invite-error'), 'no field error', { timeout: 8000 });
    expect(form.querySelector('#invite-error')!.textContent).to.equal(
      'No account uses this email address: ask them to sign up first, then invite them again.',
    );
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    expect(email.value, 'a refused address stays in the field to be corrected').to.equal(friend);
    expect(form.querySelector('[part~="retry-button"]')).to.equal(null);
    await expect(provider).to.be.accessible();

    // They sign up on the host; the same invitation now adds them, by name (the administrator sees the email).
    await signUp(friend, 'Friend Person');
    invite(friend);
    await waitUntil(() => form.querySelectorAll('[part~="member"]').length === 2, 'the invited person is not listed', { timeout: 8000 });
    expect(form.querySelector('[part~="member"]:nth-child(2)')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(`Friend Person ${friend} Remove`);
    expect(email.value).to.equal('');
    const customerId = (await adminOn('ws', 'GET', `/api/v1/customers/${encodeURIComponent(userId)}`)).body.id;
    const [subscription] = (await adminOn('ws', 'GET', `/api/v1/customers/${customerId}/subscriptions`)).body;
    const listed = async () => (await adminOn('ws', 'GET', `/api/v1/customers/${customerId}/subscriptions/${subscription.subscription_id}/customers`)).body;
    expect(await listed()).to.have.length(2);
    // Already on the team: said before anything is sent.
    invite(friend.toUpperCase());
    await waitUntil(() => form.querySelector('#invite-error')?.textContent === 'This person is already on the team.', 'not refused as a member', { timeout: 8000 });

    // Starter has 3 seats: a third person fits, a fourth does not (409).
    const third = `third-${unique}@example.com`;
    const fourth = `fourth-${unique}@example.com`;
    await signUp(third, 'Third Person');
    await signUp(fourth, 'Fourth Person');
    invite(third);
    await waitUntil(() => form.querySelectorAll('[part~="member"]').length === 3, 'the third person is not listed', { timeout: 8000 });
    invite(fourth);
    await waitUntil(() => form.querySelector('[part~="action-error"]'), 'no error shown', { timeout: 8000 });
    expect(form.querySelector('[part~="action-error"]')!.textContent!.trim()).to.equal('Every seat is taken: add seats first, then invite them again.');
    expect(form.querySelector('[part~="retry-button"]')).to.equal(null);
    expect(await listed()).to.have.length(3);
    await expect(provider).to.be.accessible();
    provider.setAttribute('theme', 'dark');
    await transitionsDone();
    await expect(provider).to.be.accessible();
  });

  it('a session that ended while the page was open: "sign in again", with no Retry, and nothing changed', async () => {
    const { provider, userId } = await mountThroughGateway('ws', 'pro');
    const manager = provider.querySelector('planship-subscription-manager')!;
    const inManager = (selector: string) => manager.shadowRoot!.querySelector<HTMLElement>(selector);
    await waitUntil(() => inManager('[part~="cancel-button"]'), 'manager not loaded', { timeout: 8000 });
    // The host's session expired (the cookie now names none).
    document.cookie = 'session=expired; path=/; SameSite=Lax';
    inManager('[part~="cancel-button"]')!.click();
    await answerDialog(manager);
    await waitUntil(() => inManager('[part~="action-error"]'), 'no error shown', { timeout: 8000 });
    expect(inManager('[part~="action-error"]')!.textContent!.trim()).to.equal('Your session has expired. Please sign in again.');
    expect(inManager('[part~="retry-button"]')).to.equal(null);
    const customerId = (await adminOn('ws', 'GET', `/api/v1/customers/${encodeURIComponent(userId)}`)).body.id;
    const [subscription] = (await adminOn('ws', 'GET', `/api/v1/customers/${customerId}/subscriptions`)).body;
    expect(subscription.auto_renew).to.equal(true);
  });
});
