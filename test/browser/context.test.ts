// The context protocol between providers and elements (src/components/shared/context.ts) is the
// community one: code written with @lit/context finds our providers, and our elements find a
// provider written with it. Providers that appear late take over the elements inside them.
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import { ContextConsumer, ContextProvider } from '@lit/context';
import '../../src/index.ts';
import { PlanshipCustomer } from '../../src/client/index.ts';
import { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { PlanshipElement } from '../../src/components/shared/planship-element.ts';
import { AlertGroups } from '../../src/components/shared/alert-groups.ts';
import { planshipClientContext, planshipServicesContext, type ProviderServices } from '../../src/components/shared/context.ts';
import type { PlanshipEntitlement } from '../../src/components/entitlement/entitlement.ts';
import { PRODUCT, createCustomer, mountProvider, serverInfo, tokenGetter } from './helpers.ts';

let tagCount = 0;

/** An element of someone else's, reading our client with @lit/context's own consumer. */
class LitContextReader extends LitElement {
  readonly consumer = new ContextConsumer(this, { context: planshipClientContext, subscribe: true });
}
customElements.define('lit-context-reader', LitContextReader);

/** A portal element under a fresh tag that shows the client it was given. */
function defineProbe() {
  const tag = `context-probe-${tagCount++}`;
  customElements.define(
    tag,
    class extends PlanshipElement {
      get givenClient() {
        return this.client;
      }
    },
  );
  return tag;
}

type Probe = HTMLElement & { givenClient?: PlanshipCustomer };

describe('context protocol', () => {
  afterEach(() => fixtureCleanup());

  it('a consumer made with @lit/context gets the provider client, and the next one when it changes', async () => {
    const pro = await createCustomer({ plan: 'pro' });
    const starter = await createCustomer({ plan: 'starter' });
    const provider = await mountProvider(pro, html`<lit-context-reader></lit-context-reader>`);
    const reader = provider.querySelector<LitContextReader>('lit-context-reader')!;
    expect(reader.consumer.value).to.be.instanceOf(PlanshipCustomer);
    expect(reader.consumer.value).to.equal(provider.client);
    provider.getAccessToken = tokenGetter(starter);
    provider.setAttribute('customer-id', starter);
    await provider.updateComplete;
    expect(reader.consumer.value!.customerId).to.equal(starter);
    expect(reader.consumer.value).to.equal(provider.client);
  });

  it('our elements take the client and services of a provider made with @lit/context', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { url, wsUrl } = await serverInfo();
    const client = new PlanshipCustomer(PRODUCT, id, tokenGetter(id), { baseUrl: url, webSocketUrl: wsUrl });
    const services: ProviderServices = { messageOverrides: () => undefined, announce: () => {}, alerts: new AlertGroups() };
    const tag = `lit-context-provider-${tagCount++}`;
    customElements.define(
      tag,
      class extends LitElement {
        readonly clientProvider = new ContextProvider(this, { context: planshipClientContext, initialValue: client });
        readonly servicesProvider = new ContextProvider(this, { context: planshipServicesContext, initialValue: services });
      },
    );
    const host = await fixture<HTMLElement>(`<${tag}><planship-entitlement lever="sso"><span id="yes">SSO</span></planship-entitlement></${tag}>`);
    const gate = host.querySelector<PlanshipEntitlement>('planship-entitlement')!;
    await waitUntil(() => gate.hasAttribute('allowed'), 'the gate never read through the @lit/context provider', { timeout: 5000 });
    client.dispose();
  });

  it('a provider upgraded inside another takes over the elements inside it, which leave the outer one', async () => {
    const outerId = await createCustomer({ plan: 'pro' });
    const innerId = await createCustomer({ plan: 'starter' });
    const anotherId = await createCustomer({ plan: 'starter' });
    const { url, wsUrl } = await serverInfo();
    const probeTag = defineProbe();
    const innerTag = `inner-provider-${tagCount++}`;
    const outer = await mountProvider(
      outerId,
      html`<div id="inner-home"></div>`,
    );
    outer.querySelector('#inner-home')!.innerHTML =
      `<${innerTag} product-slug="${PRODUCT}" customer-id="${innerId}" api-url="${url}" ws-url="${wsUrl}"><${probeTag}></${probeTag}></${innerTag}>`;
    const inner = outer.querySelector(innerTag) as PlanshipProvider;
    const probe = outer.querySelector(probeTag) as Probe;
    // Not upgraded yet: the outer provider answers.
    await waitUntil(() => probe.givenClient === outer.client, 'the outer provider never answered');
    inner.getAccessToken = tokenGetter(innerId);
    customElements.define(innerTag, class extends PlanshipProvider {});
    await waitUntil(() => probe.givenClient?.customerId === innerId, 'the inner provider never took over');
    expect(probe.givenClient).to.equal(inner.client);
    // The outer provider's next client no longer reaches it.
    outer.getAccessToken = tokenGetter(anotherId);
    outer.setAttribute('customer-id', anotherId);
    await outer.updateComplete;
    expect(outer.client!.customerId).to.equal(anotherId);
    expect(probe.givenClient).to.equal(inner.client);
  });
});
