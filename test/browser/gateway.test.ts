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

    it('a visitor who is not signed in: the plans as calls to action, "sign in" for the rest, no session wording, nothing live', async () => {
      const ports = await gateways();
      document.cookie = 'session=; path=/; max-age=0';
      const apiUrl = `${location.protocol}//${location.hostname}:${transport === 'ws' ? ports.wsPort : ports.ssePort}/planship`;
      const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${apiUrl} signup-url="/signup">
        <planship-plan-picker></planship-plan-picker>
        <planship-subscription-manager></planship-subscription-manager>
      </planship-provider>`);
      const picker = provider.querySelector('planship-plan-picker')!;
      await waitUntil(() => radio(provider, 'pro')?.textContent?.trim() === 'Get started with Pro', 'no call to action', { timeout: 8000 });
      const manager = () => shadow(provider, 'planship-subscription-manager');
      await waitUntil(() => manager().querySelector('[part~="empty"]'), 'no sign-in text', { timeout: 8000 });
      expect(manager().querySelector('[part~="empty"]')!.textContent).to.equal('Sign in to see your subscription and usage.');
      const selected: { plan: string; interval?: string }[] = [];
      provider.addEventListener('planship-plan-select', (event) => {
        event.preventDefault(); // the test page stays (by default it goes to /signup?plan=pro)
        selected.push({ plan: event.plan, interval: event.interval });
      });
      radio(provider, 'pro')!.click();
      expect(selected).to.deep.equal([{ plan: 'pro', interval: undefined }]);
      expect(picker.shadowRoot!.querySelector('dialog[open]'), 'no confirmation for a visitor').to.equal(null);
      const text = `${picker.shadowRoot!.textContent} ${manager().textContent}`;
      expect(text).to.not.match(/session|Reconnecting/i);
      expect([...traffic.seen.sockets, ...traffic.seen.streams]).to.deep.equal([], 'nothing live for a visitor');
      expect(provider.getAttribute('connection')).to.not.equal('reconnecting');
      await expect(provider).to.be.accessible();
    });
  });
}

describe("a server render's snapshot in the page (the gateway's /portal answer, as planship-portal/ssr writes it)", () => {
  let traffic: ReturnType<typeof recordTraffic>;
  beforeEach(() => (traffic = recordTraffic()));
  afterEach(() => {
    traffic.restore();
    fixtureCleanup();
    document.querySelectorAll('script[data-planship-snapshot]').forEach((script) => script.remove());
  });

  /** A visitor's page with `snapshot` (raw text) left by a server render, then the portal. */
  async function visitorPage(snapshot: string | undefined) {
    const ports = await gateways();
    document.cookie = 'session=; path=/; max-age=0';
    const apiUrl = `${location.protocol}//${location.hostname}:${ports.wsPort}/planship`;
    if (snapshot !== undefined) {
      const script = Object.assign(document.createElement('script'), { type: 'application/json', textContent: snapshot });
      script.dataset.planshipSnapshot = PRODUCT;
      document.body.append(script);
    }
    const seenAtFirstRender: boolean[] = [];
    const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${apiUrl}>
      <planship-plan-picker></planship-plan-picker>
    </planship-provider>`);
    seenAtFirstRender.push(Boolean(radio(provider, 'pro')));
    await waitUntil(() => radio(provider, 'pro')?.textContent?.trim() === 'Get started with Pro', 'no plans', { timeout: 8000 });
    return { provider, shownAtFirstRender: seenAtFirstRender[0], portalReads: () => traffic.seen.urls.filter((url) => new URL(url).pathname.endsWith('/portal')).length };
  }

  it('a snapshot: the plans at first render with no request for them; the script is used once and gone', async () => {
    const ports = await gateways();
    // What the host's server render would write: the gateway's /portal answer for this visitor.
    const answer = await (await fetch(`${location.protocol}//${location.hostname}:${ports.wsPort}/planship/portal`, { credentials: 'omit' })).text();
    traffic.seen.urls.length = 0;
    const { shownAtFirstRender, portalReads } = await visitorPage(answer);
    expect(shownAtFirstRender, 'the plans with the first render').to.equal(true);
    expect(portalReads()).to.equal(0);
    expect(document.querySelector('script[data-planship-snapshot]')).to.equal(null);
  });

  for (const [name, text] of [['null', 'null'], ['an array', '[1]'], ['cut-off JSON', '{"plans":']] as const) {
    it(`a snapshot that is ${name}: ignored, the page asks /portal as usual`, async () => {
      const { shownAtFirstRender, portalReads } = await visitorPage(text);
      expect(shownAtFirstRender).to.equal(false);
      expect(portalReads()).to.equal(1);
    });
  }
});

describe('invitations through the gateway (an offer the invitee accepts)', () => {
  afterEach(() => fixtureCleanup());

  const members = (provider: PlanshipProvider) => shadow(provider, 'planship-subscription-manager').querySelector('[part~="members"]')?.shadowRoot as ShadowRoot;
  const mailedTo = (to: string) => executeServerCommand<string | null, object>('planship-gateway-outbox', { to });
  /** The host's sign-in on this browser: the cookie now names another user. */
  const signIn = (userId: string, plan?: string) =>
    executeServerCommand<string, object>('planship-gateway-session', { transport: 'ws', userId, plan }).then((session) => {
      document.cookie = `session=${session}; path=/; SameSite=Lax`;
    });

  async function invitationPage(id: string) {
    const ports = await gateways();
    return fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${`${location.protocol}//${location.hostname}:${ports.wsPort}/planship`}>
      <planship-invitation invitation=${id}></planship-invitation>
      <planship-subscription-manager></planship-subscription-manager>
    </planship-provider>`);
  }

  it('invited by email: waiting with the typed address, accepted by the invitee on their own page, then a member', async () => {
    const { provider, userId } = await mountThroughGateway('ws', 'starter');
    await waitUntil(() => members(provider)?.querySelector('[part~="invite-form"]'), 'no invite form (the gateway offers invites)', { timeout: 8000 });
    const form = members(provider);
    const email = form.querySelector<HTMLInputElement>('#invite')!;
    const friend = `Friend-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    email.value = friend;
    email.dispatchEvent(new Event('input'));
    form.querySelector<HTMLButtonElement>('[part~="invite-button"]')!.click();
    await waitUntil(() => form.querySelector('[part~="invitation"]'), 'the invitation is not listed', { timeout: 8000 });
    expect(form.querySelector('[part~="invitation-email"]')!.textContent).to.equal(friend, 'the address as typed');
    expect(form.querySelectorAll('[part~="member"]').length, 'not a member before accepting').to.equal(1);
    expect(email.value).to.equal('');
    await expect(provider).to.be.accessible();

    const link = await mailedTo(friend);
    expect(link).to.match(/\?planship-invitation=[A-Za-z0-9_-]{20,}$/);
    const id = new URL(link!).searchParams.get('planship-invitation')!;

    // Someone else opening the link sees no offer, in words.
    fixtureCleanup();
    await signIn(`someone-else-${Date.now()}@example.com`);
    const stranger = await invitationPage(id);
    const offerOf = (page: PlanshipProvider) => page.querySelector('planship-invitation')!.shadowRoot!;
    await waitUntil(() => offerOf(stranger).querySelector('[part~="error"]'), 'no refusal shown', { timeout: 8000 });
    expect(offerOf(stranger).querySelector('[part~="error"]')!.textContent!.trim()).to.match(/^This invitation is not for the account you are signed in with/);
    expect(offerOf(stranger).querySelector('[part~="accept-button"]')).to.equal(null);

    // The invitee, signed in as that address (no Planship customer yet), accepts.
    fixtureCleanup();
    await signIn(friend.toLowerCase());
    const page = await invitationPage(id);
    await waitUntil(() => offerOf(page).querySelector('[part~="accept-button"]'), 'no offer shown', { timeout: 8000 });
    expect(offerOf(page).querySelector('[part~="message"]')!.textContent!.replace(/\s+/g, ' ')).to.match(/Gateway Page invited you to join their Starter team\./);
    await expect(page).to.be.accessible();
    const answers: boolean[] = [];
    page.addEventListener('planship-invitation-answer', (event) => answers.push(event.accepted));
    offerOf(page).querySelector<HTMLButtonElement>('[part~="accept-button"]')!.click();
    await waitUntil(() => offerOf(page).querySelector('[part~="answer"]'), 'no answer shown', { timeout: 8000 });
    expect(offerOf(page).querySelector('[part~="answer"]')!.textContent).to.equal('You joined the Starter team.');
    expect(answers).to.deep.equal([true]);
    // Their own manager shows the team's subscription at once.
    await waitUntil(() => shadow(page, 'planship-subscription-manager').querySelector('[part~="plan-name"]')?.textContent === 'Starter', 'the team plan is not shown', { timeout: 8000 });

    const customerId = (await adminOn('ws', 'GET', `/api/v1/customers/${encodeURIComponent(userId)}`)).body.id;
    const [subscription] = (await adminOn('ws', 'GET', `/api/v1/customers/${customerId}/subscriptions`)).body;
    const listed = (await adminOn('ws', 'GET', `/api/v1/customers/${customerId}/subscriptions/${subscription.subscription_id}/customers`)).body;
    expect(listed).to.have.length(2);
    page.setAttribute('theme', 'dark');
    await transitionsDone();
    await expect(page).to.be.accessible();
  });

  it('an administrator withdraws an invitation; too many waiting are refused in words, with no Retry', async () => {
    const { provider } = await mountThroughGateway('ws', 'business');
    await waitUntil(() => members(provider)?.querySelector('[part~="invite-form"]'), 'no invite form', { timeout: 8000 });
    const form = members(provider);
    const email = form.querySelector<HTMLInputElement>('#invite')!;
    const invite = (address: string) => {
      email.value = address;
      email.dispatchEvent(new Event('input'));
      form.querySelector<HTMLButtonElement>('[part~="invite-button"]')!.click();
    };
    const unique = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    invite(`one-${unique}@example.com`);
    await waitUntil(() => form.querySelectorAll('[part~="invitation"]').length === 1, 'not listed', { timeout: 8000 });
    form.querySelector<HTMLButtonElement>('[part~="withdraw-button"]')!.click();
    await waitUntil(() => form.querySelectorAll('[part~="invitation"]').length === 0, 'not withdrawn', { timeout: 8000 });
    for (let index = 0; index < 20; index += 1) {
      invite(`many-${index}-${unique}@example.com`);
      await waitUntil(() => form.querySelectorAll('[part~="invitation"]').length === index + 1, `invitation ${index} not listed`, { timeout: 8000 });
    }
    invite(`too-many-${unique}@example.com`);
    await waitUntil(() => form.querySelector('[part~="action-error"]'), 'no error shown', { timeout: 8000 });
    expect(form.querySelector('[part~="action-error"]')!.textContent!.trim()).to.equal(
      'Too many invitations are waiting for an answer or were sent today: withdraw one, or try again tomorrow.',
    );
    expect(form.querySelector('[part~="retry-button"]')).to.equal(null);
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

describe('a page of another site with the victim\'s cookie (same site, another port)', () => {
  it('cannot open their live socket, their event stream or their /portal; their own tab keeps its stream', async () => {
    const { port, session } = await executeServerCommand<{ port: string; session: string }, object>('planship-foreign-gateway', { step: 'start' });
    // SameSite=Lax: the browser sends it to another port of the same site.
    document.cookie = `session=${session}; path=/; SameSite=Lax`;
    const base = `${location.protocol}//${location.hostname}:${port}/planship`;
    const live = `${base}/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`;
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(live.replace(/^http/, 'ws'));
          socket.onopen = () => resolve('opened');
          socket.onmessage = () => resolve('frame');
          socket.onclose = () => resolve('refused');
        }),
      ),
    );
    expect([...new Set(outcomes)]).to.deep.equal(['refused']);
    const streams = await Promise.all(
      Array.from({ length: 10 }, () =>
        new Promise<string>((resolve) => {
          const source = new EventSource(live, { withCredentials: true });
          source.onmessage = () => (source.close(), resolve('frame'));
          source.onerror = () => (source.close(), resolve('refused'));
        }),
      ),
    );
    expect([...new Set(streams)]).to.deep.equal(['refused']);
    const portal = await fetch(`${base}/portal`, { credentials: 'include' }).then((answer) => `read ${answer.status}`, () => 'refused');
    expect(portal).to.equal('refused');
    const state = await executeServerCommand<{ livePages: number; ownOpen: boolean; ownGotChange: boolean; customerReads: number }, object>('planship-foreign-gateway', { step: 'state', session });
    expect(state).to.deep.equal({ livePages: 1, ownOpen: true, ownGotChange: true, customerReads: 0 });
    document.cookie = 'session=; path=/; max-age=0';
  });
});

describe('the gateway loses Planship while the page is open', () => {
  afterEach(() => fixtureCleanup());

  it('the page says it is reconnecting (not live) until Planship is back, then live with fresh numbers', async () => {
    const { port, session } = await executeServerCommand<{ port: string; session: string }, object>('planship-restartable-gateway', { step: 'start' });
    document.cookie = `session=${session}; path=/; SameSite=Lax`;
    const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${`${location.protocol}//${location.hostname}:${port}/planship`}>
      <planship-usage-meter lever="api-calls"></planship-usage-meter>
    </planship-provider>`);
    await waitUntil(() => provider.getAttribute('connection') === 'live' && meterNow(provider) === '0', 'never live', { timeout: 8000 });
    await executeServerCommand('planship-restartable-gateway', { step: 'stop-planship' });
    await waitUntil(() => provider.getAttribute('connection') === 'reconnecting', 'still says live with Planship gone', { timeout: 8000 });
    const meter = shadow(provider, 'planship-usage-meter');
    expect(meter.querySelector('[part~="stale"]')?.textContent).to.match(/Reconnecting/);
    await expect(provider).to.be.accessible();
    await executeServerCommand('planship-restartable-gateway', { step: 'start-planship' });
    await waitUntil(() => provider.getAttribute('connection') === 'live', 'never live again', { timeout: 15000 });
    document.cookie = 'session=; path=/; max-age=0';
  });
});
