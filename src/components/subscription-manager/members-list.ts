import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Subscription, SubscriptionCustomer } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { membersStyles } from './subscription-manager.styles.ts';
import { define } from '../shared/define.ts';
import type { Message } from '../shared/messages.ts';
import { PlanshipElement, headingLevel } from '../shared/planship-element.ts';

/** A placeholder seats and members area: seats line and form, heading, a member, the add form. */
export const membersSkeleton = html`<div class="stack members-bone">
  <div class="bone" style="width: 40%"></div>
  <div class="row"><div class="bone control" style="width: 12em"></div><div class="bone control" style="width: 7em"></div></div>
  <div class="bone" style="width: 25%"></div>
  <div class="bone" style="width: 55%"></div>
  <div class="row"><div class="bone control" style="width: 16em"></div><div class="bone control" style="width: 8em"></div></div>
</div>`;

/**
 * @summary Seats and members of one subscription (used inside <planship-subscription-manager>).
 *
 * @tagname planship-subscription-members
 * @csspart base - The wrapper.
 * @csspart seats - The seats area (a form for administrators).
 * @csspart seats-input - The seats number field.
 * @csspart seats-button - Saves the seats.
 * @csspart field-error - An inline validation message.
 * @csspart members-heading - The "Members" heading (level `heading-level`).
 * @csspart member-list - The list of members.
 * @csspart member - One member.
 * @csspart member-name - A member's name, else email, else customer id.
 * @csspart admin-badge - The "Administrator" badge.
 * @csspart remove-button - Removes a member.
 * @csspart add-form - The add-member form.
 * @csspart action-error - A failed action, with its retry button.
 * @csspart loading - The loading placeholder, shaped like the seats and members.
 * @csspart error - The load error with its retry button.
 * @csspart retry-button - A retry button.
 * @csspart dialog - The confirmation <dialog>.
 * @csspart dialog-heading - The confirmation's question.
 * @csspart dialog-confirm - The confirmation's "yes" button.
 * @csspart dialog-cancel - The confirmation's "no" button (focused first, the safe choice).
 *
 *
 * @fires planship-subscription-change - After seats changed or a member was added or removed.
 * @fires planship-error - A read or action failed.
 */
export class PlanshipSubscriptionMembers extends PlanshipElement {
  static override styles = [baseStyles, membersStyles];

  /** The subscription whose members are shown. */
  @property({ attribute: false }) subscription?: Subscription;

  /** Shows the controls that change seats and members (for administrators). */
  @property({ type: Boolean, attribute: 'can-manage' }) canManage = false;

  /** The level of the "Members" heading (default 4). */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel?: number;

  @state() private seatsError?: Message;
  @state() private memberError?: Message;

  private task = this.load(
    ['subscriptions', 'customer'],
    (client, signal) => client.listSubscriptionCustomers(this.subscription!.subscriptionId, { signal }),
    () => [this.subscription?.subscriptionId],
  );

  private field(id: string) {
    return this.renderRoot.querySelector<HTMLInputElement>(`#${id}`)!;
  }

  override render() {
    const subscription = this.subscription;
    if (!subscription) return nothing;
    return html`${this.renderTask(
      this.task,
      this.m.loadingMembers,
      membersSkeleton,
      (members) => this.renderMembers(subscription, members),
      false,
    )}${this.renderDialog()}`;
  }

  private renderMembers(subscription: Subscription, members: readonly SubscriptionCustomer[]) {
    const { m, localize } = this;
    const self = subscription.customerId;
    const used = members.filter((member) => member.isSubscriber !== false).length;
    const seats = subscription.maxSubscribers ?? 1;
    const summary = m.seatsUsed(localize.number(used), localize.number(seats), seats);
    const manage = this.canManage && subscription.isActive;
    return html`${manage
        ? html`<form part="seats" class="row" novalidate @submit=${(event: Event) => this.saveSeats(event, subscription, used)}>
              <p class="summary">${summary}</p>
              <label for="seats">${m.seatsLabel}</label>
              <input
                part="seats-input"
                id="seats"
                type="number"
                min=${Math.max(1, used)}
                .value=${String(subscription.maxSubscribers)}
                aria-invalid=${String(!!this.seatsError)}
                aria-describedby=${this.seatsError ? 'seats-error' : nothing}
                @input=${() => (this.seatsError = undefined)}
              />
              ${this.button('seats-button', m.saveSeats, 'seats')}
            </form>
            ${this.renderFieldError('seats-error', this.seatsError)}`
        : html`<p part="seats">${summary}</p>`}
      <div part="members-heading" role="heading" aria-level=${headingLevel(this.headingLevel, 4)} id="members-heading">${m.membersHeading}</div>
      <ul part="member-list" class="stack" aria-labelledby="members-heading">
        ${members.map(({ customerId, isAdministrator, customer }) => {
          const name = customer?.name || customer?.email || customerId;
          return html`<li part="member" class="row">
            <span part="member-name" class="member-id" data-customer=${customerId}>${name}</span>
            ${customerId === self ? html`<span class="muted">${m.you}</span>` : nothing}
            ${isAdministrator ? html`<span part="admin-badge" class="badge">${m.administrator}</span>` : nothing}
            ${this.canManage && customerId !== self
              ? this.button('remove-button', m.remove, `remove:${customerId}`, () => this.removeMember(customerId, name), 'danger', m.removeNamed(name))
              : nothing}
          </li>`;
        })}
      </ul>
      ${manage
        ? html`<form part="add-form" class="row" novalidate @submit=${this.addMember}>
              <label for="member-id">${m.customerIdLabel}</label>
              <input
                id="member-id"
                autocomplete="off"
                aria-invalid=${String(!!this.memberError)}
                aria-describedby=${this.memberError ? 'member-error' : nothing}
                @input=${() => (this.memberError = undefined)}
              />
              <label><input id="member-admin" type="checkbox" /> ${m.administrator}</label>
              ${this.button('', m.addMember, 'add')}
            </form>
            ${this.renderFieldError('member-error', this.memberError)}`
        : nothing}
      ${this.renderFailure()}`;
  }

  private renderFieldError(id: string, message?: Message) {
    return message ? html`<p part="field-error" id=${id} class="danger">${message(this.m)}</p>` : nothing;
  }

  private async saveSeats(event: Event, subscription: Subscription, used: number) {
    event.preventDefault();
    if (this.actions.pending) return;
    const input = this.field('seats');
    const text = input.value.trim();
    const seats = Number(text);
    const before = subscription.maxSubscribers ?? 1;
    const { localize } = this;
    this.seatsError = !text
      ? (words) => words.seatsRequired
      : !Number.isInteger(seats)
        ? (words) => words.seatsWhole
        : seats < 1
          ? (words) => words.seatsMin
          : seats < used
            ? (words) => words.seatsBelowUsed(localize.number(used), used)
            : undefined;
    if (this.seatsError) return input.focus();
    if (seats === before) return;
    const { m } = this;
    if (
      seats < before &&
      !(await this.confirm({
        heading: m.reduceSeatsQuestion,
        message: m.reduceSeatsMessage(localize.number(before), localize.number(seats), seats),
        confirmLabel: m.reduceSeats,
      }))
    ) {
      return;
    }
    const id = subscription.subscriptionId;
    await this.changeSubscription(
      'seats',
      'change-seats',
      id,
      'seats',
      () => this.client!.changeSubscriptionMaxSubscribers(id, seats),
      m.announceSeats(localize.number(seats), seats),
    );
  }

  private async addMember(event: Event) {
    event.preventDefault();
    const input = this.field('member-id');
    const admin = this.field('member-admin');
    const customerId = input.value.trim();
    if (this.actions.pending) return;
    if (!customerId) {
      this.memberError = (words) => words.memberIdRequired;
      return input.focus();
    }
    const id = this.subscription!.subscriptionId;
    const added = await this.changeSubscription(
      'add',
      'add-member',
      id,
      'member-added',
      async () => {
        await this.client!.addSubscriptionCustomer(id, customerId, admin.checked);
      },
      this.m.announceMemberAdded(customerId),
    );
    if (added) {
      input.value = '';
      admin.checked = false;
    }
  }

  private async removeMember(customerId: string, name: string) {
    if (this.actions.pending) return;
    const { m } = this;
    const confirmed = await this.confirm({
      heading: m.removeMemberQuestion,
      message: m.removeMemberMessage(name),
      confirmLabel: m.removeMember,
    });
    const id = this.subscription!.subscriptionId;
    if (
      confirmed &&
      (await this.changeSubscription(
        `remove:${customerId}`,
        'remove-member',
        id,
        'member-removed',
        async () => {
          await this.client!.removeSubscriptionCustomer(id, customerId);
        },
        m.announceMemberRemoved(name),
      ))
    ) {
      // The pressed button leaves with its row: keep keyboard users in the members area.
      await this.task.taskComplete.catch(() => undefined);
      await this.updateComplete;
      this.field('member-id')?.focus();
    }
  }
}

define('planship-subscription-members', PlanshipSubscriptionMembers);

declare global {
  interface HTMLElementTagNameMap {
    'planship-subscription-members': PlanshipSubscriptionMembers;
  }
}
