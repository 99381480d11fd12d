// The pricing page for visitors, in Chromium: with no backend at all (Planship's public catalog
// route: organization-slug, no token source), every public plan with its entitlements as a call
// to action, with no token, no cookie and no socket; an unknown organization in words; and back
// signed in, an account page opened with ?plan=...&interval=... offers that plan at once.
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';

const PRODUCT = 'acme-analytics';
const server = () => executeServerCommand<{ url: string }, undefined>('planship-server');
const shadow = (root: ParentNode, selector: string) => (root.querySelector(selector) as Element).shadowRoot!;

describe('a static pricing page with no backend (Planship\'s public route)', () => {
  let requests: { url: string; credentials?: RequestCredentials; authorization: boolean }[];
  let sockets: number;
  const realFetch = window.fetch;
  const RealWebSocket = window.WebSocket;
  beforeEach(() => {
    requests = [];
    sockets = 0;
    window.fetch = (input, init) => {
      requests.push({ url: String(input), credentials: init?.credentials, authorization: new Headers(init?.headers).has('authorization') });
      return realFetch(input, init);
    };
    window.WebSocket = class extends RealWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        sockets += 1;
        super(url, protocols);
      }
    };
  });
  afterEach(() => {
    window.fetch = realFetch;
    window.WebSocket = RealWebSocket;
    fixtureCleanup();
  });

  it('shows every public plan with its entitlements as calls to action, reading only the public route, with no credentials', async () => {
    const { url } = await server();
    const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} organization-slug="acme" api-url=${url} signup-url="https://app.example/signup">
      <planship-plan-picker></planship-plan-picker>
    </planship-provider>`);
    const picker = shadow(provider, 'planship-plan-picker');
    await waitUntil(() => picker.querySelector('[role=radio][data-plan="pro"]'), 'no plans', { timeout: 8000 });
    const names = [...picker.querySelectorAll('[part~="name"]')].map((name) => name.textContent);
    expect(names).to.include.members(['Free', 'Starter', 'Pro', 'Business']);
    expect(names).to.not.include('Legacy 2019', 'a plan that is not public');
    expect(picker.querySelector('[role=radio][data-plan="pro"]')!.textContent!.trim()).to.equal('Get started with Pro');
    const features = [...picker.querySelectorAll('[data-plan="pro"] [part~="entitlements"] li')].map((item) => item.textContent);
    expect(features).to.include('Single sign-on');
    expect(requests.length).to.be.greaterThan(0);
    for (const request of requests) {
      expect(new URL(request.url).pathname).to.match(/^\/api\/v1\/public\/acme\/acme-analytics\/plans/);
      expect(request.credentials).to.equal('omit');
      expect(request.authorization).to.equal(false);
    }
    expect(sockets, 'nothing live for a visitor').to.equal(0);
    await expect(provider).to.be.accessible();
  });

  it('an unknown organization: an error state in words, no Retry', async () => {
    const { url } = await server();
    const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} organization-slug="nobody" api-url=${url}>
      <planship-plan-picker></planship-plan-picker>
    </planship-provider>`);
    const picker = shadow(provider, 'planship-plan-picker');
    await waitUntil(() => picker.querySelector('[part~="error"]'), 'no error state', { timeout: 8000 });
    expect(picker.querySelector('[part~="error"]')!.textContent!.trim()).to.match(/^These plans cannot be shown: the product or organization was not found/);
    expect(picker.querySelector('[part~="retry-button"]')).to.equal(null);
    await expect(provider).to.be.accessible();
  });
});

describe('back signed in from sign-up (?plan=...&interval=...)', () => {
  afterEach(() => fixtureCleanup());

  it('the account page offers that plan\'s confirmation at once, and the parameters leave the address', async () => {
    const ports = await executeServerCommand<{ wsPort: string }, undefined>('planship-gateways');
    const userId = `from-signup-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    const session = await executeServerCommand<string, object>('planship-gateway-session', { transport: 'ws', userId, plan: 'free' });
    document.cookie = `session=${session}; path=/; SameSite=Lax`;
    const before = location.href;
    history.replaceState(null, '', `${location.pathname}${location.search ? `${location.search}&` : '?'}plan=pro&interval=month`);
    try {
      const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} api-url=${`${location.protocol}//${location.hostname}:${ports.wsPort}/planship`}>
        <planship-plan-picker></planship-plan-picker>
      </planship-provider>`);
      const picker = shadow(provider, 'planship-plan-picker');
      await waitUntil(() => picker.querySelector('dialog[open]'), 'no confirmation offered', { timeout: 8000 });
      expect(picker.querySelector('[part~="dialog-heading"]')!.textContent).to.equal('Switch to Pro?');
      expect(location.search).to.not.match(/[?&](plan|interval)=/);
    } finally {
      history.replaceState(null, '', before);
    }
  });
});
