import { expect, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/provider/provider.ts';
import '../../src/components/subscription-manager/subscription-manager.ts';
import type { PlanshipSubscriptionManager } from '../../src/components/subscription-manager/subscription-manager.ts';
import type { PlanshipSubscriptionMembers } from '../../src/components/subscription-manager/members-list.ts';
import type { PlanshipSubscriptionChangeEvent } from '../../src/components/shared/events.ts';
import { admin, createCustomer, customerToken, holdPatches, mountProvider, slowTokenGetter } from './helpers.ts';

type Getter = (forceRefresh?: boolean) => Promise<string>;

/** waitUntil with room for a busy machine (the default is one second). */
const until = (predicate: () => unknown, message?: string) => waitUntil(predicate, message, { timeout: 5000 });

interface WireSubscription {
  subscription_id: string;
  plan: { slug: string };
  renew_plan: { slug: string };
  is_active: boolean;
  auto_renew: boolean;
  max_subscribers: number;
  renew_at: string;
}

async function mount(customerId: string, getter?: Getter) {
  const provider = await mountProvider(customerId, html`<planship-subscription-manager></planship-subscription-manager>`, getter);
  return { provider, manager: provider.querySelector('planship-subscription-manager') as PlanshipSubscriptionManager };
}

const root = (manager: PlanshipSubscriptionManager) => manager.shadowRoot!;
const part = <T extends HTMLElement = HTMLElement>(manager: PlanshipSubscriptionManager, name: string) =>
  root(manager).querySelector<T>(`[part~="${name}"]`);
const members = (manager: PlanshipSubscriptionManager) => part(manager, 'members') as PlanshipSubscriptionMembers | null;
const inMembers = <T extends HTMLElement = HTMLElement>(manager: PlanshipSubscriptionManager, selector: string) =>
  members(manager)?.shadowRoot?.querySelector<T>(selector) ?? null;
const memberIds = (manager: PlanshipSubscriptionManager) =>
  [...(members(manager)?.shadowRoot?.querySelectorAll('[part~="member"] [data-customer]') ?? [])].map((node) => node.getAttribute('data-customer')!);
const memberNames = (manager: PlanshipSubscriptionManager) =>
  [...(members(manager)?.shadowRoot?.querySelectorAll('[part~="member"]') ?? [])].map((node) => node.textContent!.replace(/\s+/g, ' ').trim());
const dialogIn = (host: Element) => host.shadowRoot!.querySelector('dialog')!;

async function loaded(manager: PlanshipSubscriptionManager) {
  await until(() => part(manager, 'subscription'), 'no subscription shown');
  await until(() => inMembers(manager, '[part~="member-list"]'), 'no members shown');
}

async function serverSubscription(customerId: string): Promise<WireSubscription> {
  const answer = await admin('GET', `/api/v1/customers/${customerId}/subscriptions`);
  expect(answer.status).to.equal(200);
  return answer.body[0];
}

async function confirm(host: Element) {
  await until(() => dialogIn(host).open, 'no confirmation dialog');
  dialogIn(host).querySelector<HTMLButtonElement>('[part~="dialog-confirm"]')!.click();
}

describe('<planship-subscription-manager>', () => {
  it('shows loading until the token arrives, then the subscription (accessible in both)', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const slow = slowTokenGetter(id);
    const { manager } = await mount(id, slow.getter);
    expect(part(manager, 'loading')!.getAttribute('role')).to.equal('progressbar');
    await expect(manager).to.be.accessible();
    slow.release();
    await loaded(manager);
    expect(part(manager, 'loading')).to.equal(null);
    await expect(manager).to.be.accessible();
  });

  it('shows plan, status, renewal, auto-renew, seats and members', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager } = await mount(id);
    await loaded(manager);
    const subscription = await serverSubscription(id);
    expect(part(manager, 'plan-name')!.textContent).to.equal('Pro');
    expect(part(manager, 'status')!.textContent!.trim()).to.equal('Active');
    const renewDate = new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium' }).format(new Date(subscription.renew_at));
    expect(part(manager, 'renewal')!.textContent).to.equal(`Renews on ${renewDate}.`);
    const autoRenew = part(manager, 'auto-renew')!;
    expect(autoRenew.getAttribute('role')).to.equal('switch');
    expect(autoRenew.getAttribute('aria-checked')).to.equal('true');
    expect(inMembers(manager, '[part~="seats"] .summary')!.textContent).to.equal('1 of 10 seats used');
    expect(inMembers<HTMLInputElement>(manager, '#seats')!.value).to.equal('10');
    expect(memberIds(manager)).to.deep.equal([id]);
    expect(inMembers(manager, '[part~="admin-badge"]')!.textContent).to.equal('Administrator');
    await expect(manager).to.be.accessible();
  });

  it('is accessible in the dark theme', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager } = await mount(id);
    manager.theme = 'dark';
    await loaded(manager);
    expect(getComputedStyle(part(manager, 'base')!).color).to.equal('rgb(230, 237, 243)');
    await expect(manager).to.be.accessible();
  });

  it('paints a token set on it in its own controls and in the nested members area', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager } = await mount(id);
    manager.style.setProperty('--planship-color-danger', 'rgb(200, 0, 100)');
    await loaded(manager);
    expect(getComputedStyle(part(manager, 'cancel-button')!).color).to.equal('rgb(200, 0, 100)');
    expect(getComputedStyle(members(manager)!).getPropertyValue('--_danger').trim()).to.equal('rgb(200, 0, 100)');
  });

  it('shows an empty state for a customer without a subscription', async () => {
    const id = await createCustomer();
    const { manager } = await mount(id);
    await until(() => part(manager, 'empty'), 'no empty state');
    expect(part(manager, 'empty')!.textContent).to.equal('No subscription yet.');
    await expect(manager).to.be.accessible();
  });

  it('shows a load error with retry when the token service fails, and recovers', async () => {
    const id = await createCustomer({ plan: 'starter' });
    let failing = true;
    const errors: string[] = [];
    const { manager } = await mount(id, async () => {
      if (failing) throw new Error('token service unavailable');
      return customerToken(id);
    });
    manager.addEventListener('planship-error', (event) => errors.push(event.action));
    await until(() => part(manager, 'error'), 'no error state');
    expect(part(manager, 'error')!.getAttribute('role')).to.equal('alert');
    await expect(manager).to.be.accessible();
    failing = false;
    part<HTMLButtonElement>(manager, 'retry-button')!.click();
    await loaded(manager);
    expect(part(manager, 'error')).to.equal(null);
    expect(part(manager, 'plan-name')!.textContent).to.equal('Starter');
  });

  it('turns auto-renew off and on with the switch (click and Space)', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { manager } = await mount(id);
    await loaded(manager);
    const changed = oneEvent(manager, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    part<HTMLButtonElement>(manager, 'auto-renew')!.click();
    expect((await changed).change).to.equal('auto-renew');
    await until(() => part(manager, 'auto-renew')!.getAttribute('aria-checked') === 'false', 'switch did not turn off');
    expect((await serverSubscription(id)).auto_renew).to.equal(false);
    expect(part(manager, 'renewal')!.textContent).to.contain('will not renew');
    await expect(manager).to.be.accessible();
    part<HTMLButtonElement>(manager, 'auto-renew')!.focus();
    await sendKeys({ press: 'Space' });
    await until(() => part(manager, 'auto-renew')!.getAttribute('aria-checked') === 'true', 'Space did not turn it on');
    expect((await serverSubscription(id)).auto_renew).to.equal(true);
    expect(root(manager).activeElement).to.equal(part(manager, 'auto-renew'));
  });

  it('marks the acting control as pending and blocks the others (simulated slow network)', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { manager } = await mount(id);
    await loaded(manager);
    // Simulated slow network: hold the change until the test lets it through.
    const network = holdPatches();
    try {
      part<HTMLButtonElement>(manager, 'auto-renew')!.click();
      await until(() => part(manager, 'auto-renew')!.getAttribute('aria-busy') === 'true', 'no pending state');
      expect(part(manager, 'cancel-button')!.getAttribute('aria-disabled')).to.equal('true');
      part<HTMLButtonElement>(manager, 'cancel-button')!.click();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(dialogIn(manager).open, 'cancel must wait for the pending action').to.equal(false);
      await expect(manager).to.be.accessible();
      network.release();
      await until(() => part(manager, 'auto-renew')!.getAttribute('aria-checked') === 'false', 'the change did not finish');
      expect(part(manager, 'auto-renew')!.getAttribute('aria-busy')).to.equal(null);
      expect(part(manager, 'cancel-button')!.getAttribute('aria-disabled')).to.equal(null);
    } finally {
      network.restore();
    }
  });

  it('cancels only after confirmation, then resumes', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager } = await mount(id);
    await loaded(manager);
    part<HTMLButtonElement>(manager, 'cancel-button')!.click();
    await until(() => dialogIn(manager).open, 'no confirmation dialog');
    expect(dialogIn(manager).textContent).to.contain('Cancel Pro?');
    await expect(dialogIn(manager)).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await until(() => !dialogIn(manager).open);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await serverSubscription(id)).is_active).to.equal(true);

    part<HTMLButtonElement>(manager, 'cancel-button')!.click();
    await confirm(manager);
    await until(() => part(manager, 'resume-button'), 'no resume button');
    expect((await serverSubscription(id)).is_active).to.equal(false);
    expect(part(manager, 'status')!.textContent!.trim()).to.equal('Cancelled');
    expect(part(manager, 'subscription')!.getAttribute('part')).to.contain('inactive');
    await until(() => root(manager).activeElement === part(manager, 'resume-button'), 'focus did not move to Resume');
    await expect(manager).to.be.accessible();

    part<HTMLButtonElement>(manager, 'resume-button')!.click();
    await until(() => part(manager, 'cancel-button'), 'not resumed');
    expect((await serverSubscription(id)).is_active).to.equal(true);
  });

  it('validates seats inline (whole number, at least 1, not below members) and saves a valid value', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const other = await createCustomer();
    const subscription = await serverSubscription(id);
    await admin('POST', `/api/v1/customers/${id}/subscriptions/${subscription.subscription_id}/customers`, { customer_id: other });
    const { manager } = await mount(id);
    await loaded(manager);
    await until(() => memberIds(manager).length === 2);
    const host = members(manager)!;
    const input = () => inMembers<HTMLInputElement>(manager, '#seats')!;
    const save = () => inMembers<HTMLButtonElement>(manager, '[part~="seats-button"]')!.click();
    const message = () => inMembers(manager, '#seats-error')?.textContent ?? '';

    for (const [value, expected] of [
      ['0', 'at least 1 seat'],
      ['2.5', 'whole number'],
      ['1', 'remove members before going below 2 seats'],
    ]) {
      input().value = value;
      input().dispatchEvent(new Event('input'));
      save();
      await host.updateComplete;
      expect(message(), value).to.contain(expected);
      expect(input().getAttribute('aria-invalid')).to.equal('true');
      expect(input().getAttribute('aria-describedby')).to.equal('seats-error');
    }
    await expect(manager).to.be.accessible();
    expect((await serverSubscription(id)).max_subscribers).to.equal(10);

    // Typing clears the message; lowering seats asks first.
    input().value = '4';
    input().dispatchEvent(new Event('input'));
    await host.updateComplete;
    expect(input().getAttribute('aria-invalid')).to.equal('false');
    const changed = oneEvent(manager, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    save();
    await confirm(host);
    expect((await changed).change).to.equal('seats');
    expect((await serverSubscription(id)).max_subscribers).to.equal(4);
    await until(() => inMembers(manager, '[part~="seats"] .summary')?.textContent === '2 of 4 seats used', 'seats not updated');
  });

  it('adds a member by customer id (as administrator) and removes one after confirmation', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const colleague = await createCustomer();
    const { manager } = await mount(id);
    await loaded(manager);
    const host = members(manager)!;
    inMembers<HTMLInputElement>(manager, '#member-id')!.value = colleague;
    inMembers<HTMLInputElement>(manager, '#member-admin')!.checked = true;
    const added = oneEvent(manager, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    inMembers<HTMLButtonElement>(manager, '[part~="add-form"] button[type="submit"]')!.click();
    expect((await added).change).to.equal('member-added');
    await until(() => memberIds(manager).includes(colleague), 'member not listed');
    // Teammates are shown by name; the token's own row says "(you)".
    const colleagueName: string = (await admin('GET', `/api/v1/customers/${colleague}`)).body.name;
    const names = memberNames(manager);
    expect(names.find((line) => line.startsWith(colleagueName))).to.contain('Administrator');
    expect(names.filter((line) => line.includes('(you)'))).to.have.length(1);
    expect(names.find((line) => line.includes('(you)'))).to.match(/^Test /);
    expect(inMembers<HTMLInputElement>(manager, '#member-id')!.value).to.equal('');
    const onServer = await admin('GET', `/api/v1/customers/${id}/subscriptions/${(await serverSubscription(id)).subscription_id}/customers`);
    const entry = onServer.body.find((member: { customer_id: string }) => member.customer_id === colleague);
    expect(entry.is_administrator).to.equal(true);
    await expect(manager).to.be.accessible();

    const remove = host.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="remove-button"][aria-label="Remove ${colleagueName}"]`)!;
    expect(host.shadowRoot!.querySelectorAll('[part~="remove-button"]').length).to.equal(1);
    remove.click();
    await until(() => dialogIn(host).open);
    expect(dialogIn(host).textContent).to.contain(colleagueName);
    await confirm(host);
    await until(() => !memberIds(manager).includes(colleague), 'member not removed');
    await until(() => host.shadowRoot!.activeElement?.id === 'member-id', 'focus was lost after removing');
    const after = await admin('GET', `/api/v1/customers/${id}/subscriptions/${(await serverSubscription(id)).subscription_id}/customers`);
    expect(after.body.map((member: { customer_id: string }) => member.customer_id)).to.deep.equal([id]);
  });

  it('names members (name, else email) when the answer carries them, as a product-level view does (simulated host proxy)', async () => {
    const id = await createCustomer({ plan: 'pro', name: 'Ada Owner' });
    const named = await createCustomer({ name: 'Grace Member' });
    const nameless = await admin('POST', '/api/v1/customers', { email: `nameless-${Date.now()}@example.com` });
    const subscription = await serverSubscription(id);
    for (const member of [named, nameless.body.id]) {
      await admin('POST', `/api/v1/customers/${id}/subscriptions/${subscription.subscription_id}/customers`, { customer_id: member });
    }
    // The host proxies member lists through its backend, which reads them with product credentials.
    const realFetch = window.fetch;
    window.fetch = async (input, init) => {
      const target = new URL(String(input instanceof Request ? input.url : input));
      if ((init?.method ?? 'GET') !== 'GET' || !target.pathname.endsWith('/customers')) return realFetch(input, init);
      const answer = await admin('GET', target.pathname);
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
    };
    try {
      const { manager } = await mount(id);
      await loaded(manager);
      await until(() => memberIds(manager).length === 3, 'members not listed');
      const names = memberNames(manager);
      expect(names[0]).to.equal('Ada Owner (you) Administrator');
      expect(names[1]).to.equal('Grace Member Remove');
      expect(names[2]).to.equal(`${nameless.body.email} Remove`);
      expect(inMembers(manager, '[part~="remove-button"][aria-label="Remove Grace Member"]')).to.not.equal(null);
      await expect(manager).to.be.accessible();
    } finally {
      window.fetch = realFetch;
    }
  });

  it('shows an error with retry when the customer to add does not exist yet', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { manager } = await mount(id);
    await loaded(manager);
    const errors: string[] = [];
    manager.addEventListener('planship-error', (event) => errors.push(event.action));
    // An empty id is caught inline, before any request.
    inMembers<HTMLButtonElement>(manager, '[part~="add-form"] button[type="submit"]')!.click();
    await until(() => inMembers(manager, '#member-error'), 'no inline message');
    expect(inMembers(manager, '#member-id')!.getAttribute('aria-invalid')).to.equal('true');

    inMembers<HTMLInputElement>(manager, '#member-id')!.value = crypto.randomUUID();
    inMembers<HTMLButtonElement>(manager, '[part~="add-form"] button[type="submit"]')!.click();
    await until(() => inMembers(manager, '[part~="action-error"]'), 'no error shown');
    const alert = inMembers(manager, '[part~="action-error"]')!;
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.contain('not found');
    expect(errors).to.deep.equal(['add-member']);
    await expect(manager).to.be.accessible();
  });

  it('shows a scheduled plan change and calls it off with "Keep <plan>"', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager, provider } = await mount(id);
    await loaded(manager);
    await until(() => provider.getAttribute('connection') === 'live', 'not live');
    const subscription = await serverSubscription(id);
    await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscription.subscription_id}`, { renew_plan_slug: 'starter' });
    await until(() => part(manager, 'keep-plan-button'), 'scheduled change not shown live');
    expect(part(manager, 'renewal')!.textContent).to.contain('Changes to Starter on');
    await expect(manager).to.be.accessible();
    part<HTMLButtonElement>(manager, 'keep-plan-button')!.click();
    await until(() => !part(manager, 'keep-plan-button'), 'scheduled change not called off');
    expect((await serverSubscription(id)).renew_plan.slug).to.equal('pro');
  });

  it('shows the subscription read-only to a member who is not an administrator', async () => {
    const owner = await createCustomer({ plan: 'business' });
    const member = await createCustomer();
    const subscription = await serverSubscription(owner);
    await admin('POST', `/api/v1/customers/${owner}/subscriptions/${subscription.subscription_id}/customers`, { customer_id: member });
    const { manager } = await mount(member);
    await loaded(manager);
    await until(() => memberIds(manager).length === 2);
    expect(part(manager, 'plan-name')!.textContent).to.equal('Business');
    expect(part(manager, 'auto-renew')).to.equal(null);
    expect(part(manager, 'cancel-button')).to.equal(null);
    expect(inMembers(manager, '#seats')).to.equal(null);
    expect(inMembers(manager, '[part~="remove-button"]')).to.equal(null);
    expect(inMembers(manager, '[part~="add-form"]')).to.equal(null);
    expect(root(manager).textContent).to.contain("Managed by this subscription's administrator");
    await expect(manager).to.be.accessible();
  });

  it('follows a plan change made elsewhere, live', async () => {
    const id = await createCustomer({ plan: 'starter' });
    const { manager, provider } = await mount(id);
    await loaded(manager);
    await until(() => provider.getAttribute('connection') === 'live', 'not live');
    const subscription = await serverSubscription(id);
    await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscription.subscription_id}`, { plan_slug: 'business' });
    await until(() => part(manager, 'plan-name')?.textContent === 'Business', 'did not update live');
  });
});
