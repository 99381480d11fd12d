import { expect, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import '../../src/components/provider/provider.ts';
import '../../src/components/subscription-manager/subscription-manager.ts';
import '../../src/locales/de.ts';
import type { PlanshipSubscriptionManager } from '../../src/components/subscription-manager/subscription-manager.ts';
import type { PlanshipSubscriptionMembers } from '../../src/components/subscription-manager/members-list.ts';
import type { PlanshipMemberInviteEvent, PlanshipSubscriptionChangeEvent } from '../../src/components/shared/events.ts';
import {
  PRODUCT,
  admin,
  answerDialog,
  createCustomer,
  customerToken,
  holdPatches,
  holdRequests,
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

interface WireSubscription {
  subscription_id: string;
  plan: { slug: string };
  renew_plan: { slug: string };
  is_active: boolean;
  auto_renew: boolean;
  max_subscribers: number;
  renew_at: string;
}

async function mount(customerId: string, options: { getter?: TokenGetter; manager?: TemplateResult; server?: ServerInfo } = {}) {
  const inner = options.manager ?? html`<planship-subscription-manager></planship-subscription-manager>`;
  const provider = await mountProvider(customerId, inner, options.getter, PRODUCT, options.server);
  return { provider, manager: provider.querySelector('planship-subscription-manager') as PlanshipSubscriptionManager };
}

const root = (manager: PlanshipSubscriptionManager) => manager.shadowRoot!;
const part = <T extends HTMLElement = HTMLElement>(manager: PlanshipSubscriptionManager, name: string) =>
  root(manager).querySelector<T>(`[part~="${name}"]`);
const text = (manager: PlanshipSubscriptionManager, name: string) => part(manager, name)?.textContent!.replace(/\s+/g, ' ').trim();
const members = (manager: PlanshipSubscriptionManager) => part(manager, 'members') as PlanshipSubscriptionMembers | null;
const inMembers = <T extends HTMLElement = HTMLElement>(manager: PlanshipSubscriptionManager, selector: string) =>
  members(manager)?.shadowRoot?.querySelector<T>(selector) ?? null;
const memberIds = (manager: PlanshipSubscriptionManager) =>
  [...(members(manager)?.shadowRoot?.querySelectorAll('[part~="member"]') ?? [])].map((node) => node.getAttribute('data-customer')!);
const memberLines = (manager: PlanshipSubscriptionManager) =>
  [...(members(manager)?.shadowRoot?.querySelectorAll('[part~="member"]') ?? [])].map((node) => node.textContent!.replace(/\s+/g, ' ').trim());
const date = (iso: string) => new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium' }).format(new Date(iso));

async function loaded(manager: PlanshipSubscriptionManager) {
  await until(() => part(manager, 'subscription'), 'no subscription shown');
  await until(() => inMembers(manager, '[part~="member-list"]'), 'no members shown');
}

async function serverSubscription(customerId: string, server?: ServerInfo): Promise<WireSubscription> {
  const answer = await admin('GET', `/api/v1/customers/${customerId}/subscriptions`, undefined, server);
  expect(answer.status).to.equal(200);
  return answer.body[0];
}

/** Adds `member` to the subscription of `owner` (the host's backend, with product credentials). */
async function addMember(owner: string, member: string, isAdministrator = false) {
  const { subscription_id: id } = await serverSubscription(owner);
  const added = await admin('POST', `/api/v1/customers/${owner}/subscriptions/${id}/customers`, { customer_id: member, is_administrator: isAdministrator });
  expect(added.status).to.equal(200);
  return id;
}

describe('<planship-subscription-manager>', () => {
  it('shows loading until the token arrives, then the subscription (accessible in both)', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const slow = slowTokenGetter(id);
    const { manager } = await mount(id, { getter: slow.getter });
    expect(part(manager, 'loading')!.getAttribute('role')).to.equal('progressbar');
    await expect(manager).to.be.accessible();
    slow.release();
    await loaded(manager);
    expect(part(manager, 'loading')).to.equal(null);
    await expect(manager).to.be.accessible();
  });

  it('shows plan, status, renewal, one cancel control (no auto-renew switch), seats and members', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager } = await mount(id);
    await loaded(manager);
    const subscription = await serverSubscription(id);
    expect(part(manager, 'plan-name')!.textContent).to.equal('Pro');
    expect(text(manager, 'status')).to.equal('Active');
    expect(part(manager, 'renewal')!.textContent).to.equal(`Renews on ${date(subscription.renew_at)}.`);
    expect(root(manager).querySelector('[role=switch]')).to.equal(null);
    expect(text(manager, 'cancel-button')).to.equal('Cancel subscription');
    expect(part(manager, 'resume-button')).to.equal(null);
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

  it('exports the parts of its members area: a page styles them through the manager', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const style = document.createElement('style');
    style.textContent = 'planship-subscription-manager::part(member-name) { color: rgb(1, 2, 3); }';
    document.head.append(style);
    try {
      const { manager } = await mount(id);
      await loaded(manager);
      expect(getComputedStyle(inMembers(manager, '[part~="member-name"]')!).color).to.equal('rgb(1, 2, 3)');
      const exported = members(manager)!.getAttribute('exportparts')!.split(',');
      const rendered = [...members(manager)!.shadowRoot!.querySelectorAll('[part]')].flatMap((element) => element.getAttribute('part')!.split(/\s+/));
      expect(rendered.length).to.be.greaterThan(5);
      // base, loading and the dialog are the manager's own names for them.
      expect(rendered.filter((name) => !exported.includes(name) && !['base', 'loading', 'dialog'].includes(name))).to.deep.equal([]);
    } finally {
      style.remove();
    }
  });

  it('shows an empty state for a customer without a subscription, and the host\'s payment method and invoices', async () => {
    const id = await createCustomer();
    const { manager } = await mount(id, {
      manager: html`<planship-subscription-manager>
        <p slot="payment-method">Visa ending 4242</p>
        <a slot="invoices" href="#invoices">Invoices</a>
      </planship-subscription-manager>`,
    });
    await until(() => part(manager, 'empty'), 'no empty state');
    expect(part(manager, 'empty')!.textContent).to.equal('No subscription yet.');
    const slotted = (name: string) => root(manager).querySelector<HTMLSlotElement>(`slot[name="${name}"]`)!.assignedElements().map((node) => node.textContent);
    expect(slotted('payment-method')).to.deep.equal(['Visa ending 4242']);
    expect(slotted('invoices')).to.deep.equal(['Invoices']);
    await expect(manager).to.be.accessible();
  });

  it('shows a load error with retry when the token service fails, and recovers', async () => {
    const id = await createCustomer({ plan: 'starter' });
    let failing = true;
    const { manager } = await mount(id, {
      getter: async () => {
        if (failing) throw new Error('token service unavailable');
        return customerToken(id);
      },
    });
    await until(() => part(manager, 'error'), 'no error state');
    expect(part(manager, 'error')!.getAttribute('role')).to.equal('alert');
    await expect(manager).to.be.accessible();
    failing = false;
    part<HTMLButtonElement>(manager, 'retry-button')!.click();
    await loaded(manager);
    expect(part(manager, 'error')).to.equal(null);
    expect(part(manager, 'plan-name')!.textContent).to.equal('Starter');
  });

  it('cancels at the end of the period after confirmation ("Ends on"), keeps access, and resumes', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager } = await mount(id);
    await loaded(manager);
    const { renew_at: renewAt } = await serverSubscription(id);
    part<HTMLButtonElement>(manager, 'cancel-button')!.click();
    const dialog = await openDialog(manager);
    expect(dialog.textContent).to.contain('Cancel Pro?');
    expect(dialog.textContent).to.contain(`Pro stays active until ${date(renewAt)}, then ends.`);
    expect(dialog.querySelector('[part~="dialog-cancel"]')!.textContent).to.equal('Keep subscription');
    await expect(dialog).to.be.accessible();
    // Escape (or "Keep subscription") changes nothing.
    const writes = countWrites();
    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open);
    await settled(manager);
    writes.restore();
    expect(writes.count, 'a write was sent').to.equal(0);
    expect(await serverSubscription(id)).to.include({ is_active: true, auto_renew: true });

    const changed = oneEvent(manager, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    part<HTMLButtonElement>(manager, 'cancel-button')!.click();
    await answerDialog(manager);
    expect((await changed).change).to.equal('auto-renew');
    await until(() => part(manager, 'resume-button'), 'no resume button');
    expect(await serverSubscription(id)).to.include({ is_active: true, auto_renew: false });
    expect(text(manager, 'status')).to.equal('Cancelled');
    expect(part(manager, 'renewal')!.textContent).to.equal(`Ends on ${date(renewAt)}; it will not renew.`);
    expect(part(manager, 'subscription')!.getAttribute('part')).to.equal('subscription');
    expect(part(manager, 'cancel-button')).to.equal(null);
    await until(() => root(manager).activeElement === part(manager, 'resume-button'), 'focus did not move to Resume');
    await expect(manager).to.be.accessible();
    manager.theme = 'dark';
    await manager.updateComplete;
    await transitionsDone();
    await expect(manager).to.be.accessible();

    part<HTMLButtonElement>(manager, 'resume-button')!.click();
    await until(() => part(manager, 'cancel-button'), 'not resumed');
    expect(await serverSubscription(id)).to.include({ is_active: true, auto_renew: true });
    expect(text(manager, 'status')).to.equal('Active');
  });

  it('with cancel-at="now" ends at once after a dialog that says so, then resumes the ended subscription', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager } = await mount(id, { manager: html`<planship-subscription-manager cancel-at="now"></planship-subscription-manager>` });
    await loaded(manager);
    part<HTMLButtonElement>(manager, 'cancel-button')!.click();
    const said = await answerDialog(manager);
    expect(said).to.contain('It ends now');
    await until(() => part(manager, 'resume-button'), 'no resume button');
    expect(await serverSubscription(id)).to.include({ is_active: false });
    expect(text(manager, 'status')).to.equal('Ended');
    expect(part(manager, 'renewal')!.textContent).to.equal('This subscription has ended.');
    expect(part(manager, 'subscription')!.getAttribute('part')).to.equal('subscription inactive');
    await expect(manager).to.be.accessible();

    part<HTMLButtonElement>(manager, 'resume-button')!.click();
    await until(() => part(manager, 'cancel-button'), 'not resumed');
    expect(await serverSubscription(id)).to.include({ is_active: true, auto_renew: true });
  });

  it('offers no Resume on an ended subscription while another of the customer\'s own is active', async () => {
    const { id } = await subscribedCustomer('starter', { is_active: false });
    expect((await admin('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: id })).status).to.equal(200);
    const { manager } = await mount(id);
    await until(() => root(manager).querySelectorAll('[part~="subscription"]').length === 2, 'both not shown');
    const [active, inactive] = root(manager).querySelectorAll('[part~="subscription"]');
    expect(active.querySelector('[part~="plan-name"]')!.textContent).to.equal('Pro');
    expect(inactive.getAttribute('part')).to.equal('subscription inactive');
    expect(inactive.querySelector('[part~="resume-button"]'), 'a resume would bill twice').to.equal(null);
    expect(inactive.querySelector('[part~="status"]')!.textContent).to.equal('Ended');
  });

  it('marks the acting control as pending and blocks the others (simulated slow network)', async () => {
    const { id } = await subscribedCustomer('pro', { renew_plan_slug: 'starter' });
    const { manager } = await mount(id);
    await loaded(manager);
    // Simulated slow network: hold the change until the test lets it through.
    const network = holdPatches();
    try {
      part<HTMLButtonElement>(manager, 'keep-plan-button')!.click();
      await until(() => part(manager, 'keep-plan-button')!.getAttribute('aria-busy') === 'true', 'no pending state');
      expect(part(manager, 'cancel-button')!.getAttribute('aria-disabled')).to.equal('true');
      part<HTMLButtonElement>(manager, 'cancel-button')!.click();
      await settled(manager);
      expect(root(manager).querySelector('dialog')!.open, 'cancel must wait for the pending action').to.equal(false);
      await expect(manager).to.be.accessible();
      network.release();
      await until(() => !part(manager, 'keep-plan-button'), 'the change did not finish');
      expect(part(manager, 'cancel-button')!.getAttribute('aria-disabled')).to.equal(null);
    } finally {
      network.restore();
    }
  });

  it('validates seats inline (whole number, at least 1, not below members) and saves a valid value', async () => {
    const id = await createCustomer({ plan: 'pro' });
    await addMember(id, await createCustomer());
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
    await answerDialog(host);
    expect((await changed).change).to.equal('seats');
    expect((await serverSubscription(id)).max_subscribers).to.equal(4);
    await until(() => inMembers(manager, '[part~="seats"] .summary')?.textContent === '2 of 4 seats used', 'seats not updated');
  });

  it('says next to the field, in words and with no Retry, when the plan allows fewer seats (422)', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { manager } = await mount(id);
    await loaded(manager);
    const errors: string[] = [];
    manager.addEventListener('planship-error', (event) => errors.push(event.action));
    const input = inMembers<HTMLInputElement>(manager, '#seats')!;
    input.value = '11';
    input.dispatchEvent(new Event('input'));
    inMembers<HTMLButtonElement>(manager, '[part~="seats-button"]')!.click();
    await until(() => inMembers(manager, '#seats-error'), 'no field error');
    expect(inMembers(manager, '#seats-error')!.textContent).to.equal('This plan does not allow that many seats: choose fewer, or a bigger plan.');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(members(manager)!.shadowRoot!.activeElement).to.equal(input);
    expect(inMembers(manager, '[part~="action-error"]')).to.equal(null);
    expect(inMembers(manager, '[part~="retry-button"]')).to.equal(null);
    expect(errors).to.deep.equal(['change-seats']);
    expect((await serverSubscription(id)).max_subscribers).to.equal(10);
    await expect(manager).to.be.accessible();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`says next to the field which plan refuses the seats, and from when, when it is the renewal plan (422; ${theme})`, async () => {
      // Pro (up to 10 seats) with 3, renewing on Starter (up to 3): 5 fit Pro, not Starter.
      const { id } = await subscribedCustomer('pro', { max_subscribers: 3, renew_plan_slug: 'starter' });
      const { manager } = await mount(id, { manager: html`<planship-subscription-manager theme=${theme}></planship-subscription-manager>` });
      await loaded(manager);
      const input = inMembers<HTMLInputElement>(manager, '#seats')!;
      input.value = '5';
      input.dispatchEvent(new Event('input'));
      inMembers<HTMLButtonElement>(manager, '[part~="seats-button"]')!.click();
      await until(() => inMembers(manager, '#seats-error'), 'no field error');
      const { renew_at: renewAt } = await serverSubscription(id);
      expect(inMembers(manager, '#seats-error')!.textContent).to.equal(
        `Your subscription renews on the Starter plan on ${date(renewAt)}, which allows at most 3 seats: choose fewer, or keep your current plan.`,
      );
      expect(input.getAttribute('aria-invalid')).to.equal('true');
      expect(input.getAttribute('aria-describedby')).to.equal('seats-error');
      expect(members(manager)!.shadowRoot!.activeElement).to.equal(input);
      expect(inMembers(manager, '[part~="retry-button"]')).to.equal(null);
      expect((await serverSubscription(id)).max_subscribers).to.equal(3);
      await transitionsDone();
      await expect(manager).to.be.accessible();

      // In the page's language (never the API's English).
      manager.setAttribute('lang', 'de');
      await until(() => inMembers(manager, '#seats-error')?.textContent?.startsWith('Ihr Abonnement'), 'not in German');
      const german = inMembers(manager, '#seats-error')!.textContent!;
      expect(german).to.equal(
        `Ihr Abonnement verlängert sich am ${new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(new Date(renewAt))} mit dem Tarif Starter, der höchstens 3 Plätze erlaubt: Wählen Sie weniger oder behalten Sie Ihren aktuellen Tarif.`,
      );
      expect(german).to.not.contain('max_subscribers');
    });
  }

  it('names members (name, else email, else "Teammate"); administrators see emails, (you) marks the own row', async () => {
    const id = await createCustomer({ plan: 'pro', name: 'Ada Owner' });
    const grace = await createCustomer({ name: 'Grace Member' });
    const emailOnly = await admin('POST', '/api/v1/customers', { email: `nameless-${Date.now()}@example.com` });
    const anonymous = await admin('POST', '/api/v1/customers', {});
    for (const member of [grace, emailOnly.body.id, anonymous.body.id]) await addMember(id, member);
    const graceEmail: string = (await admin('GET', `/api/v1/customers/${grace}`)).body.email;
    const ownEmail: string = (await admin('GET', `/api/v1/customers/${id}`)).body.email;

    const { manager } = await mount(id);
    await loaded(manager);
    await until(() => memberIds(manager).length === 4, 'members not listed');
    expect(memberLines(manager)).to.deep.equal([
      `Ada Owner ${ownEmail} (you) Administrator`,
      `Grace Member ${graceEmail} Remove`,
      `${emailOnly.body.email} Remove`,
      'Teammate Remove',
    ]);
    expect(inMembers(manager, '[part~="remove-button"][aria-label="Remove Grace Member"]')).to.not.equal(null);
    expect(inMembers(manager, '[part~="leave-button"]'), 'the only administrator cannot leave').to.equal(null);
    await expect(manager).to.be.accessible();

    // A member who does not administer the subscription sees names only (and its own email).
    const view = await mount(grace);
    await loaded(view.manager);
    await until(() => memberIds(view.manager).length === 4, 'members not listed to the member');
    const lines = memberLines(view.manager);
    expect(lines[0]).to.equal('Ada Owner Administrator');
    expect(lines[1]).to.equal(`Grace Member ${graceEmail} (you) Leave team`);
    expect(lines.join(' ')).to.not.contain(ownEmail);
  });

  it('removes a member after confirmation, marking its Remove as under way, keeping focus in the members area', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const colleague = await createCustomer({ name: 'Colleague Person' });
    await addMember(id, colleague, true);
    const { manager } = await mount(id);
    await loaded(manager);
    await until(() => memberIds(manager).length === 2);
    const host = members(manager)!;
    expect(memberLines(manager)[1]).to.contain('Administrator');
    const removeButton = () => host.shadowRoot!.querySelector<HTMLButtonElement>('[part~="remove-button"][aria-label="Remove Colleague Person"]');
    removeButton()!.click();
    // Simulated slow network: the removal is held until the button shows it is under way.
    const network = holdRequests((_url, init) => init?.method === 'DELETE');
    try {
      const said = await answerDialog(host);
      expect(said).to.contain('Colleague Person will lose access');
      await until(() => removeButton()?.getAttribute('aria-busy') === 'true', 'the pressed Remove is not marked as under way');
      network.release();
    } finally {
      network.restore();
    }
    await until(() => !memberIds(manager).includes(colleague), 'member not removed');
    await until(() => host.shadowRoot!.activeElement?.matches('[part~="member-list"]'), 'focus was lost after removing');
    const after = await admin('GET', `/api/v1/customers/${id}/subscriptions/${(await serverSubscription(id)).subscription_id}/customers`);
    expect(after.body.map((member: { customer_id: string }) => member.customer_id)).to.deep.equal([id]);
  });

  it('lets a member leave the team after confirmation ("Leave team"); the subscription then leaves the list', async () => {
    const owner = await createCustomer({ plan: 'business' });
    const member = await createCustomer();
    const subscription = await addMember(owner, member);
    const { manager } = await mount(member);
    await loaded(manager);
    const leave = () => inMembers<HTMLButtonElement>(manager, '[part~="leave-button"]');
    await until(() => leave(), 'no Leave team button');
    expect(leave()!.textContent).to.equal('Leave team');
    leave()!.click();
    const host = members(manager)!;
    // "No" first: nothing changes.
    const writes = countWrites();
    await answerDialog(host, false);
    await settled(host);
    writes.restore();
    expect(writes.count, 'a write was sent').to.equal(0);
    const listed = async () => (await admin('GET', `/api/v1/customers/${owner}/subscriptions/${subscription}/customers`)).body.map((m: any) => m.customer_id);
    expect(await listed()).to.include(member);
    leave()!.click();
    const said = await answerDialog(host);
    expect(said).to.contain('Leave the team?');
    expect(said).to.contain('You will lose access to what Business includes.');
    await until(() => part(manager, 'empty'), 'the subscription stayed listed');
    expect(await listed()).to.not.include(member);
  });

  it('offers no invite form without the gateway\'s invitations; with `invites` the host gets the cancelable event', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const plain = await mount(id);
    await loaded(plain.manager);
    expect(inMembers(plain.manager, '[part~="invite-form"]')).to.equal(null);
    expect(members(plain.manager)!.shadowRoot!.textContent).to.not.contain('Customer id');

    const { manager } = await mount(id, { manager: html`<planship-subscription-manager invites></planship-subscription-manager>` });
    await loaded(manager);
    const email = inMembers<HTMLInputElement>(manager, '#invite')!;
    const submit = () => inMembers<HTMLButtonElement>(manager, '[part~="invite-button"]')!.click();
    const invites: PlanshipMemberInviteEvent[] = [];
    manager.addEventListener('planship-member-invite', (event) => invites.push(event));
    // Not an email address: said next to the field, no event.
    email.value = 'not an email';
    submit();
    await until(() => inMembers(manager, '#invite-error'), 'no field error');
    expect(inMembers(manager, '#invite-error')!.textContent).to.equal('Enter an email address, like name@example.com.');
    expect(email.getAttribute('aria-describedby')).to.equal('invite-error');
    expect(invites).to.have.length(0);
    await expect(manager).to.be.accessible();
    // The whole value must be one address: nothing before it, nothing after it.
    for (const wrong of ['two words@example.com', 'name@example.com and more']) {
      email.value = wrong;
      email.dispatchEvent(new Event('input'));
      submit();
      await until(() => inMembers(manager, '#invite-error'), `no field error for "${wrong}"`);
      expect(invites, wrong).to.have.length(0);
    }

    email.value = ' New.Person@Example.com ';
    email.dispatchEvent(new Event('input'));
    inMembers<HTMLInputElement>(manager, '#invite-admin')!.checked = true;
    submit();
    await until(() => invites.length === 1, 'no invite event');
    const [event] = invites;
    expect(event.cancelable && event.composed && event.bubbles).to.equal(true);
    expect({ subscriptionId: event.subscriptionId, email: event.email, isAdministrator: event.isAdministrator }).to.deep.equal({
      subscriptionId: (await serverSubscription(id)).subscription_id,
      email: 'New.Person@Example.com',
      isAdministrator: true,
    });
    // The host invites: the form is cleared and nothing was sent to the API.
    await until(() => email.value === '', 'the form was not cleared');
    expect(memberIds(manager)).to.deep.equal([id]);
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
    await addMember(owner, member);
    const { manager } = await mount(member, { manager: html`<planship-subscription-manager invites></planship-subscription-manager>` });
    await loaded(manager);
    await until(() => memberIds(manager).length === 2);
    expect(part(manager, 'plan-name')!.textContent).to.equal('Business');
    expect(part(manager, 'cancel-button')).to.equal(null);
    expect(part(manager, 'resume-button')).to.equal(null);
    expect(inMembers(manager, '#seats')).to.equal(null);
    expect(inMembers(manager, '[part~="remove-button"]')).to.equal(null);
    expect(inMembers(manager, '[part~="invite-form"]')).to.equal(null);
    expect(root(manager).textContent).to.contain("Managed by this subscription's administrator");
    await expect(manager).to.be.accessible();
  });

  it('shows a contract subscription read-only, with a "contact" slot and no control that can only fail', async () => {
    const id = await createCustomer({ plan: 'enterprise' });
    const { manager } = await mount(id);
    await loaded(manager);
    expect(part(manager, 'plan-name')!.textContent).to.equal('Enterprise');
    expect(text(manager, 'status')).to.equal('Active');
    for (const control of ['cancel-button', 'resume-button', 'keep-plan-button']) expect(part(manager, control), control).to.equal(null);
    expect(inMembers(manager, '#seats'), 'seats of a contract cannot change').to.equal(null);
    expect(inMembers(manager, '[part~="seats"]')!.textContent).to.contain('1 of 1,000 seats used');
    expect(text(manager, 'contract')).to.equal('This plan is sold by contract: contact us to change it.');
    expect(root(manager).querySelector('slot[name="contact"]')!.textContent).to.equal('Contact us about Enterprise.');
    await expect(manager).to.be.accessible();

    const hosted = await mount(id, {
      manager: html`<planship-subscription-manager theme="dark"><a slot="contact" href="#sales">Talk to your account manager</a></planship-subscription-manager>`,
    });
    await loaded(hosted.manager);
    const slot = root(hosted.manager).querySelector<HTMLSlotElement>('slot[name="contact"]')!;
    expect(slot.assignedElements().map((node) => node.textContent)).to.deep.equal(['Talk to your account manager']);
    await expect(hosted.manager).to.be.accessible();
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

describe('<planship-subscription-manager> refusals in words (on a server whose live updates are off, so the page is out of date)', () => {
  let server: ServerInfo;
  before(async () => {
    server = await ownServer();
    await refuseSockets(server);
  });

  const onServer = (customerId: string) => serverSubscription(customerId, server);

  it('a second active subscription (409): Resume says to change the active one\'s plan instead, with no Retry', async () => {
    const { id } = await subscribedCustomer('starter', { is_active: false }, server);
    const { manager } = await mount(id, { server });
    await loaded(manager);
    // Meanwhile the customer subscribed again elsewhere (another tab); this page does not know.
    expect((await admin('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: id }, server)).status).to.equal(200);
    part<HTMLButtonElement>(manager, 'resume-button')!.click();
    await until(() => part(manager, 'action-error'), 'no error shown');
    expect(text(manager, 'action-error')).to.equal(
      'You already have another active subscription to this product: change its plan instead of resuming this one.',
    );
    expect(part(manager, 'action-error')!.getAttribute('role')).to.equal('alert');
    expect(part(manager, 'retry-button'), 'a retry cannot help').to.equal(null);
    const all = (await admin('GET', `/api/v1/customers/${id}/subscriptions`, undefined, server)).body as WireSubscription[];
    expect(all.filter((subscription) => subscription.is_active)).to.have.length(1);
    await expect(manager).to.be.accessible();
  });

  it('a plan that became a contract (403): the policy refusal in words, with no Retry', async () => {
    const id = await createCustomer({ plan: 'pro', server });
    const { manager } = await mount(id, { server });
    await loaded(manager);
    const { subscription_id: subscription } = await onServer(id);
    await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscription}`, { plan_slug: 'enterprise' }, server);
    part<HTMLButtonElement>(manager, 'cancel-button')!.click();
    await answerDialog(manager);
    await until(() => part(manager, 'action-error'), 'no error shown');
    expect(text(manager, 'action-error')).to.equal('You are not allowed to do this. Ask an administrator of this subscription, or contact us.');
    expect(part(manager, 'retry-button')).to.equal(null);
    expect(await onServer(id)).to.include({ is_active: true, auto_renew: true });
  });
  it('removing someone who already left (404) says so in words, with no Retry', async () => {
    const id = await createCustomer({ plan: 'pro', server });
    const colleague = await createCustomer({ name: 'Gone Person', server });
    const { subscription_id: subscription } = await onServer(id);
    await admin('POST', `/api/v1/customers/${id}/subscriptions/${subscription}/customers`, { customer_id: colleague }, server);
    const { manager } = await mount(id, { server });
    await loaded(manager);
    await until(() => memberIds(manager).length === 2, 'members not listed');
    // They left meanwhile; this page still lists them.
    await admin('DELETE', `/api/v1/customers/${id}/subscriptions/${subscription}/customers/${colleague}`, undefined, server);
    const host = members(manager)!;
    host.shadowRoot!.querySelector<HTMLButtonElement>('[part~="remove-button"]')!.click();
    await answerDialog(host);
    await until(() => inMembers(manager, '[part~="action-error"]'), 'no error shown');
    expect(inMembers(manager, '[part~="action-error"]')!.textContent!.trim()).to.equal('This person is no longer on the team.');
    expect(inMembers(manager, '[part~="retry-button"]')).to.equal(null);
  });
});
