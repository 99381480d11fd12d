// The elements through the portal gateway, in Chromium, on hosted Planship's profile: the page
// holds no token and no customer id; its session cookie is the credential. One host takes
// WebSocket upgrades, the other does not (a Next.js-style Fetch host): live updates arrive as
// Server-Sent Events there. Every request, socket and answer the page sees is recorded to prove
// that no token or Authorization header ever appears.
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';

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
    });
  });
}
