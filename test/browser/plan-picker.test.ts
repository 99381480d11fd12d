import { expect, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import '../../src/components/provider/provider.ts';
import '../../src/components/plan-picker/plan-picker.ts';
import '../../src/components/subscription-manager/subscription-manager.ts';
import type { PlanshipPlanPicker } from '../../src/components/plan-picker/plan-picker.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import type { PlanshipPlanChangeEvent, PlanshipSubscriptionChangeEvent } from '../../src/components/shared/events.ts';
import {
  PRODUCT,
  admin,
  answerDialog,
  createCustomer,
  customerToken,
  holdPatches,
  mountProvider,
  openDialog,
  ownServer,
  refuseSockets,
  slowTokenGetter,
  subscribedCustomer,
  transitionsDone,
  type ServerInfo,
  until,
  countWrites,
  settled,
} from './helpers.ts';
import type { TokenGetter } from '../../src/client/index.ts';

/** A picker in a provider, after a button that Tab starts from. */
async function mount(customerId: string, options: { getter?: TokenGetter; picker?: TemplateResult; product?: string; server?: ServerInfo } = {}) {
  const picker = options.picker ?? html`<planship-plan-picker></planship-plan-picker>`;
  const provider = await mountProvider(customerId, html`<button id="before">before</button>${picker}`, options.getter, options.product, options.server);
  return { provider, picker: provider.querySelector('planship-plan-picker') as PlanshipPlanPicker };
}

const shadow = (picker: PlanshipPlanPicker) => picker.shadowRoot!;
const radios = (picker: PlanshipPlanPicker) => [...shadow(picker).querySelectorAll<HTMLButtonElement>('[role="radio"]')];
const radioFor = (picker: PlanshipPlanPicker, slug: string) =>
  shadow(picker).querySelector<HTMLButtonElement>(`[role="radio"][data-plan="${slug}"]`);
const card = (picker: PlanshipPlanPicker, slug: string) => shadow(picker).querySelector<HTMLElement>(`[part~="plan"][data-plan="${slug}"]`)!;

async function loaded(picker: PlanshipPlanPicker) {
  await until(() => radios(picker).length > 0, 'the plans did not render');
}

async function subscriptionOnServer(customerId: string, server?: ServerInfo) {
  const answer = await admin('GET', `/api/v1/customers/${customerId}/subscriptions`, undefined, server);
  expect(answer.status).to.equal(200);
  return answer.body as { subscription_id: string; plan: { slug: string }; renew_plan: { slug: string }; is_active: boolean; auto_renew: boolean; renew_at: string }[];
}

/** The dialog's paragraphs and its lists (title, items), as a user reads them. */
function dialogContent(picker: PlanshipPlanPicker) {
  const dialog = openDialog(picker);
  return dialog.then((open) => ({
    heading: open.querySelector('h2')!.textContent,
    lines: [...open.querySelectorAll('form > p')].map((line) => line.textContent),
    lists: Object.fromEntries([...open.querySelectorAll('form > div:has(ul)')].map((list) => [list.querySelector('p')!.textContent, [...list.querySelectorAll('li')].map((item) => item.textContent)])),
    confirm: open.querySelector('[part~="dialog-confirm"]')!.textContent,
    cancel: open.querySelector('[part~="dialog-cancel"]')!.textContent,
  }));
}

const date = (iso: string) => new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium' }).format(new Date(iso));

async function planOnServer(customerId: string) {
  return (await subscriptionOnServer(customerId))[0]?.plan.slug;
}

async function waitLive(provider: PlanshipProvider) {
  await until(() => provider.getAttribute('connection') === 'live', 'the live connection did not open');
}

describe('<planship-plan-picker>', () => {
  afterEach(() => {
    document.documentElement.lang = '';
  });

  it('shows a loading state until the token arrives, then the plans (accessible in both)', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const slow = slowTokenGetter(id);
    const { picker } = await mount(id, { getter: slow.getter });
    const loading = shadow(picker).querySelector('[role="progressbar"]');
    expect(loading, 'loading indicator').to.exist;
    expect(loading!.getAttribute('aria-busy')).to.equal('true');
    await expect(picker).to.be.accessible();
    slow.release();
    await loaded(picker);
    expect(shadow(picker).querySelector('[role="progressbar"]')).to.equal(null);
    await expect(picker).to.be.accessible();
  });

  it('lists the public plans in order with entitlements in words and marks the current plan', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { picker } = await mount(id);
    await loaded(picker);
    const names = [...shadow(picker).querySelectorAll('[part~="name"]')].map((node) => node.textContent!.trim());
    expect(names).to.deep.equal(['Free', 'Starter', 'Pro', 'Business', 'Enterprise']);
    const pro = card(picker, 'pro');
    expect(pro.getAttribute('part')).to.contain('current');
    expect(pro.textContent).to.contain('Current plan');
    expect(pro.textContent).to.contain('For growing teams');
    const features = [...pro.querySelectorAll('[part~="entitlements"] li')].map((node) => node.textContent!.trim());
    expect(features).to.include('Single sign-on');
    expect(features).to.include(`${(100000).toLocaleString()} API calls per month`);
    expect(features.some((line) => line.startsWith('Export formats:') && line.includes('PARQUET'))).to.equal(true);
    expect(card(picker, 'business').textContent).to.contain('Unlimited Dashboards');
    expect(radioFor(picker, 'pro')!.getAttribute('aria-checked')).to.equal('true');
    expect(radioFor(picker, 'pro')!.textContent).to.contain('Pro');
    expect(radioFor(picker, 'business')!.getAttribute('aria-checked')).to.equal('false');
    expect(radioFor(picker, 'business')!.textContent!.trim()).to.equal('Switch to Business');
    // change-at="auto" (the default): a lower plan starts at renewal.
    expect(radioFor(picker, 'free')!.textContent!.trim()).to.equal('Switch to Free at renewal');
    await expect(picker).to.be.accessible();
  });

  it('is accessible in the dark theme', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { picker } = await mount(id, { picker: html`<planship-plan-picker theme="dark"></planship-plan-picker>` });
    await loaded(picker);
    expect(getComputedStyle(card(picker, 'pro')).backgroundColor).to.equal('rgb(22, 27, 34)');
    await expect(picker).to.be.accessible();
  });

  it('also shows a retired plan the customer is still on, as the current plan', async () => {
    const id = await createCustomer({ plan: 'legacy-2019' });
    const { picker } = await mount(id);
    await loaded(picker);
    const names = [...shadow(picker).querySelectorAll('[part~="name"]')].map((node) => node.textContent!.trim());
    expect(names).to.deep.equal(['Free', 'Starter', 'Pro', 'Business', 'Enterprise', 'Legacy 2019']);
    const legacy = radioFor(picker, 'legacy-2019')!;
    expect(legacy.getAttribute('aria-checked')).to.equal('true');
    expect(legacy.tabIndex).to.equal(0);
    expect(legacy.textContent!.trim()).to.equal('Current plan: Legacy 2019');
    await expect(picker).to.be.accessible();
  });

  it('offers "contact us" instead of a button for a plan that is not self-serve', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { picker } = await mount(id, {
      picker: html`<planship-plan-picker><a slot="contact-enterprise" href="#sales">Talk to sales</a></planship-plan-picker>`,
    });
    await loaded(picker);
    expect(radioFor(picker, 'enterprise')).to.equal(null);
    const slot = card(picker, 'enterprise').querySelector<HTMLSlotElement>('slot[name="contact-enterprise"]')!;
    expect(slot.assignedElements().map((node) => node.textContent)).to.deep.equal(['Talk to sales']);
    await expect(picker).to.be.accessible();
  });

  it('formats host-set prices in the page language and takes slotted prices', async () => {
    document.documentElement.lang = 'de-DE';
    const id = await createCustomer({ plan: 'free' });
    const { picker } = await mount(id, {
      picker: html`<planship-plan-picker .prices=${{ pro: { amount: 49, currency: 'EUR', interval: 'Monat' } }}>
        <span slot="price-starter">Ask us</span>
      </planship-plan-picker>`,
    });
    await loaded(picker);
    const price = card(picker, 'pro').querySelector('[part~="price"]')!.textContent!;
    expect(price).to.equal(`${new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(49)} / Monat`);
    expect(price).to.contain('49,00');
    const slot = card(picker, 'starter').querySelector<HTMLSlotElement>('slot[name="price-starter"]')!;
    expect(slot.assignedElements().map((node) => node.textContent)).to.deep.equal(['Ask us']);
  });

  it('switches plan now after confirmation: fires the cancelable event, calls the API, then reports the change', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { picker } = await mount(id);
    await loaded(picker);
    const [subscription] = await subscriptionOnServer(id);
    const requested = oneEvent(picker, 'planship-plan-change') as Promise<PlanshipPlanChangeEvent>;
    const changed = oneEvent(picker, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    radioFor(picker, 'business')!.click();
    await answerDialog(picker);
    const request = await requested;
    expect(request.resumes).to.equal(false);
    expect(request.cancelable).to.equal(true);
    expect(request.composed).to.equal(true);
    expect({ from: request.fromPlan, to: request.toPlan, at: request.changeAt, id: request.subscriptionId }).to.deep.equal({
      from: 'pro',
      to: 'business',
      at: 'now',
      id: subscription.subscription_id,
    });
    const done = await changed;
    expect(done.change).to.equal('plan');
    expect(done.subscriptionId).to.equal(subscription.subscription_id);
    expect(await planOnServer(id)).to.equal('business');
    await until(() => radioFor(picker, 'business')?.getAttribute('aria-checked') === 'true', 'business not marked current');
    expect(radioFor(picker, 'pro')!.getAttribute('aria-checked')).to.equal('false');
  });

  it('does nothing when the host prevents the event, then follows the host backend change live', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { picker, provider } = await mount(id);
    await loaded(picker);
    await waitLive(provider);
    let calls = 0;
    picker.addEventListener('planship-plan-change', (event) => {
      calls += 1;
      event.preventDefault();
    });
    let reported = 0;
    picker.addEventListener('planship-subscription-change', () => (reported += 1));
    const writes = countWrites();
    radioFor(picker, 'pro')!.click();
    await answerDialog(picker);
    await until(() => calls === 1);
    // A request would start right after the event: none did.
    await settled(picker);
    writes.restore();
    expect(writes.count, 'a write was sent').to.equal(0);
    expect(await planOnServer(id)).to.equal('starter');
    expect(reported).to.equal(0);
    expect(radioFor(picker, 'pro')!.getAttribute('aria-busy')).to.equal(null);
    // The host's own checkout changes the plan from its backend; the picker follows.
    const [subscription] = await subscriptionOnServer(id);
    const patched = await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscription.subscription_id}`, { plan_slug: 'pro' });
    expect(patched.status).to.equal(200);
    await until(() => radioFor(picker, 'pro')?.getAttribute('aria-checked') === 'true', 'the picker did not update live');
  });

  it('confirms a downgrade: what is lost in words, the price difference, now; "No" changes nothing', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const prices = { starter: { amount: 19, currency: 'USD', interval: 'month' }, pro: { amount: 49, currency: 'USD', interval: 'month' } };
    const { picker } = await mount(id, { picker: html`<planship-plan-picker change-at="now" .prices=${prices}></planship-plan-picker>` });
    await loaded(picker);
    let requests = 0;
    picker.addEventListener('planship-plan-change', () => (requests += 1));
    radioFor(picker, 'starter')!.click();
    const content = await dialogContent(picker);
    expect(content.heading).to.equal('Switch to Starter?');
    expect(content.lines).to.deep.equal(['This takes effect now.', 'Price: $49.00 / month → $19.00 / month (-$30.00 / month)']);
    expect(Object.keys(content.lists)).to.deep.equal(['You will lose:']);
    const lost = content.lists['You will lose:'];
    expect(lost).to.include('Single sign-on');
    expect(lost).to.include(`API calls per month: ${(100000).toLocaleString()} → ${(10000).toLocaleString()}`);
    expect(lost.some((item) => item.startsWith('Export formats') && item.includes('PARQUET'))).to.equal(true);
    expect([content.confirm, content.cancel]).to.deep.equal(['Switch to Starter', 'Keep Pro']);
    await expect(await openDialog(picker)).to.be.accessible();
    // Escape, then "Keep Pro": the current plan stays, nothing is sent.
    await sendKeys({ press: 'Escape' });
    await until(() => !shadow(picker).querySelector('dialog')!.open);
    radioFor(picker, 'starter')!.click();
    await answerDialog(picker, false);
    await settled(picker);
    expect(requests).to.equal(0);
    expect(await planOnServer(id)).to.equal('pro');
    // Confirming goes ahead.
    radioFor(picker, 'starter')!.click();
    await answerDialog(picker);
    await until(() => radioFor(picker, 'starter')?.getAttribute('aria-checked') === 'true', 'the downgrade did not happen');
    expect(requests).to.equal(1);
    expect(await planOnServer(id)).to.equal('starter');
  });

  it('confirms an upgrade too: what is gained, in words, and the price difference', async () => {
    const id = await createCustomer({ plan: 'free' });
    const prices = { free: { amount: 0, currency: 'USD', interval: 'month' }, starter: { amount: 19, currency: 'USD', interval: 'month' } };
    const { picker } = await mount(id, { picker: html`<planship-plan-picker .prices=${prices}></planship-plan-picker>` });
    await loaded(picker);
    radioFor(picker, 'starter')!.click();
    const content = await dialogContent(picker);
    expect(content.lines).to.deep.equal(['This takes effect now.', 'Price: $0.00 / month → $19.00 / month (+$19.00 / month)']);
    expect(content.lists['You will get:']).to.include(`API calls per month: ${(1000).toLocaleString()} → ${(10000).toLocaleString()}`);
    expect(content.lists['You will get:'].some((item) => item.startsWith('Export formats') && item.includes('JSON'))).to.equal(true);
    expect(content.lists['You will lose:']).to.equal(undefined);
    await answerDialog(picker);
    await until(() => radioFor(picker, 'starter')?.getAttribute('aria-checked') === 'true', 'the upgrade did not happen');
    // A limit that becomes none is worded "Unlimited", not 0.
    radioFor(picker, 'business')!.click();
    const toBusiness = await dialogContent(picker);
    expect(toBusiness.lists['You will get:']).to.include('Dashboards: 10 → Unlimited');
    await answerDialog(picker, false);
    expect(await planOnServer(id)).to.equal('starter');
  });

  it('with change-at="renewal" schedules the plan, marks it, and can keep the current plan', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { picker } = await mount(id, { picker: html`<planship-plan-picker change-at="renewal"></planship-plan-picker>` });
    await loaded(picker);
    expect(radioFor(picker, 'business')!.textContent!.trim()).to.equal('Switch to Business at renewal');
    const requested = oneEvent(picker, 'planship-plan-change') as Promise<PlanshipPlanChangeEvent>;
    radioFor(picker, 'business')!.click();
    const [before] = await subscriptionOnServer(id);
    const content = await dialogContent(picker);
    expect(content.lines[0]).to.equal(`This takes effect at your renewal, on ${date(before.renew_at)}.`);
    expect(Object.keys(content.lists)).to.deep.equal(['From your next renewal you will get:']);
    await answerDialog(picker);
    expect((await requested).changeAt).to.equal('renewal');
    await until(() => card(picker, 'business').getAttribute('part')!.includes('scheduled'), 'renew plan not marked');
    const [scheduled] = await subscriptionOnServer(id);
    expect(scheduled.plan.slug).to.equal('pro');
    expect(scheduled.renew_plan.slug).to.equal('business');
    expect(card(picker, 'business').querySelector('[part~="renew-badge"]')).to.exist;
    expect(radioFor(picker, 'pro')!.getAttribute('aria-checked')).to.equal('true');
    await expect(picker).to.be.accessible();
    // The current plan's control now calls off the scheduled change.
    const keep = radioFor(picker, 'pro')!;
    expect(keep.textContent!.trim()).to.equal('Keep Pro');
    keep.click();
    const kept = await dialogContent(picker);
    expect(kept.heading).to.equal('Keep Pro?');
    expect(Object.keys(kept.lists)).to.deep.equal(['From your next renewal you will lose:']);
    await answerDialog(picker);
    await until(() => !card(picker, 'business').getAttribute('part')!.includes('scheduled'), 'scheduled change not called off');
    expect((await subscriptionOnServer(id))[0].renew_plan.slug).to.equal('pro');
  });

  it('creates a subscription when the customer has none, after a confirmation of what it brings', async () => {
    const id = await createCustomer();
    const { picker } = await mount(id, { picker: html`<planship-plan-picker .prices=${{ starter: { amount: 19, currency: 'USD', interval: 'month' } }}></planship-plan-picker>` });
    await loaded(picker);
    expect(radios(picker).every((radio) => radio.getAttribute('aria-checked') === 'false')).to.equal(true);
    expect(radioFor(picker, 'starter')!.textContent!.trim()).to.equal('Choose Starter');
    await expect(picker).to.be.accessible();
    const changed = oneEvent(picker, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    radioFor(picker, 'starter')!.click();
    const content = await dialogContent(picker);
    expect(content.heading).to.equal('Subscribe to Starter?');
    expect(content.lines).to.deep.equal(['This takes effect now.', 'Price: $19.00 / month']);
    expect(content.lists['You will get:']).to.include(`${(10000).toLocaleString()} API calls per month`);
    expect([content.confirm, content.cancel]).to.deep.equal(['Choose Starter', 'Not now']);
    await answerDialog(picker);
    expect((await changed).change).to.equal('created');
    expect(await planOnServer(id)).to.equal('starter');
    await until(() => radioFor(picker, 'starter')?.getAttribute('aria-checked') === 'true');
  });

  it('is one radio group: one Tab stop on the current plan, arrows and Home/End move, Enter chooses', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { provider, picker } = await mount(id);
    await loaded(picker);
    expect(shadow(picker).querySelector('[role="radiogroup"]')).to.exist;
    expect(radios(picker).filter((radio) => radio.tabIndex === 0).map((radio) => radio.dataset.plan)).to.deep.equal(['starter']);
    provider.querySelector<HTMLButtonElement>('#before')!.focus();
    await sendKeys({ press: 'Tab' });
    const focused = () => (shadow(picker).activeElement as HTMLElement | null)?.dataset.plan;
    expect(focused()).to.equal('starter');
    await sendKeys({ press: 'ArrowRight' });
    expect(focused()).to.equal('pro');
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal('business');
    // Enterprise is not self-serve, so the group wraps around to Free.
    await sendKeys({ press: 'ArrowRight' });
    expect(focused()).to.equal('free');
    await sendKeys({ press: 'ArrowLeft' });
    expect(focused()).to.equal('business');
    await sendKeys({ press: 'Home' });
    expect(focused()).to.equal('free');
    await sendKeys({ press: 'End' });
    expect(focused()).to.equal('business');
    expect(radios(picker).filter((radio) => radio.tabIndex === 0).map((radio) => radio.dataset.plan)).to.deep.equal(['business']);
    // Arrows only move; nothing changed yet.
    expect(await planOnServer(id)).to.equal('starter');
    await sendKeys({ press: 'Enter' });
    await openDialog(picker);
    // The safe choice has focus: Enter again would say no; Tab to "Switch" and press it.
    expect(shadow(picker).activeElement!.getAttribute('part')).to.equal('dialog-cancel');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await until(() => radioFor(picker, 'business')?.getAttribute('aria-checked') === 'true', 'Enter did not choose');
    expect(await planOnServer(id)).to.equal('business');
    // Space chooses too.
    radioFor(picker, 'pro')!.focus();
    await sendKeys({ press: 'Space' });
    await openDialog(picker);
  });

  it('shows a load error with retry (token service down first, then back) and reports it', async () => {
    const id = await createCustomer({ plan: 'pro' });
    let failing = true;
    const getter = async () => {
      if (failing) throw new Error('token service unavailable');
      return customerToken(id);
    };
    const errors: string[] = [];
    document.addEventListener('planship-error', (event) => errors.push(event.action), { once: true });
    const { picker } = await mount(id, { getter });
    await until(() => shadow(picker).querySelector('[role="alert"]'), 'no error shown');
    const alert = shadow(picker).querySelector('[role="alert"]')!;
    expect(alert.textContent).to.not.contain('undefined');
    expect(errors).to.deep.equal(['load']);
    await expect(picker).to.be.accessible();
    failing = false;
    alert.querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
    await loaded(picker);
    expect(shadow(picker).querySelector('[role="alert"]')).to.equal(null);
  });

  it('shows a failed plan change next to the plans, with a retry that succeeds (simulated fault)', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { picker } = await mount(id);
    await loaded(picker);
    // Simulated fault: the API answers the first plan change with a 503, as a proxy might.
    const realFetch = window.fetch;
    let refused = 0;
    window.fetch = (input, init) => {
      if (init?.method === 'PATCH' && refused === 0) {
        refused += 1;
        return Promise.resolve(new Response(JSON.stringify({ detail: 'Service Unavailable' }), { status: 503 }));
      }
      return realFetch(input, init);
    };
    try {
      const errors: string[] = [];
      picker.addEventListener('planship-error', (event) => errors.push(event.action));
      radioFor(picker, 'pro')!.click();
      await answerDialog(picker);
      await until(() => shadow(picker).querySelector('[part~="action-error"]'), 'no action error shown');
      const alert = shadow(picker).querySelector('[part~="action-error"]')!;
      expect(alert.getAttribute('role')).to.equal('alert');
      expect(alert.textContent).to.contain('Could not change the plan: The billing service had a problem. Please try again.');
      expect(errors).to.deep.equal(['change-plan']);
      expect(refused).to.equal(1);
      await expect(picker).to.be.accessible();
      expect(await planOnServer(id)).to.equal('starter');
      alert.querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
      await until(() => radioFor(picker, 'pro')?.getAttribute('aria-checked') === 'true', 'the retry did not change the plan');
      expect(shadow(picker).querySelector('[part~="action-error"]')).to.equal(null);
      expect(await planOnServer(id)).to.equal('pro');
    } finally {
      window.fetch = realFetch;
    }
  });

  it('marks the acting plan as pending and blocks other choices until the API answers (simulated slow network)', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { picker } = await mount(id);
    await loaded(picker);
    // Simulated slow network: hold the plan change until the test lets it through.
    const network = holdPatches();
    try {
      let requests = 0;
      picker.addEventListener('planship-plan-change', () => (requests += 1));
      radioFor(picker, 'pro')!.click();
      await answerDialog(picker);
      await until(() => radioFor(picker, 'pro')!.getAttribute('aria-busy') === 'true', 'no pending state');
      expect(radioFor(picker, 'business')!.getAttribute('aria-disabled')).to.equal('true');
      radioFor(picker, 'business')!.click();
      await settled(picker);
      expect(shadow(picker).querySelector('dialog')!.open, 'another choice waits for the pending one').to.equal(false);
      expect(requests).to.equal(1);
      await expect(picker).to.be.accessible();
      network.release();
      await until(() => radioFor(picker, 'pro')!.getAttribute('aria-checked') === 'true', 'the change did not finish');
      expect(radioFor(picker, 'pro')!.getAttribute('aria-busy')).to.equal(null);
      expect(radioFor(picker, 'business')!.getAttribute('aria-disabled')).to.equal(null);
      expect(await planOnServer(id)).to.equal('pro');
    } finally {
      network.restore();
    }
  });

  it('is read-only for a member who is not an administrator of the subscription', async () => {
    const owner = await createCustomer({ plan: 'starter' });
    const member = await createCustomer();
    const [subscription] = await subscriptionOnServer(owner);
    const added = await admin('POST', `/api/v1/customers/${owner}/subscriptions/${subscription.subscription_id}/customers`, {
      customer_id: member,
      is_administrator: false,
    });
    expect(added.status).to.equal(200);
    const { picker } = await mount(member);
    await loaded(picker);
    expect(shadow(picker).querySelector('[part~="note"]')!.textContent).to.contain('Only an administrator');
    expect(radioFor(picker, 'starter')!.getAttribute('aria-checked')).to.equal('true');
    const pro = radioFor(picker, 'pro')!;
    expect(pro.getAttribute('aria-disabled')).to.equal('true');
    let requests = 0;
    picker.addEventListener('planship-plan-change', () => (requests += 1));
    pro.click();
    await settled(picker);
    expect(requests).to.equal(0);
    await expect(picker).to.be.accessible();
  });

  it("acts on the customer's own subscription, not a team subscription it was added to first (picker and manager)", async () => {
    const owner = await createCustomer({ plan: 'business' });
    const id = await createCustomer();
    const team = (await subscriptionOnServer(owner))[0];
    await admin('POST', `/api/v1/customers/${owner}/subscriptions/${team.subscription_id}/customers`, { customer_id: id });
    const own = await admin('POST', '/api/v1/products/acme-analytics/plans/starter/subscriptions', { customer_id: id });
    expect(own.status).to.equal(200);
    // The API lists the team subscription first (joined first).
    expect((await subscriptionOnServer(id)).map((subscription) => subscription.plan.slug)).to.deep.equal(['business', 'starter']);
    const { provider, picker } = await mount(id, {
      picker: html`<planship-plan-picker></planship-plan-picker><planship-subscription-manager></planship-subscription-manager>`,
    });
    await loaded(picker);
    expect(card(picker, 'starter').getAttribute('part')).to.equal('plan current');
    expect(shadow(picker).querySelector('[part~="note"]'), 'not read-only').to.equal(null);
    expect(radioFor(picker, 'pro')!.textContent).to.contain('Switch to Pro');
    const manager = provider.querySelector('planship-subscription-manager')!;
    await until(() => manager.shadowRoot!.querySelectorAll('[part~="plan-name"]').length === 2, 'manager did not list both');
    const plans = [...manager.shadowRoot!.querySelectorAll('[part~="plan-name"]')].map((name) => name.textContent);
    expect(plans).to.deep.equal(['Starter', 'Business']);
  });

  it('renders plan names containing markup as text', async () => {
    const id = await createCustomer({ plan: 'basic', product: 'markup-product' });
    const { picker } = await mount(id, { product: 'markup-product' });
    await loaded(picker);
    expect(shadow(picker).querySelector('img')).to.equal(null);
    expect(shadow(picker).querySelector('b')).to.equal(null);
    expect(card(picker, 'plus').querySelector('[part~="name"]')!.textContent).to.contain('<b>Bold</b>');
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
  });

  it('lines prices up across the cards of a row, whatever the badge, with amount and interval in different weights', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const prices = Object.fromEntries(['free', 'starter', 'pro'].map((slug, i) => [slug, { amount: i * 20, currency: 'USD', interval: 'month' }]));
    const { picker } = await mount(id, { picker: html`<planship-plan-picker .prices=${prices}></planship-plan-picker>` });
    await loaded(picker);
    const top = (slug: string, part: string) => card(picker, slug).querySelector(`[part~="${part}"]`)!.getBoundingClientRect().top;
    const bottom = (slug: string, part: string) => card(picker, slug).querySelector(`[part~="${part}"]`)!.getBoundingClientRect().bottom;
    // Starter carries the "Current plan" badge; its price is level with its neighbours'.
    expect(card(picker, 'starter').querySelector('[part~="current-badge"]')).to.not.equal(null);
    expect(top('starter', 'price')).to.equal(top('free', 'price'));
    expect(top('pro', 'price')).to.equal(top('free', 'price'));
    // Buttons end level at the foot of their cards (a longer label may wrap).
    expect(bottom('pro', 'action')).to.equal(bottom('free', 'action'));
    const weight = (part: string) => Number(getComputedStyle(card(picker, 'pro').querySelector(`[part~="${part}"]`)!).fontWeight);
    expect(weight('amount')).to.be.greaterThan(weight('interval'));
    expect(card(picker, 'pro').querySelector('[part~="interval"]')!.textContent).to.equal(' / month');
  });
  it('switches prices between Monthly and Yearly when the host gives both, and the dialog uses the chosen ones', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const prices = {
      starter: [{ amount: 19, currency: 'USD', interval: 'month' }, { amount: 190, currency: 'USD', interval: 'year' }],
      pro: [{ amount: 49, currency: 'USD', interval: 'month' }, { amount: 490, currency: 'USD', interval: 'year' }],
      business: { amount: 199, currency: 'USD', interval: 'month' },
    };
    const { picker } = await mount(id, { picker: html`<planship-plan-picker .prices=${prices}></planship-plan-picker>` });
    await loaded(picker);
    const price = (slug: string) => card(picker, slug).querySelector('[part~="price"]')!.textContent;
    const buttons = () => [...shadow(picker).querySelectorAll<HTMLButtonElement>('[part~="interval-button"]')];
    expect(shadow(picker).querySelector('[part~="interval-switch"]')!.getAttribute('aria-label')).to.equal('Billing period');
    expect(buttons().map((button) => [button.textContent, button.getAttribute('aria-pressed')])).to.deep.equal([['Monthly', 'true'], ['Yearly', 'false']]);
    expect(price('pro')).to.equal('$49.00 / month');
    await expect(picker).to.be.accessible();
    buttons()[1].click();
    await until(() => price('pro') === '$490.00 / year', 'yearly prices not shown');
    expect(picker.interval).to.equal('year');
    expect(buttons().map((button) => button.getAttribute('aria-pressed'))).to.deep.equal(['false', 'true']);
    // A plan with one price keeps it.
    expect(price('business')).to.equal('$199.00 / month');
    await transitionsDone();
    await expect(picker).to.be.accessible();
    radioFor(picker, 'pro')!.click();
    expect((await dialogContent(picker)).lines[1]).to.equal('Price: $190.00 / year → $490.00 / year (+$300.00 / year)');
    await answerDialog(picker, false);
    // Without a plan priced both ways there is no switch.
    const single = await mount(id, { picker: html`<planship-plan-picker .prices=${{ pro: { amount: 49, currency: 'USD', interval: 'month' } }}></planship-plan-picker>` });
    await loaded(single.picker);
    expect(shadow(single.picker).querySelector('[part~="interval-switch"]')).to.equal(null);
  });

  it('marks the recommended plan (badge, emphasis, and in words for screen readers), prices still level', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const prices = Object.fromEntries(['free', 'starter', 'pro'].map((slug, i) => [slug, { amount: i * 20, currency: 'USD', interval: 'month' }]));
    const { picker } = await mount(id, { picker: html`<planship-plan-picker recommended="pro" .prices=${prices}></planship-plan-picker>` });
    await loaded(picker);
    const pro = card(picker, 'pro');
    expect(pro.getAttribute('part')).to.equal('plan recommended');
    const badge = pro.querySelector('[part~="recommended-badge"]')!;
    expect(badge.textContent).to.equal('Recommended');
    expect(radioFor(picker, 'pro')!.getAttribute('aria-describedby')!.split(' ')).to.include(badge.id);
    expect(getComputedStyle(pro).borderColor).to.equal(getComputedStyle(card(picker, 'starter')).borderColor, 'accent border like the current plan');
    expect(shadow(picker).querySelectorAll('[part~="recommended"]')).to.have.length(1);
    const top = (slug: string) => card(picker, slug).querySelector('[part~="price"]')!.getBoundingClientRect().top;
    expect(top('pro')).to.equal(top('free'));
    expect(top('starter')).to.equal(top('free'));
    await expect(picker).to.be.accessible();
  });

  it('is read-only on a contract plan, saying so (no choice that can only fail, none emphasized)', async () => {
    const id = await createCustomer({ plan: 'enterprise' });
    const { picker } = await mount(id, { picker: html`<planship-plan-picker recommended="pro"></planship-plan-picker>` });
    await loaded(picker);
    expect(radios(picker).filter((radio) => radio.classList.contains('primary'))).to.deep.equal([]);
    expect(shadow(picker).querySelector('[part~="note"]')!.textContent).to.equal('This plan is sold by contract: contact us to change it.');
    expect(shadow(picker).querySelector('[role="radiogroup"]')!.getAttribute('aria-readonly')).to.equal('true');
    let requests = 0;
    picker.addEventListener('planship-plan-change', () => (requests += 1));
    radioFor(picker, 'pro')!.click();
    await settled(picker);
    expect(shadow(picker).querySelector('dialog')!.open).to.equal(false);
    expect(requests).to.equal(0);
    await expect(picker).to.be.accessible();
  });

  it('while the subscription is cancelled: another plan keeps it going with that plan; "Keep" resumes it', async () => {
    const { id, subscriptionId } = await subscribedCustomer('pro', { auto_renew: false });
    const { picker } = await mount(id);
    await loaded(picker);
    expect(radioFor(picker, 'pro')!.textContent!.trim()).to.equal('Keep Pro');
    const requested = oneEvent(picker, 'planship-plan-change') as Promise<PlanshipPlanChangeEvent>;
    radioFor(picker, 'business')!.click();
    await answerDialog(picker);
    const request = await requested;
    expect({ id: request.subscriptionId, resumes: request.resumes }).to.deep.equal({ id: subscriptionId, resumes: true });
    await until(() => radioFor(picker, 'business')?.getAttribute('aria-checked') === 'true', 'not changed');
    const after = await subscriptionOnServer(id);
    expect(after).to.have.length(1);
    expect(after[0]).to.include({ subscription_id: subscriptionId, is_active: true, auto_renew: true });
    expect(after[0].plan.slug).to.equal('business');

    // Cancelled again: keeping the current plan only turns renewal back on.
    await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscriptionId}`, { auto_renew: false });
    await until(() => radioFor(picker, 'business')?.textContent!.trim() === 'Keep Business', 'cancellation not shown');
    radioFor(picker, 'business')!.click();
    const content = await dialogContent(picker);
    expect(content.heading).to.equal('Keep Business?');
    expect(content.lines[0]).to.equal(`Renews on ${date(after[0].renew_at)}.`);
    await answerDialog(picker);
    await until(async () => (await subscriptionOnServer(id))[0].auto_renew, 'not resumed');
    expect((await subscriptionOnServer(id))[0].plan.slug).to.equal('business');
  });

  it('reactivates the customer\'s ended subscription with the chosen plan instead of creating a second one', async () => {
    const { id, subscriptionId: endedId } = await subscribedCustomer('pro', { is_active: false });
    const { picker } = await mount(id);
    await loaded(picker);
    expect(radioFor(picker, 'starter')!.textContent!.trim()).to.equal('Choose Starter');
    const requested = oneEvent(picker, 'planship-plan-change') as Promise<PlanshipPlanChangeEvent>;
    const changed = oneEvent(picker, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    radioFor(picker, 'starter')!.click();
    expect((await dialogContent(picker)).heading).to.equal('Subscribe to Starter?');
    await answerDialog(picker);
    const request = await requested;
    expect({ id: request.subscriptionId, from: request.fromPlan, resumes: request.resumes }).to.deep.equal({
      id: endedId,
      from: 'pro',
      resumes: true,
    });
    expect((await changed).change).to.equal('active');
    const after = await subscriptionOnServer(id);
    expect(after).to.have.length(1);
    expect(after[0]).to.include({ subscription_id: endedId, is_active: true, auto_renew: true });
    expect(after[0].plan.slug).to.equal('starter');
    await until(() => radioFor(picker, 'starter')?.getAttribute('aria-checked') === 'true', 'not shown as current');
  });

  it('focus() puts focus on the plans (the radio that holds the Tab stop)', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { picker } = await mount(id);
    await loaded(picker);
    picker.focus();
    expect(shadow(picker).activeElement).to.equal(radioFor(picker, 'pro'));
  });
});

describe('<planship-plan-picker> with the subscription manager: cancel, choose another plan, resume', () => {
  /** A Starter customer's picker and manager, after cancelling in the manager (`cancel-at`). */
  async function cancelled(cancelAt: 'now' | 'period-end') {
    const id = await createCustomer({ plan: 'starter' });
    const { provider, picker } = await mount(id, {
      picker: html`<planship-plan-picker></planship-plan-picker><planship-subscription-manager cancel-at=${cancelAt}></planship-subscription-manager>`,
    });
    const manager = provider.querySelector('planship-subscription-manager')!;
    const inManager = (selector: string) => manager.shadowRoot!.querySelector<HTMLButtonElement>(selector);
    const plan = () => manager.shadowRoot!.querySelector('[part~="plan-name"]')?.textContent;
    await loaded(picker);
    await until(() => inManager('[part~="cancel-button"]'), 'manager not loaded');
    inManager('[part~="cancel-button"]')!.click();
    await answerDialog(manager);
    await until(() => inManager('[part~="resume-button"]'), 'not cancelled');
    return { id, picker, inManager, plan };
  }

  it('ends with exactly one active subscription (cancel now, choose, then nothing left to resume)', async () => {
    const { id, picker, inManager, plan } = await cancelled('now');
    await until(() => radioFor(picker, 'pro')?.textContent!.trim() === 'Choose Pro', 'the picker did not follow');
    radioFor(picker, 'pro')!.click();
    await answerDialog(picker);
    await until(() => plan() === 'Pro' && !inManager('[part~="resume-button"]'), 'not reactivated');
    // Resume is no longer offered: it would be a second active subscription.
    expect(inManager('[part~="cancel-button"]')).to.not.equal(null);
    const all = await subscriptionOnServer(id);
    expect(all.filter((subscription) => subscription.is_active)).to.have.length(1);
    expect(all).to.have.length(1);
  });

  it('ends with exactly one active subscription (cancel at period end, choose, resume gone)', async () => {
    const { id, picker, inManager, plan } = await cancelled('period-end');
    radioFor(picker, 'business')!.click();
    await answerDialog(picker);
    await until(() => plan() === 'Business' && inManager('[part~="cancel-button"]'), 'not kept going');
    expect(inManager('[part~="resume-button"]')).to.equal(null);
    const all = await subscriptionOnServer(id);
    expect(all).to.have.length(1);
    expect(all[0]).to.include({ is_active: true, auto_renew: true });
  });
});

describe('<planship-plan-picker> refusals in words (on a server whose live updates are off, so the page is out of date)', () => {
  let server: ServerInfo;
  before(async () => {
    server = await ownServer();
    await refuseSockets(server);
  });

  it('subscribing while a subscription exists (409) says to change its plan, with no Retry, and creates nothing', async () => {
    const id = await createCustomer({ server });
    const { picker } = await mount(id, { server });
    await loaded(picker);
    // Meanwhile the customer subscribed in another tab; this page does not know.
    expect((await admin('POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { customer_id: id }, server)).status).to.equal(200);
    radioFor(picker, 'pro')!.click();
    await answerDialog(picker);
    await until(() => shadow(picker).querySelector('[part~="action-error"]'), 'no error shown');
    const alert = shadow(picker).querySelector('[part~="action-error"]')!;
    expect(alert.textContent!.trim()).to.equal(
      'Could not change the plan: You already have a subscription to this product: change its plan instead of subscribing again.',
    );
    expect(alert.querySelector('[part~="retry-button"]')).to.equal(null);
    expect(await subscriptionOnServer(id, server)).to.have.length(1);
    await expect(picker).to.be.accessible();
  });
});

