// The colour scheme follows the host page (light when it says nothing), `theme` on an element
// or a provider overrides it, and controls keep 3:1 against their surface in both schemes.
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/index.ts';
import { createCustomer, mountProvider, until } from './helpers.ts';

const LIGHT_TEXT = 'rgb(27, 31, 36)';
const DARK_TEXT = 'rgb(230, 237, 243)';

/** WCAG contrast of two computed rgb() colors. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = color.match(/[\d.]+/g)!.slice(0, 3).map((channel) => {
      const c = Number(channel) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

async function mountManager(theme?: string) {
  const id = await createCustomer({ plan: 'pro', maxSubscribers: 3 });
  const provider = await mountProvider(id, html`<planship-subscription-manager></planship-subscription-manager>`);
  if (theme) provider.setAttribute('theme', theme);
  const manager = provider.querySelector('planship-subscription-manager')!;
  const members = () => manager.shadowRoot!.querySelector('[part~=members]')?.shadowRoot;
  await until(() => members()?.querySelector('#seats'), 'manager not loaded');
  return { provider, manager, members: members()! };
}

describe('colour scheme', () => {
  afterEach(async () => {
    fixtureCleanup();
    await emulateMedia({ colorScheme: 'light' });
    document.documentElement.style.removeProperty('color-scheme');
  });

  it('stays light on a light page whose system is dark', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    expect(matchMedia('(prefers-color-scheme: dark)').matches).to.equal(true);
    const { manager } = await mountManager();
    expect(getComputedStyle(manager).color).to.equal(LIGHT_TEXT);
    // Nothing painted of its own: the page's background shows through.
    expect(getComputedStyle(manager).backgroundColor).to.equal('rgba(0, 0, 0, 0)');
  });

  it("follows the page's own color-scheme", async () => {
    document.documentElement.style.setProperty('color-scheme', 'dark');
    const { manager } = await mountManager();
    expect(getComputedStyle(manager).color).to.equal(DARK_TEXT);
  });

  it('theme="auto" follows the system, on the element or inherited from the provider', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const { manager, provider } = await mountManager('auto');
    expect(getComputedStyle(manager).color).to.equal(DARK_TEXT);
    // A themed provider paints the surface behind its elements.
    expect(getComputedStyle(manager).backgroundColor).to.equal('rgb(22, 27, 34)');
    await emulateMedia({ colorScheme: 'light' });
    expect(getComputedStyle(manager).color).to.equal(LIGHT_TEXT);
    provider.setAttribute('theme', 'dark');
    expect(getComputedStyle(manager).color).to.equal(DARK_TEXT);
    // The element's own theme wins over the provider's.
    manager.setAttribute('theme', 'light');
    expect(getComputedStyle(manager).color).to.equal(LIGHT_TEXT);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`controls reach 3:1 against their surface (${theme}): input and button borders, focus ring`, async () => {
      const { manager, members } = await mountManager(theme);
      const surface = getComputedStyle(manager.shadowRoot!.querySelector('[part~=subscription]')!).backgroundColor;
      const input = members.querySelector<HTMLInputElement>('#seats')!;
      expect(contrast(getComputedStyle(input).borderTopColor, surface), 'input border').to.be.at.least(3);
      const button = members.querySelector<HTMLElement>('[part~=seats-button]')!;
      expect(contrast(getComputedStyle(button).borderTopColor, surface), 'button border').to.be.at.least(3);
      input.focus();
      expect(getComputedStyle(input).outlineStyle, 'our focus ring, not the browser default').to.equal('solid');
      expect(contrast(getComputedStyle(input).outlineColor, surface), 'focus ring').to.be.at.least(3);
      for (const button of manager.shadowRoot!.querySelectorAll('button'))
        expect(contrast(getComputedStyle(button).color, getComputedStyle(button).backgroundColor), button.textContent!).to.be.at.least(4.5);
    });
  }

  it('paints its own surface with an explicit theme on a page of the other scheme', async () => {
    const meter = await fixture(html`<planship-usage-meter theme="dark" lever="x"></planship-usage-meter>`);
    expect(getComputedStyle(meter).backgroundColor).to.equal('rgb(22, 27, 34)');
    expect(getComputedStyle(meter).color).to.equal(DARK_TEXT);
  });
});
