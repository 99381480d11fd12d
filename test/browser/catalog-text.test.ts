// The host's catalog wording per language (`catalogText`): plan and lever names and descriptions
// in the element's language everywhere they show (picker, manager, meters, confirmations,
// announcements); the catalog's own words where the host gave none; host text stays text.
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import type { CatalogText } from '../../src/components/shared/catalog-text.ts';
import { GERMAN } from '../fixtures/german-catalog-text.ts';
import { createCustomer, deepElements, deepText, mountProvider, openDialog, subscribedCustomer, until } from './helpers.ts';

/** The catalog's English words, none of which may show on the German page. */
const ENGLISH_CATALOG = [/\bFree\b/, /\bStarter\b/, /\bPro\b/, /\bBusiness\b/, /\bEnterprise\b/, /API calls/, /Single sign-on/, /Export formats/, /Priority support/, /For growing teams/, /AI insights/];

const elements = html`<planship-plan-picker></planship-plan-picker>
  <planship-subscription-manager></planship-subscription-manager>
  <planship-usage-meter lever="api-calls"></planship-usage-meter>
  <planship-usage-meter lever="api-burst"></planship-usage-meter>`;

const inside = (provider: Element, tag: string, selector: string) => provider.querySelector(tag)!.shadowRoot!.querySelector<HTMLElement>(selector);
const texts = (provider: Element, tag: string, selector: string) =>
  [...provider.querySelector(tag)!.shadowRoot!.querySelectorAll(selector)].map((node) => node.textContent!.replace(/\s+/g, ' ').trim());

async function mountIn(lang: string, customerId: string, catalogText: Record<string, CatalogText>) {
  const wrapper = await fixture<HTMLDivElement>(html`<div lang=${lang}></div>`);
  const provider = await mountProvider(customerId, elements);
  provider.catalogText = catalogText;
  wrapper.append(provider);
  await until(() => inside(provider, 'planship-plan-picker', '[role=radio]'), 'picker not loaded');
  await until(() => inside(provider, 'planship-subscription-manager', '[part~=keep-plan-button]'), 'manager not loaded');
  await until(() => [...provider.querySelectorAll('planship-usage-meter')].every((meter) => meter.shadowRoot!.querySelector('[role=meter]')), 'meters not loaded');
  return { wrapper, provider };
}

/** A customer on Pro with a move to Starter scheduled (so the manager names a second plan). */
const scheduledCustomer = async () => (await subscribedCustomer('pro', { renew_plan_slug: 'starter' })).id;

describe('catalogText: the catalog in the page language', () => {
  afterEach(() => fixtureCleanup());

  it('a German page with German catalog text shows it everywhere: picker, manager, meters, confirmations, announcements', async () => {
    const { provider } = await mountIn('de', await scheduledCustomer(), { de: GERMAN });
    await until(() => inside(provider, 'planship-plan-picker', '[part~=current-badge]')?.textContent === 'Aktueller Tarif', 'not German');

    expect(texts(provider, 'planship-plan-picker', '[part~=name]')).to.deep.equal(['Gratis', 'Einstieg', 'Profi', 'Unternehmen', 'Konzern']);
    expect(inside(provider, 'planship-plan-picker', '[data-plan=pro] [part~=description]')!.textContent).to.equal('Für wachsende Teams, die in ihren Daten leben.');
    const features = texts(provider, 'planship-plan-picker', '[data-plan=pro] [part~=entitlements] li');
    expect(features).to.include('Einmalanmeldung');
    expect(features).to.include(`${(100000).toLocaleString('de')} API-Aufrufe im Monat`);
    expect(inside(provider, 'planship-plan-picker', '[data-plan=pro] [part~=entitlements]')!.getAttribute('aria-label')).to.equal('Profi enthält');
    expect(inside(provider, 'planship-plan-picker', '[role=radio][data-plan=pro]')!.textContent!.trim()).to.equal('Profi behalten');
    expect(inside(provider, 'planship-plan-picker', '[role=radio][data-plan=business]')!.textContent!.trim()).to.equal('Zu Unternehmen wechseln');

    expect(inside(provider, 'planship-subscription-manager', '[part~=plan-name]')!.textContent).to.equal('Profi');
    expect(inside(provider, 'planship-subscription-manager', '[part~=renewal] strong')!.textContent).to.equal('Einstieg');
    expect(inside(provider, 'planship-subscription-manager', '[part~=keep-plan-button]')!.textContent!.trim()).to.equal('Profi behalten');
    const [monthly, daily] = [...provider.querySelectorAll('planship-usage-meter')];
    expect(monthly.shadowRoot!.querySelector('[part~=label]')!.textContent).to.equal('API-Aufrufe im Monat');
    expect(monthly.shadowRoot!.querySelector('[role=meter]')!.getAttribute('aria-valuetext')).to.contain('API-Aufrufe im Monat');
    expect(daily.shadowRoot!.querySelector('[part~=label]')!.textContent).to.equal('API-Aufrufe am Tag');
    await expect(provider).to.be.accessible();

    // Confirmations: an upgrade (what is gained), a downgrade (what is lost; "Keep <plan>"), cancelling.
    const picker = provider.querySelector('planship-plan-picker')!;
    inside(provider, 'planship-plan-picker', '[role=radio][data-plan=business]')!.click();
    let dialog = await openDialog(picker);
    expect(dialog.querySelector('h2')!.textContent).to.equal('Zu Unternehmen wechseln?');
    expect([...dialog.querySelectorAll('li')].map((item) => item.textContent)).to.include('Vorrangige Betreuung');
    dialog.querySelector<HTMLButtonElement>('[part~=dialog-cancel]')!.click();
    await until(() => !dialog.open);
    inside(provider, 'planship-plan-picker', '[role=radio][data-plan=free]')!.click();
    dialog = await openDialog(picker);
    expect(dialog.querySelector('h2')!.textContent).to.equal('Zu Gratis wechseln?');
    const lost = [...dialog.querySelectorAll('li')].map((item) => item.textContent);
    expect(lost).to.include('Einmalanmeldung');
    expect(lost).to.include(`API-Aufrufe im Monat: ${(100000).toLocaleString('de')} → ${(1000).toLocaleString('de')}`);
    expect(dialog.querySelector('[part~=dialog-cancel]')!.textContent).to.equal('Profi behalten');
    expect(ENGLISH_CATALOG.filter((word) => deepText(picker).some((text) => word.test(text)))).to.deep.equal([]);
    dialog.querySelector<HTMLButtonElement>('[part~=dialog-cancel]')!.click();
    await until(() => !dialog.open);
    const manager = provider.querySelector('planship-subscription-manager')!;
    inside(provider, 'planship-subscription-manager', '[part~=cancel-button]')!.click();
    dialog = await openDialog(manager);
    expect(dialog.querySelector('h2')!.textContent).to.equal('Profi kündigen?');
    expect(dialog.textContent).to.contain('Profi bleibt');
    dialog.querySelector<HTMLButtonElement>('[part~=dialog-cancel]')!.click();
    await until(() => !dialog.open);

    // Nothing of the catalog's English anywhere.
    expect(ENGLISH_CATALOG.filter((word) => deepText(provider).some((text) => word.test(text)))).to.deep.equal([]);

    // The announcement after a change names the plan in German too.
    inside(provider, 'planship-subscription-manager', '[part~=keep-plan-button]')!.click();
    const status = provider.shadowRoot!.querySelector('[role=status]')!;
    await until(() => status.textContent!.includes('Profi'), 'no announcement');
    expect(status.textContent).to.equal('Sie behalten Profi: Der geplante Wechsel entfällt.');
  });

  it("an English page keeps the catalog's words; a change of lang or of catalogText re-words at run time", async () => {
    const { wrapper, provider } = await mountIn('en', await scheduledCustomer(), { de: GERMAN });
    expect(texts(provider, 'planship-plan-picker', '[part~=name]')).to.deep.equal(['Free', 'Starter', 'Pro', 'Business', 'Enterprise']);
    expect(inside(provider, 'planship-plan-picker', '[data-plan=pro] [part~=description]')!.textContent).to.equal('For growing teams that live in their data.');
    expect(texts(provider, 'planship-plan-picker', '[data-plan=pro] [part~=entitlements] li')).to.include('Single sign-on');
    expect(inside(provider, 'planship-subscription-manager', '[part~=plan-name]')!.textContent).to.equal('Pro');
    expect(inside(provider, 'planship-usage-meter', '[part~=label]')!.textContent).to.equal('API calls per month');

    wrapper.lang = 'de';
    await until(() => inside(provider, 'planship-subscription-manager', '[part~=plan-name]')!.textContent === 'Profi', 'the German page did not take the German text');
    expect(inside(provider, 'planship-usage-meter', '[part~=label]')!.textContent).to.equal('API-Aufrufe im Monat');

    wrapper.lang = 'en';
    provider.catalogText = { en: { plans: { pro: { name: 'Pro Plus' } }, levers: { 'api-calls': { name: 'Requests' } } } };
    await until(() => inside(provider, 'planship-subscription-manager', '[part~=plan-name]')!.textContent === 'Pro Plus', 'a new catalogText did not apply');
    expect(inside(provider, 'planship-plan-picker', '[data-plan=pro] [part~=name]')!.textContent).to.equal('Pro Plus');
    // What the host left out stays the catalog's.
    expect(inside(provider, 'planship-plan-picker', '[data-plan=pro] [part~=description]')!.textContent).to.equal('For growing teams that live in their data.');
    expect(inside(provider, 'planship-usage-meter', '[part~=label]')!.textContent).to.equal('Requests');
  });

  it("renders the host's text as text: markup in it stays text", async () => {
    const markup = '<img src=x onerror="window.__catalogXss=1"><b>Profi</b>';
    const { provider } = await mountIn('de', await scheduledCustomer(), {
      de: { plans: { pro: { name: markup, description: markup } }, levers: { 'api-calls': { name: markup } } },
    });
    await until(() => inside(provider, 'planship-subscription-manager', '[part~=plan-name]')!.textContent === markup, 'not shown');
    expect(inside(provider, 'planship-plan-picker', '[data-plan=pro] [part~=name]')!.textContent).to.equal(markup);
    expect(inside(provider, 'planship-plan-picker', '[data-plan=pro] [part~=description]')!.textContent).to.equal(markup);
    expect(inside(provider, 'planship-usage-meter', '[part~=label]')!.textContent).to.equal(markup);
    expect(deepElements(provider).filter((element) => element.matches('img, b'))).to.deep.equal([]);
    expect((window as { __catalogXss?: number }).__catalogXss).to.equal(undefined);
  });

  it('a <planship-customer-portal> takes an outer provider\'s catalogText and its own over it, a region over its language', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const provider: PlanshipProvider = await mountProvider(id, html`<planship-customer-portal lang="de-CH"></planship-customer-portal>`);
    const portal = provider.querySelector('planship-customer-portal')!;
    provider.catalogText = { de: GERMAN };
    portal.catalogText = { de: { plans: { starter: { name: 'Start' } } }, 'de-CH': { plans: { business: { name: 'Firma' } } } };
    const picker = () => portal.shadowRoot!.querySelector('planship-plan-picker')!.shadowRoot!;
    await until(() => picker().querySelectorAll('[part~=name]').length === 5, 'not loaded');
    await until(() => picker().querySelector('[data-plan=business] [part~=name]')!.textContent === 'Firma', 'the region did not apply');
    expect([...picker().querySelectorAll('[part~=name]')].map((name) => name.textContent)).to.deep.equal(['Gratis', 'Start', 'Profi', 'Firma', 'Konzern']);
    const manager = portal.shadowRoot!.querySelector('planship-subscription-manager')!.shadowRoot!;
    await until(() => manager.querySelector('[part~=plan-name]')?.textContent === 'Profi', 'the manager did not take it');
  });
});
