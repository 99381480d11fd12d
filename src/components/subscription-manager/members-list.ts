import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Subscription, SubscriptionCustomer } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { membersStyles } from './subscription-manager.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import { formatNumber } from '../shared/format.ts';

/**
 * @summary Seats and members of one subscription (used inside <planship-subscription-manager>).
 *
 * @csspart base - The wrapper.
 * @csspart seats - The seats area (a form for administrators).
 * @csspart seats-input - The seats number field.
 * @csspart seats-button - Saves the seats.
 * @csspart field-error - An inline validation message.
 * @csspart member-list - The list of members.
 * @csspart member - One member.
 * @csspart member-name - A member's name, else email, else customer id.
 * @csspart admin-badge - The "Administrator" badge.
 * @csspart remove-button - Removes a member.
 * @csspart add-form - The add-member form.
 * @csspart action-error - A failed action, with its retry button.
 * @csspart loading - The loading indicator.
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
@customElement('planship-subscription-members')
export class PlanshipSubscriptionMembers extends PlanshipElement {
  static override styles = [baseStyles, membersStyles];

  /** The subscription whose members are shown. */
  @property({ attribute: false }) subscription?: Subscription;

  /** Shows the controls that change seats and members (for administrators). */
  @property({ type: Boolean, attribute: 'can-manage' }) canManage = false;

  @state() private seatsError?: string;
  @state() private memberError?: string;

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
      'Loading members',
      (members) => this.renderMembers(subscription, members),
      false,
    )}${this.renderDialog()}`;
  }

  private renderMembers(subscription: Subscription, members: readonly SubscriptionCustomer[]) {
    const self = subscription.customerId;
    const used = members.filter((member) => member.isSubscriber !== false).length;
    const summary = `${formatNumber(used)} of ${formatNumber(subscription.maxSubscribers ?? 1)} seats used`;
    const manage = this.canManage && subscription.isActive;
    return html`${manage
        ? html`<form part="seats" class="row" novalidate @submit=${(event: Event) => this.saveSeats(event, subscription, used)}>
              <p class="summary">${summary}</p>
              <label for="seats">Seats</label>
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
              ${this.button('seats-button', 'Save seats', 'seats')}
            </form>
            ${this.renderFieldError('seats-error', this.seatsError)}`
        : html`<p part="seats">${summary}</p>`}
      <h4 id="members-heading">Members</h4>
      <ul part="member-list" class="stack" aria-labelledby="members-heading">
        ${members.map(({ customerId, isAdministrator, customer }) => {
          const name = customer?.name || customer?.email || customerId;
          return html`<li part="member" class="row">
            <span part="member-name" class="member-id" data-customer=${customerId}>${name}</span>
            ${customerId === self ? html`<span class="muted">(you)</span>` : nothing}
            ${isAdministrator ? html`<span part="admin-badge" class="badge">Administrator</span>` : nothing}
            ${this.canManage && customerId !== self
              ? this.button('remove-button', 'Remove', `remove:${customerId}`, () => this.removeMember(customerId, name), 'danger', `Remove ${name}`)
              : nothing}
          </li>`;
        })}
      </ul>
      ${manage
        ? html`<form part="add-form" class="row" novalidate @submit=${this.addMember}>
              <label for="member-id">Customer id</label>
              <input
                id="member-id"
                autocomplete="off"
                aria-invalid=${String(!!this.memberError)}
                aria-describedby=${this.memberError ? 'member-error' : nothing}
                @input=${() => (this.memberError = undefined)}
              />
              <label><input id="member-admin" type="checkbox" /> Administrator</label>
              ${this.button('', 'Add member', 'add')}
            </form>
            ${this.renderFieldError('member-error', this.memberError)}`
        : nothing}
      ${this.renderFailure()}`;
  }

  private renderFieldError(id: string, message?: string) {
    return message ? html`<p part="field-error" id=${id} class="danger">${message}</p>` : nothing;
  }

  private async saveSeats(event: Event, subscription: Subscription, used: number) {
    event.preventDefault();
    if (this.actions.pending) return;
    const input = this.field('seats');
    const text = input.value.trim();
    const seats = Number(text);
    const before = subscription.maxSubscribers ?? 1;
    this.seatsError = !text
      ? 'Enter a number of seats.'
      : !Number.isInteger(seats)
        ? 'Seats must be a whole number.'
        : seats < 1
          ? 'A subscription needs at least 1 seat.'
          : seats < used
            ? `${formatNumber(used)} people are on this subscription: remove members before going below ${formatNumber(used)} seats.`
            : undefined;
    if (this.seatsError) return input.focus();
    if (seats === before) return;
    if (
      seats < before &&
      !(await this.confirm({
        heading: 'Reduce seats?',
        message: `From ${formatNumber(before)} to ${formatNumber(seats)} seats. Fewer people will be able to join this subscription.`,
        confirmLabel: 'Reduce seats',
      }))
    ) {
      return;
    }
    const id = subscription.subscriptionId;
    await this.changeSubscription('seats', 'change-seats', id, 'seats', () => this.client!.changeSubscriptionMaxSubscribers(id, seats));
  }

  private async addMember(event: Event) {
    event.preventDefault();
    const input = this.field('member-id');
    const admin = this.field('member-admin');
    const customerId = input.value.trim();
    if (this.actions.pending) return;
    if (!customerId) {
      this.memberError = 'Enter the customer id of the person to add.';
      return input.focus();
    }
    const id = this.subscription!.subscriptionId;
    const added = await this.changeSubscription('add', 'add-member', id, 'member-added', async () => {
      await this.client!.addSubscriptionCustomer(id, customerId, admin.checked);
    });
    if (added) {
      input.value = '';
      admin.checked = false;
    }
  }

  private async removeMember(customerId: string, name: string) {
    if (this.actions.pending) return;
    const confirmed = await this.confirm({
      heading: 'Remove member?',
      message: `${name} will lose access to what this subscription includes.`,
      confirmLabel: 'Remove member',
    });
    const id = this.subscription!.subscriptionId;
    if (
      confirmed &&
      (await this.changeSubscription(`remove:${customerId}`, 'remove-member', id, 'member-removed', async () => {
        await this.client!.removeSubscriptionCustomer(id, customerId);
      }))
    ) {
      // The pressed button leaves with its row: keep keyboard users in the members area.
      await this.task.taskComplete.catch(() => undefined);
      await this.updateComplete;
      this.field('member-id')?.focus();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-subscription-members': PlanshipSubscriptionMembers;
  }
}
