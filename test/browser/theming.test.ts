import { expect, html } from '@open-wc/testing';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { mountProvider, subscribedCustomer, transitionsDone, until } from './helpers.ts';

const inShadow = (host: Element | null | undefined, selector: string) => host?.shadowRoot?.querySelector<HTMLElement>(selector) ?? null;

/** The accent as each element paints it: picker button, meter bar, manager's resume button, nested members badge. */
function accents(provider: PlanshipProvider): Record<string, string> {
  const picker = provider.querySelector('planship-plan-picker');
  const meter = provider.querySelector('planship-usage-meter');
  const manager = provider.querySelector('planship-subscription-manager');
  return {
    pickerButton: getComputedStyle(inShadow(picker, '[role=radio][aria-checked=true]')!).color,
    meterBar: getComputedStyle(inShadow(meter, '[part~=indicator]')!).backgroundColor,
    managerButton: getComputedStyle(inShadow(manager, '[part~=resume-button]')!).backgroundColor,
    membersBadge: getComputedStyle(inShadow(inShadow(manager, '[part~=members]'), '[part~=admin-badge]')!).color,
  };
}

const all = (color: string) => ({ pickerButton: color, meterBar: color, managerButton: color, membersBadge: color });

describe('theming with --planship-* tokens', () => {
  afterEach(() => document.documentElement.style.removeProperty('--planship-color-accent'));

  for (const theme of ['light', 'dark'] as const) {
    it(`takes a token set on :root or on the provider, in every element (${theme})`, async () => {
      // Cancelled (at the end of the period): the manager shows its primary Resume button.
      const { id } = await subscribedCustomer('pro', { auto_renew: false });
      const provider = await mountProvider(
        id,
        html`<planship-plan-picker theme=${theme}></planship-plan-picker>
          <planship-usage-meter lever="api-calls" theme=${theme}></planship-usage-meter>
          <planship-subscription-manager theme=${theme}></planship-subscription-manager>`,
      );
      await until(() => {
        try {
          return Object.values(accents(provider)).every(Boolean);
        } catch {
          return false;
        }
      }, 'the elements did not load');

      // The built-in default follows the theme.
      await transitionsDone();
      expect(accents(provider)).to.deep.equal(all(theme === 'light' ? 'rgb(11, 87, 208)' : 'rgb(124, 172, 248)'));

      document.documentElement.style.setProperty('--planship-color-accent', 'rgb(1, 2, 3)');
      await transitionsDone();
      expect(accents(provider)).to.deep.equal(all('rgb(1, 2, 3)'));

      // Nearer wins: the provider's value over the page's.
      provider.style.setProperty('--planship-color-accent', 'rgb(4, 5, 6)');
      await transitionsDone();
      expect(accents(provider)).to.deep.equal(all('rgb(4, 5, 6)'));
    });
  }
});
