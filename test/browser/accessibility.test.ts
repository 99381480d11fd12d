// axe (contrast included) over every element in every state it can reach, in both themes:
// loading, error, empty, content and each confirmation dialog open. Plus heading levels.
import { expect, fixtureCleanup, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/index.ts';
import type { TokenGetter } from '../../src/client/index.ts';
import { createCustomer, deepElements, deepQuery, mountProvider, slowTokenGetter, until } from './helpers.ts';

const everything = html`<planship-customer-portal></planship-customer-portal>
  <planship-usage-meter lever="api-calls" show-buckets></planship-usage-meter>
  <planship-entitlement lever="sso"><span>SSO settings</span><span slot="denied">Upgrade for SSO</span></planship-entitlement>`;

async function mount(theme: string, customerId: string, children: TemplateResult = everything, getter?: TokenGetter) {
  const provider = await mountProvider(customerId, children, getter);
  provider.setAttribute('theme', theme);
  return provider;
}

const count = (root: Element, selector: string) => deepElements(root).filter((element) => element.matches(selector)).length;

describe('accessibility in every state', () => {
  afterEach(() => fixtureCleanup());

  for (const theme of ['light', 'dark'] as const) {
    it(`is clean in loading, error, empty, content and dialog states (${theme})`, async () => {
      const id = await createCustomer({ plan: 'pro', maxSubscribers: 3 });

      const slow = slowTokenGetter(id);
      const loading = await mount(theme, id, everything, async () => {
        await slow.getter();
        throw new Error('token endpoint down');
      });
      await until(() => count(loading, '[part~=loading]') >= 3, 'not loading');
      await expect(loading, 'loading').to.be.accessible();
      slow.release();
      // One error box, the other elements point at it.
      await until(() => count(loading, '[part~=error]') === 1 && count(loading, '[part~=error-note]') >= 3, 'no errors');
      await expect(loading, 'error').to.be.accessible();
      fixtureCleanup();

      const empty = await mount(theme, await createCustomer());
      await until(() => deepQuery(empty, 'planship-subscription-manager [part~=empty], [part~=empty]') && deepQuery(empty, '[role=radio]'), 'not empty');
      await until(() => count(empty, '[part~=empty]') >= 4, 'not every empty state');
      await expect(empty, 'empty').to.be.accessible();
      fixtureCleanup();

      const content = await mount(theme, id);
      await until(() => deepQuery(content, '[part~=member-list]') && deepQuery(content, '[role=radiogroup]') && count(content, '[role=meter]') >= 3, 'no content');
      await expect(content, 'content').to.be.accessible();

      deepQuery(content, '[role=radio][data-plan=starter]')!.click();
      await until(() => deepQuery<HTMLDialogElement>(content, 'planship-plan-picker dialog, dialog[open]')?.open, 'no downgrade dialog');
      await expect(content, 'downgrade dialog').to.be.accessible();
      deepQuery<HTMLButtonElement>(content, 'dialog[open] [part~=dialog-cancel]')!.click();
      await until(() => !deepQuery(content, 'dialog[open]'), 'dialog stayed open');

      deepQuery(content, '[part~=cancel-button]')!.click();
      await until(() => deepQuery(content, 'dialog[open]'), 'no cancel dialog');
      await expect(content, 'cancel dialog').to.be.accessible();
      deepQuery<HTMLButtonElement>(content, 'dialog[open] [part~=dialog-cancel]')!.click();
    }).timeout(30000);
  }

  it('puts headings at the levels the host asks for (heading-level), the portal one above its parts', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(
      id,
      html`<planship-customer-portal heading-level="3"></planship-customer-portal>
        <planship-subscription-manager heading-level="2"></planship-subscription-manager>
        <planship-plan-picker heading-level="9"></planship-plan-picker>`,
    );
    const standalone = provider.querySelector(':scope > planship-plan-picker')!;
    await until(() => count(provider, '[part~=members-heading]') === 2 && standalone.shadowRoot!.querySelector('[part~=name]'), 'not loaded');
    const levels = (selector: string) => deepElements(provider).filter((element) => element.matches(selector)).map((element) => element.getAttribute('aria-level'));
    expect(levels('[part~=heading]')).to.deep.equal(['3', '3', '3']);
    // Out of range (9): the element's default, 3.
    expect(new Set(levels('[part~=name]'))).to.deep.equal(new Set(['4', '3']));
    expect(standalone.shadowRoot!.querySelector('[part~=name]')!.getAttribute('aria-level')).to.equal('3');
    expect(levels('[part~=plan-name]')).to.deep.equal(['4', '2']);
    expect(levels('[part~=members-heading]')).to.deep.equal(['5', '3']);
  });
});
