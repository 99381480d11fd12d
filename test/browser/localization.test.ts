// Every shipped language, in every element's main states: no English message is left, numbers
// and dates follow the language, a change of `lang` at run time re-renders, Arabic is RTL, and
// the host's overrides win.
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/index.ts';
import { en, type PlanshipMessages } from '../../src/components/shared/messages.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import {
  PRODUCT,
  admin,
  createCustomer,
  deepElements,
  deepQuery,
  deepText,
  mountProvider,
  reportUsage,
  slowTokenGetter,
  subscribedCustomer,
  until,
} from './helpers.ts';

const LOCALES = ['de', 'fr', 'es', 'ja', 'ar'] as const;

const PRICES = {
  starter: { amount: 19, currency: 'EUR', interval: 'month' },
  pro: [{ amount: 49, currency: 'EUR', interval: 'month' }, { amount: 490, currency: 'EUR', interval: 'year' }],
};

/**
 * The fixed English wording of every message: strings as they are, functions split around their
 * values (each called with placeholders, once per plural and yes/no branch). Interval names are
 * checked on their own (the catalog's lever names say "per month" too).
 */
function englishFragments(): string[] {
  const fragments = new Set<string>();
  // The placeholders, and the plural count or yes/no a variant put last (never shown as such).
  const placeholder = /\u0001\d\u0001|\b1\b|\bfalse\b/;
  for (const [id, message] of Object.entries(en) as [keyof PlanshipMessages, unknown][]) {
    if (id === 'intervalNames') continue;
    let texts: string[] = [];
    if (typeof message === 'string') texts = [message];
    else if (typeof message === 'function') {
      const values = Array.from({ length: message.length }, (_, i) => `\u0001${i}\u0001`);
      texts = [message(...values), message(...values.slice(0, -1), 1), message(...values.slice(0, -1), false)];
    }
    for (const text of texts)
      for (const piece of text.replaceAll('<planship-provider>', '\u00010\u0001').split(placeholder)) {
        const fragment = piece.trim().replace(/^[\s.,:;!?()"“”]+|[\s.,:;!?()"“”]+$/g, '');
        if ((fragment.match(/[A-Za-z]/g) ?? []).length >= 3) fragments.add(fragment);
      }
  }
  return [...fragments];
}

const FRAGMENTS = englishFragments();
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATTERNS = FRAGMENTS.map((fragment) => [fragment, new RegExp(`(^|[^A-Za-z])${escape(fragment)}([^A-Za-z]|$)`)] as const);

/** The English messages showing below `root`. */
function englishIn(root: Node): string[] {
  const texts = deepText(root);
  return PATTERNS.filter(([, pattern]) => texts.some((text) => pattern.test(text))).map(([fragment]) => fragment);
}

/** Every element in its content state for an administrator of a team subscription. */
async function mountAll(lang: string, customerId: string) {
  const wrapper = await fixture<HTMLDivElement>(html`<div lang=${lang}></div>`);
  const provider = await mountProvider(
    customerId,
    html`<planship-plan-picker change-at="now" .prices=${PRICES} recommended="business"></planship-plan-picker>
      <planship-subscription-manager invites cancel-reasons></planship-subscription-manager>
      <planship-usage-meter lever="api-calls" show-buckets></planship-usage-meter>
      <planship-usage-meter lever="api-burst"></planship-usage-meter>
      <planship-usage-meter lever="no-such-lever"></planship-usage-meter>
      <planship-entitlement lever="sso"></planship-entitlement>`,
  );
  wrapper.append(provider);
  return { wrapper, provider };
}

const inside = (provider: Element, tag: string, selector: string) =>
  provider.querySelector(tag)?.shadowRoot?.querySelector<HTMLElement>(selector) ?? null;
const members = (provider: Element) => inside(provider, 'planship-subscription-manager', '[part~=members]')!;

async function contentReady(provider: PlanshipProvider) {
  await until(() => inside(provider, 'planship-plan-picker', '[role=radiogroup]'), 'picker not loaded');
  await until(() => members(provider)?.shadowRoot?.querySelector('[part~=member-list]'), 'members not loaded');
  await until(() => provider.querySelector('planship-usage-meter')!.hasAttribute('status'), 'meter not loaded');
}

describe('localization', () => {
  afterEach(() => fixtureCleanup());

  it('finds the English it looks for (the check itself works)', async () => {
    expect(FRAGMENTS).to.include.members(['Retry', 'Switch to', 'Current plan', 'Members', 'seats used', 'Teammate', 'Over the limit by', 'Resets on']);
    const id = await createCustomer({ plan: 'pro', maxSubscribers: 3 });
    const { provider } = await mountAll('en', id);
    await contentReady(provider);
    expect(englishIn(provider)).to.include.members(['Current plan', 'Members', 'Cancel subscription', 'seats used', 'Recommended', 'Monthly', 'Resets on', 'Invite']);
  });

  for (const lang of LOCALES) {
    it(`${lang}: no English message in any element, in content, dialogs, field errors, empty, error and loading states`, async () => {
      const id = await createCustomer({ plan: 'pro', maxSubscribers: 3 });
      // Near the monthly limit (a warning) and over the daily one.
      await reportUsage(id, 'api-calls', 90000);
      // A teammate with neither name nor email ("Teammate").
      const nobody = await admin('POST', '/api/v1/customers', {});
      const [subscription] = (await admin('GET', `/api/v1/customers/${id}/subscriptions`)).body;
      await admin('POST', `/api/v1/customers/${id}/subscriptions/${subscription.subscription_id}/customers`, { customer_id: nobody.body.id });
      // A move to Starter (3 seats) scheduled: the renewal line, and a seats refusal for it below.
      await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscription.subscription_id}`, { renew_plan_slug: 'starter' });
      const { provider } = await mountAll(lang, id);
      await contentReady(provider);
      await until(() => members(provider).shadowRoot!.querySelectorAll('[part~=member]').length === 2, 'teammate not listed');
      await until(() => [...provider.querySelectorAll('planship-usage-meter')].filter((meter) => meter.shadowRoot!.querySelector('[part~=notice]')).length === 2, 'no notices');
      const found: Record<string, string[]> = {};
      const check = (state: string, root: Node = provider) => {
        const english = englishIn(root);
        if (english.length) found[state] = english;
      };
      check('content');
      expect(inside(provider, 'planship-plan-picker', '[part~=interval]')!.textContent).to.not.contain('month');
      // Numbers and money follow the language too.
      const amount = inside(provider, 'planship-plan-picker', '[data-plan=pro] [part~=amount]')!.textContent!;
      expect(amount).to.equal(new Intl.NumberFormat(lang, { style: 'currency', currency: 'EUR' }).format(49));

      // The confirmations of a downgrade (lost entitlements, limits with an arrow, price) and of
      // an upgrade at yearly prices (gained entitlements), and cancelling.
      // (Starter is the scheduled renewal plan already: choosing it changes nothing.)
      inside(provider, 'planship-plan-picker', '[role=radio][data-plan=free]')!.click();
      const pickerDialog = () => inside(provider, 'planship-plan-picker', 'dialog') as HTMLDialogElement;
      await until(() => pickerDialog().open, 'no downgrade dialog');
      check('downgrade dialog');
      pickerDialog().querySelector<HTMLButtonElement>('[part~=dialog-cancel]')!.click();
      await until(() => !pickerDialog().open);
      inside(provider, 'planship-plan-picker', '[part~=interval-button]:last-child')!.click();
      inside(provider, 'planship-plan-picker', '[role=radio][data-plan=business]')!.click();
      await until(() => pickerDialog().open, 'no upgrade dialog');
      check('upgrade dialog');
      pickerDialog().querySelector<HTMLButtonElement>('[part~=dialog-cancel]')!.click();
      inside(provider, 'planship-subscription-manager', '[part~=cancel-button]')!.click();
      const managerDialog = () => inside(provider, 'planship-subscription-manager', 'dialog') as HTMLDialogElement;
      await until(() => managerDialog().open, 'no cancel dialog');
      check('cancel dialog');
      managerDialog().querySelector<HTMLButtonElement>('[part~=dialog-cancel]')!.click();

      // Field errors.
      const seats = members(provider).shadowRoot!.querySelector<HTMLInputElement>('#seats')!;
      seats.value = '';
      members(provider).shadowRoot!.querySelector<HTMLButtonElement>('[part~=seats-button]')!.click();
      members(provider).shadowRoot!.querySelector<HTMLButtonElement>('[part~=invite-button]')!.click();
      await until(() => members(provider).shadowRoot!.querySelectorAll('[part~=field-error]').length === 2, 'no field errors');
      check('field errors');
      // Seats Pro allows, refused for Starter, the plan it renews on.
      seats.value = '5';
      seats.dispatchEvent(new Event('input'));
      await until(() => !members(provider).shadowRoot!.querySelector('#seats-error'), 'the field error stayed');
      members(provider).shadowRoot!.querySelector<HTMLButtonElement>('[part~=seats-button]')!.click();
      await until(() => members(provider).shadowRoot!.querySelector('#seats-error'), 'no renewal seats refusal');
      check('seats refused for the renewal plan');
      fixtureCleanup();

      // A contract subscription, and one that ended (no Resume: the contract one is active).
      const contract = await createCustomer({ plan: 'enterprise' });
      await admin('POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { customer_id: contract });
      const starter = ((await admin('GET', `/api/v1/customers/${contract}/subscriptions`)).body as any[]).find((one) => one.plan.slug === 'starter');
      await admin('PATCH', `/api/v1/customers/${contract}/subscriptions/${starter.subscription_id}`, { is_active: false });
      const other = await mountAll(lang, contract);
      await until(() => inside(other.provider, 'planship-subscription-manager', '[part~=contract]'), 'no contract shown');
      await until(() => inside(other.provider, 'planship-subscription-manager', '[part~=inactive]'), 'no ended subscription shown');
      await until(() => inside(other.provider, 'planship-plan-picker', '[part~=note]'), 'picker not read-only');
      check('contract and ended', other.provider);
      fixtureCleanup();

      // Cancelled at the end of the period: "Ends on", Resume.
      const leaving = await subscribedCustomer('pro', { auto_renew: false });
      const cancelled = await mountAll(lang, leaving.id);
      await until(() => inside(cancelled.provider, 'planship-subscription-manager', '[part~=resume-button]'), 'not cancelled');
      await until(() => inside(cancelled.provider, 'planship-plan-picker', '[role=radio]'), 'no plans');
      check('cancelled', cancelled.provider);
      fixtureCleanup();

      // A customer without a subscription: every empty state.
      const newcomer = await createCustomer();
      const empty = await mountAll(lang, newcomer);
      await until(() => inside(empty.provider, 'planship-subscription-manager', '[part~=empty]'), 'no empty manager');
      await until(() => inside(empty.provider, 'planship-usage-meter', '[part~=empty]'), 'no empty meter');
      await until(() => inside(empty.provider, 'planship-plan-picker', '[role=radio]'), 'no plans');
      check('empty', empty.provider);
      fixtureCleanup();

      // Loading (the token is slow), then the error every element shows when it never comes.
      const slow = slowTokenGetter(newcomer);
      const wrapper = await fixture<HTMLDivElement>(html`<div lang=${lang}></div>`);
      const failing = await mountProvider(
        newcomer,
        html`<planship-plan-picker></planship-plan-picker><planship-subscription-manager></planship-subscription-manager>
          <planship-usage-meter lever="api-calls"></planship-usage-meter><planship-customer-portal></planship-customer-portal>`,
        async () => {
          await slow.getter();
          throw new Error('token endpoint down');
        },
      );
      wrapper.append(failing);
      await until(() => deepQuery(failing, '[part~=loading]'), 'no loading state');
      check('loading', failing);
      slow.release();
      // One error box, the others' notes that point at it.
      await until(() => deepElements(failing).filter((element) => element.matches('[part~=error], [part~=error-note]')).length >= 4, 'no error states');
      check('error', failing);

      // Outside any provider.
      const alone = await fixture(html`<div lang=${lang}><planship-usage-meter lever="api-calls"></planship-usage-meter></div>`);
      check('not connected', alone);

      expect(found, `English left in ${lang}`).to.deep.equal({});
    }).timeout(30000);
  }

  it('re-renders when lang changes at run time, on the document, a wrapper or the element', async () => {
    const id = await createCustomer({ plan: 'pro', maxSubscribers: 3 });
    const { wrapper, provider } = await mountAll('en', id);
    await contentReady(provider);
    const badge = () => inside(provider, 'planship-plan-picker', '[part~=current-badge]')!.textContent;
    const status = () => inside(provider, 'planship-subscription-manager', '[part~=status]')!.textContent;
    expect(badge()).to.equal('Current plan');
    wrapper.lang = 'de';
    await until(() => badge() === 'Aktueller Tarif', 'the wrapper lang did not apply');
    expect(status()).to.equal('Aktiv');
    // The nearest lang wins: the element's own over the wrapper's.
    provider.querySelector('planship-subscription-manager')!.setAttribute('lang', 'fr');
    await until(() => status() === 'Actif', "the element's own lang did not apply");
    expect(badge()).to.equal('Aktueller Tarif');
    // Without any lang up to the document, the document's applies.
    wrapper.removeAttribute('lang');
    provider.querySelector('planship-subscription-manager')!.removeAttribute('lang');
    document.documentElement.lang = 'es';
    try {
      await until(() => badge() === 'Plan actual' && status() === 'Activa', "the document's lang did not apply");
    } finally {
      document.documentElement.removeAttribute('lang');
    }
    await until(() => badge() === 'Current plan', 'did not go back to English');
  });

  it('gives the parts of a <planship-customer-portal> the portal\'s lang, across its shadow root', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider = await mountProvider(id, html`<planship-customer-portal lang="ja"></planship-customer-portal>`);
    const portal = provider.querySelector('planship-customer-portal')!;
    const manager = () => portal.shadowRoot!.querySelector('planship-subscription-manager')!;
    await until(() => manager().shadowRoot!.querySelector('[part~=status]')?.textContent === '有効', 'the parts did not take the lang');
    expect(portal.shadowRoot!.querySelector('[part~=heading]')!.textContent).to.equal('プラン');
    portal.setAttribute('lang', 'de');
    await until(() => manager().shadowRoot!.querySelector('[part~=status]')?.textContent === 'Aktiv', 'a lang change on the portal did not reach its parts');
  });

  it('renders Arabic right to left, with Arabic plural forms', async () => {
    const id = await createCustomer({ plan: 'pro', maxSubscribers: 3 });
    const { provider } = await mountAll('ar', id);
    await contentReady(provider);
    const picker = provider.querySelector('planship-plan-picker')!;
    expect(picker.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(inside(provider, 'planship-plan-picker', '[part~=plans]')!).direction).to.equal('rtl');
    // The first plan is on the right.
    const [first, second] = [...picker.shadowRoot!.querySelectorAll('[part~=plan]')].map((card) => card.getBoundingClientRect().left);
    expect(first).to.be.greaterThan(second);
    // Arrow keys follow the reading direction: left is forward.
    const radios = [...picker.shadowRoot!.querySelectorAll<HTMLElement>('[role=radio]')];
    radios[0].focus();
    await sendKeys({ press: 'ArrowLeft' });
    expect(picker.shadowRoot!.activeElement).to.equal(radios[1]);
    const ar = (await import('../../src/locales/ar.ts')).default;
    for (const [people, word] of [[2, 'شخصان'], [3, 'أشخاص'], [11, 'شخصًا'], [100, 'شخص']] as const) {
      expect(ar.seatsBelowUsed(String(people), people)).to.contain(word);
    }
    // The provider holds the page's own content: it never sets a direction.
    expect(provider.hasAttribute('dir')).to.equal(false);
    // A page that sets its own dir keeps it, checked once the element has rendered in its language.
    const wrapper = await fixture(html`<div>
      <planship-usage-meter lang="ar" dir="ltr" lever="api-calls"></planship-usage-meter>
      <planship-usage-meter lang="en" dir="rtl" lever="api-calls"></planship-usage-meter>
    </div>`);
    const [arabic, english] = [...wrapper.querySelectorAll('planship-usage-meter')];
    await until(() => /[\u0600-\u06FF]/.test(arabic.shadowRoot?.textContent ?? '') && /[A-Za-z]{3}/.test(english.shadowRoot?.textContent ?? ''), 'not rendered');
    expect([arabic.getAttribute('dir'), english.getAttribute('dir')]).to.deep.equal(['ltr', 'rtl']);
  });

  it('takes the host\'s wording from the provider: every language, then per language, then region', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="de-CH"></div>`);
    const provider = await mountProvider(id, html`<planship-subscription-manager></planship-subscription-manager>`);
    provider.messages = { statusActive: 'Running' };
    provider.locales = { de: { statusActive: 'Läuft' }, 'de-CH': { membersHeading: 'Team' } };
    wrapper.append(provider);
    const part = (name: string) => inside(provider, 'planship-subscription-manager', `[part~=${name}]`)?.textContent;
    await until(() => part('status') === 'Läuft', 'per-language override not applied');
    const heading = () => inside(provider, 'planship-subscription-manager', '[part~=members]')!.shadowRoot!.querySelector('[part~=members-heading]')?.textContent;
    await until(() => heading() === 'Team', 'per-region override not applied');
    // Shipped German for what the host left out.
    expect(part('cancel-button')).to.equal('Abonnement kündigen');
    wrapper.lang = 'pt-BR';
    await until(() => part('status') === 'Running', 'the all-languages override did not apply');
    expect(part('cancel-button')).to.equal('Cancel subscription');
    provider.messages = undefined;
    await until(() => part('status') === 'Active', 'removing the override did not re-render');
  });
});
