// One failure, one error box per provider: with the API down, the first element in the page shows
// the error and its Retry; the others say where to look (the gate shows nothing), never content
// they do not have; one Retry re-runs every element's read.
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import '../../src/index.ts';
import type { TokenGetter } from '../../src/client/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { PRODUCT, createCustomer, customerToken, deepElements, mountProvider, serverInfo, until } from './helpers.ts';

const elements = html`<planship-plan-picker></planship-plan-picker>
  <planship-subscription-manager></planship-subscription-manager>
  <planship-usage-meter lever="api-calls"></planship-usage-meter>
  <planship-usage-meter lever="api-burst"></planship-usage-meter>
  <planship-entitlement lever="sso"><span>SSO settings</span><span slot="denied">Upgrade for SSO</span></planship-entitlement>`;

const all = (root: Element, selector: string) => deepElements(root).filter((element) => element.matches(selector));
const inShadow = (host: Element, selector: string) => host.shadowRoot!.querySelector(selector);
const frame = () => new Promise(requestAnimationFrame);

/** The five elements: one box (in the first, the picker) with its Retry, notes in the others, nothing in the gate. */
async function expectOneBox(provider: PlanshipProvider, words: RegExp) {
  const gate = provider.querySelector('planship-entitlement')!;
  // The gate's read may fail a moment after the others' (until then it shows its loading slot).
  const gateSlots = () => gate.shadowRoot!.querySelectorAll('slot').length;
  await until(() => all(provider, '[part~=error]').length === 1 && all(provider, '[part~=error-note]').length === 3 && gateSlots() === 0, 'not one box, three notes and an empty gate');
  // Stays so (nothing hands the box back and forth).
  await frame();
  await frame();
  const [picker, manager, ...meters] = [...provider.querySelectorAll('planship-plan-picker, planship-subscription-manager, planship-usage-meter')];
  const box = inShadow(picker, '[part~=error]')!;
  expect(box, 'the box is in the first element').to.exist;
  expect(box.getAttribute('role')).to.equal('alert');
  expect(box.textContent).to.match(words);
  expect(box.querySelectorAll('[part~=retry-button]').length).to.equal(1);
  expect(all(provider, '[part~=error]').length).to.equal(1);
  expect(all(provider, '[part~=retry-button]').length).to.equal(1);
  expect(all(provider, '[role=alert]').length).to.equal(1);
  // The live connection is down too, but no element adds "Reconnecting… numbers may be out of date" to an error.
  expect(provider.getAttribute('connection')).to.equal('reconnecting');
  expect(all(provider, '[part~=stale]').length).to.equal(0);
  for (const other of [manager, ...meters]) {
    const note = inShadow(other, '[part~=error-note]')!;
    expect(note.textContent).to.equal('Not available: see the message above.');
    expect(note.hasAttribute('role')).to.equal(false);
    // Nothing of the content, nor the loading placeholder.
    expect(inShadow(other, '[part~=loading], [part~=subscription], [part~=empty], [role=meter]') === null).to.equal(true);
  }
  // Counts and booleans, not elements: a failed assertion holding an element cannot be reported.
  expect(gateSlots(), 'the gate shows neither its content nor its denied content').to.equal(0);
  expect(gate.hasAttribute('allowed')).to.equal(false);
  return box;
}

describe('one error box per failure and provider', () => {
  afterEach(() => fixtureCleanup());

  for (const theme of ['light', 'dark'] as const) {
    it(`the API down: one box with Retry in the first element, notes in the others; Retry loads all of them (${theme})`, async () => {
      const id = await createCustomer({ plan: 'pro' });
      let down = true;
      let reads = 0;
      const getter: TokenGetter = async () => {
        reads += 1;
        if (down) throw new Error('token service down');
        return customerToken(id);
      };
      // The live connection stays down (nothing listens there): only Retry can load anything.
      const { url } = await serverInfo();
      const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} customer-id=${id} theme=${theme}
        api-url=${url} ws-url="ws://127.0.0.1:9" .getAccessToken=${getter}>${elements}</planship-provider>`);
      const box = await expectOneBox(provider, /Could not sign in to the billing service/);
      await expect(provider).to.be.accessible();

      down = false;
      const before = reads;
      box.querySelector<HTMLButtonElement>('[part~=retry-button]')!.click();
      const [picker, manager, api, burst] = [...provider.querySelectorAll('planship-plan-picker, planship-subscription-manager, planship-usage-meter')];
      await until(() => inShadow(picker, '[role=radio]'), 'the picker did not load');
      await until(() => inShadow(manager, '[part~=plan-name]')?.textContent === 'Pro', 'the manager did not load');
      await until(() => inShadow(api, '[role=meter]') && inShadow(burst, '[role=meter]'), 'the meters did not load');
      await until(() => provider.querySelector('planship-entitlement')!.hasAttribute('allowed'), 'the gate did not load');
      expect(reads).to.be.above(before);
      expect(all(provider, '[part~=error], [part~=error-note]').length).to.equal(0);
    });
  }

  it('a server that refuses connections: one box (network words), the same notes', async () => {
    const id = await createCustomer({ plan: 'pro' });
    // Nothing listens on the discard port (and browsers refuse it anyway): every request fails as
    // a network error, before any answer.
    const provider = await fixture<PlanshipProvider>(html`<planship-provider product-slug=${PRODUCT} customer-id=${id}
      api-url="http://127.0.0.1:9" ws-url="ws://127.0.0.1:9" .getAccessToken=${async () => customerToken(id)}>${elements}</planship-provider>`);
    await expectOneBox(provider, /Could not reach the billing service/);
    await expect(provider).to.be.accessible();
  });

  it('the box moves to the next element when the first one leaves, and the note there turns into it', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(id, elements, async () => {
      throw new Error('token service down');
    });
    await expectOneBox(provider, /Could not sign in/);
    provider.querySelector('planship-plan-picker')!.remove();
    const manager = provider.querySelector('planship-subscription-manager')!;
    await until(() => inShadow(manager, '[part~=error]'), 'the box did not move to the manager');
    expect(inShadow(manager, '[part~=error]')!.getAttribute('role')).to.equal('alert');
    expect(all(provider, '[part~=error]').length).to.equal(1);
    expect(all(provider, '[part~=error-note]').length).to.equal(2);
  });
});
