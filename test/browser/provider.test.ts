import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../../src/index.ts';
import { PlanshipCustomer } from '../../src/client/index.ts';
import { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { PlanshipElement } from '../../src/components/shared/planship-element.ts';
import type { PlanshipEntitlement } from '../../src/components/entitlement/entitlement.ts';
import type { PlanshipUsageMeter } from '../../src/components/usage-meter/usage-meter.ts';
import { PRODUCT, admin, createCustomer, customerToken, mountProvider, ownServer, serverInfo, tokenGetter } from './helpers.ts';

let tagCount = 0;

/** A bare portal element, defined under a fresh tag, that shows the client it was given. */
function defineProbe() {
  const tag = `provider-probe-${tagCount++}`;
  class Probe extends PlanshipElement {
    get givenClient() {
      return this.client;
    }
  }
  customElements.define(tag, Probe);
  return tag;
}

const ssoGate = html`<planship-entitlement lever="sso"><span id="yes">SSO</span><span id="no" slot="denied">No SSO</span></planship-entitlement>`;

const live = (provider: PlanshipProvider) =>
  waitUntil(() => provider.getAttribute('connection') === 'live', 'provider never went live', { timeout: 5000 });

describe('<planship-provider>', () => {
  afterEach(() => fixtureCleanup());

  it('builds one client from its attributes, provides it and goes live', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(id, ssoGate);
    const client = provider.client!;
    expect(client).to.be.instanceOf(PlanshipCustomer);
    expect(client.productSlug).to.equal(PRODUCT);
    expect(client.customerId).to.equal(id);
    await live(provider);
    const gate = provider.querySelector<PlanshipEntitlement>('planship-entitlement')!;
    await waitUntil(() => gate.hasAttribute('allowed'), 'child never used the client', { timeout: 5000 });
    expect(getComputedStyle(provider).display).to.equal('contents');
    await expect(provider).to.be.accessible();
  });

  it('replaces the client when an attribute changes and disposes the old one', async () => {
    const pro = await createCustomer({ plan: 'pro' });
    const starter = await createCustomer({ plan: 'starter' });
    const provider = await mountProvider(pro, ssoGate);
    const gate = provider.querySelector<PlanshipEntitlement>('planship-entitlement')!;
    await waitUntil(() => gate.hasAttribute('allowed'), 'pro never allowed', { timeout: 5000 });
    const first = provider.client!;
    provider.getAccessToken = tokenGetter(starter);
    provider.setAttribute('customer-id', starter);
    await provider.updateComplete;
    const second = provider.client!;
    expect(second).to.not.equal(first);
    expect(second.customerId).to.equal(starter);
    expect(first.connectionState).to.equal('closed');
    await waitUntil(() => gate.querySelector('#no')!.assignedSlot !== null, 'child did not follow the new customer', { timeout: 5000 });
    await live(provider);
  });

  it('keeps its client when only the token getter is replaced, and uses the new getter', async () => {
    // A server of its own: the test drops its sockets.
    const server = await ownServer();
    const id = await createCustomer({ plan: 'pro', server });
    const provider = await mountProvider(id, ssoGate, undefined, PRODUCT, server);
    await live(provider);
    const client = provider.client!;
    const next = tokenGetter(id, server);
    provider.getAccessToken = next;
    await provider.updateComplete;
    expect(provider.client).to.equal(client);
    // The server drops the socket; reconnecting forces a token refresh, which must reach the new getter.
    await admin('POST', '/__emulator/sockets/close', {}, server);
    await waitUntil(() => next.calls > 0, 'the new getter was never asked', { timeout: 8000 });
    await live(provider);
    expect(provider.client).to.equal(client);
  });

  it('disposes its client when removed and makes a new one when put back', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(id, ssoGate);
    await live(provider);
    const first = provider.client!;
    const parent = provider.parentElement!;
    provider.remove();
    expect(first.connectionState).to.equal('closed');
    await provider.updateComplete;
    expect(provider.getAttribute('connection')).to.equal('closed');
    parent.append(provider);
    await provider.updateComplete;
    expect(provider.client).to.not.equal(first);
    await live(provider);
  });

  it('uses a client the host brings and never disposes it', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { url, wsUrl } = await serverInfo();
    const own = new PlanshipCustomer(PRODUCT, id, tokenGetter(id), { baseUrl: url, webSocketUrl: wsUrl });
    const provider = await fixture<PlanshipProvider>(html`<planship-provider .client=${own}>
      <planship-entitlement lever="sso"><span>SSO</span></planship-entitlement>
    </planship-provider>`);
    expect(provider.client).to.equal(own);
    const gate = provider.querySelector<PlanshipEntitlement>('planship-entitlement')!;
    await waitUntil(() => gate.hasAttribute('allowed'), 'child never used the host client', { timeout: 5000 });
    await live(provider);
    provider.remove();
    expect(own.connectionState).to.not.equal('closed');
    own.dispose();
  });

  it('reads the token from token-url, as bare text or as JSON', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { url, wsUrl } = await serverInfo();
    const token = await customerToken(id);
    for (const tokenUrl of [`data:text/plain,${token}`, `data:application/json,${encodeURIComponent(JSON.stringify({ access_token: token }))}`]) {
      const provider = await fixture<PlanshipProvider>(html`<planship-provider
        product-slug=${PRODUCT} customer-id=${id} api-url=${url} ws-url=${wsUrl} token-url=${tokenUrl}>
        <planship-entitlement lever="sso"><span>SSO</span></planship-entitlement>
      </planship-provider>`);
      const gate = provider.querySelector<PlanshipEntitlement>('planship-entitlement')!;
      await waitUntil(() => gate.hasAttribute('allowed'), `no entitlements with ${tokenUrl.slice(0, 20)}`, { timeout: 5000 });
      fixtureCleanup();
    }
  });

  it('asks token-url with ?refresh=1 when the client forces a refresh (simulated host backend)', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { url } = await serverInfo();
    const asked: string[] = [];
    const realFetch = window.fetch;
    // Stands in for the host's own backend route, which the test server does not have.
    window.fetch = async (input, init) => {
      const target = String(input instanceof Request ? input.url : input);
      if (!target.includes('/host/token')) return realFetch(input, init);
      asked.push(target);
      return new Response(JSON.stringify({ access_token: await customerToken(id) }), {
        headers: { 'content-type': 'application/json' },
      });
    };
    try {
      const provider = await fixture<PlanshipProvider>(html`<planship-provider
        product-slug=${PRODUCT} customer-id=${id} api-url=${url} token-url="/host/token"></planship-provider>`);
      await live(provider);
      expect(asked.length).to.be.greaterThan(0);
      const { tokenUrlGetter } = await import('../../src/components/provider/token-url.ts');
      await tokenUrlGetter('/host/token')(true);
      expect(new URL(asked.at(-1)!).searchParams.get('refresh')).to.equal('1');
    } finally {
      window.fetch = realFetch;
    }
  });

  it('token-url answers keep expires_in: the getter resolves to { accessToken, expiresIn }', async () => {
    const { tokenUrlGetter } = await import('../../src/components/provider/token-url.ts');
    const json = (body: unknown) => `data:application/json,${encodeURIComponent(JSON.stringify(body))}`;
    expect(await tokenUrlGetter(json({ access_token: 'abc', expires_in: 900 }))()).to.deep.equal({ accessToken: 'abc', expiresIn: 900 });
    expect(await tokenUrlGetter(json({ access_token: 'abc' }))()).to.deep.equal({ accessToken: 'abc', expiresIn: undefined });
    expect(await tokenUrlGetter('data:text/plain,bare-token')()).to.deep.equal({ accessToken: 'bare-token', expiresIn: undefined });
  });

  it('resolves a relative api-url (same-origin proxy) against the page, sockets included', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const errors: Event[] = [];
    const provider = await fixture<PlanshipProvider>(html`<planship-provider
      product-slug=${PRODUCT} customer-id=${id} api-url="/planship" .getAccessToken=${tokenGetter(id)}
      @planship-error=${(event: Event) => errors.push(event)}></planship-provider>`);
    const client = provider.client!;
    expect(client.baseUrl).to.equal(`${location.origin}/planship`);
    expect(client.webSocketUrl).to.equal(`${location.origin.replace(/^http/, 'ws')}/planship`);
    expect(provider.shadowRoot!.querySelector('[role=alert]')).to.equal(null);
    expect(errors).to.have.length(0);
  });

  it('shows an error state (not an exception) for an api-url that is not a URL, and recovers when fixed', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { url, wsUrl } = await serverInfo();
    const errors: string[] = [];
    const provider = await fixture<PlanshipProvider>(html`<planship-provider
      product-slug=${PRODUCT} customer-id=${id} api-url="http://[not-a-host" ws-url=${wsUrl} .getAccessToken=${tokenGetter(id)}
      @planship-error=${(event: Event & { action: string }) => errors.push(event.action)}>${ssoGate}</planship-provider>`);
    expect(provider.client).to.equal(undefined);
    const alert = provider.shadowRoot!.querySelector('[role=alert]')!;
    expect(alert.textContent).to.contain('misconfigured');
    expect(alert.textContent).to.contain('http://[not-a-host');
    expect(errors).to.deep.equal(['configure']);
    await expect(provider).to.be.accessible();
    // Retrying the same configuration fails the same way (and says so once more).
    provider.shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
    await provider.updateComplete;
    expect(errors).to.deep.equal(['configure', 'configure']);
    provider.apiUrl = url;
    await provider.updateComplete;
    expect(provider.shadowRoot!.querySelector('[role=alert]')).to.equal(null);
    const gate = provider.querySelector<PlanshipEntitlement>('planship-entitlement')!;
    await waitUntil(() => gate.hasAttribute('allowed'), 'the fixed provider never served its child', { timeout: 5000 });
  });

  it('stays idle without a token source; its children wait for it rather than say they are not connected', async () => {
    const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} customer-id="nobody">
      <planship-usage-meter lever="api-calls"></planship-usage-meter>
    </planship-provider>`);
    expect(provider.client).to.equal(undefined);
    expect(provider.getAttribute('connection')).to.equal('idle');
    const meter = provider.querySelector('planship-usage-meter')!;
    await meter.updateComplete;
    // A provider is there, only still without a client (e.g. the host sets getAccessToken later).
    expect(meter.shadowRoot!.querySelector('[part~="empty"]')).to.equal(null);
    expect(meter.shadowRoot!.querySelector('[part~="loading"]')!.getAttribute('role')).to.equal('progressbar');
    await expect(meter).to.be.accessible();
    const id = await createCustomer({ plan: 'pro' });
    const { url, wsUrl } = await serverInfo();
    Object.assign(provider, { customerId: id, apiUrl: url, wsUrl, getAccessToken: tokenGetter(id) });
    await waitUntil(() => meter.hasAttribute('status'), 'the meter never loaded once the token source came', { timeout: 5000 });
  });

  it('says "not connected" only for an element outside any provider', async () => {
    const meter = await fixture<PlanshipUsageMeter>(html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`);
    expect(meter.shadowRoot!.querySelector('[part~="empty"]')!.textContent).to.contain('<planship-provider>');
    await expect(meter).to.be.accessible();
  });

  it('reaches children that asked before the provider was upgraded', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { url, wsUrl } = await serverInfo();
    const probeTag = defineProbe();
    const lateTag = `late-provider-${tagCount++}`;
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    container.innerHTML = `<${lateTag} product-slug="${PRODUCT}" customer-id="${id}" api-url="${url}" ws-url="${wsUrl}"><${probeTag}></${probeTag}></${lateTag}>`;
    const late = container.firstElementChild as PlanshipProvider;
    late.getAccessToken = tokenGetter(id);
    const probe = container.querySelector(probeTag) as HTMLElement & { givenClient?: PlanshipCustomer };
    expect(probe.givenClient).to.equal(undefined);
    customElements.define(lateTag, class extends PlanshipProvider {});
    await waitUntil(() => probe.givenClient !== undefined, 'late provider never reached the child');
    expect(probe.givenClient!.customerId).to.equal(id);
    late.remove();
  });
});
