import { html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { Resource, Subscription, SubscriptionCustomer } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import { PlanshipSubscriptionChangeEvent } from '../shared/events.ts';
import { describeError, formatNumber } from '../shared/format.ts';
import type { PlanshipConfirmDialog } from '../shared/confirm-dialog.ts';
import '../shared/confirm-dialog.ts';
import { ActionController } from './action-controller.ts';
import { validateSeats } from './seats.ts';
import { membersStyles, nestedTokens } from './subscription-manager.styles.ts';

/**
 * @summary Seats and members of one subscription (used inside <planship-subscription-manager>).
 *
 * @csspart seats - The seats area.
 * @csspart seats-input - The seats number field.
 * @csspart seats-button - Saves the seats.
 * @csspart field-error - An inline validation message.
 * @csspart member-list - The list of members.
 * @csspart member - One member.
 * @csspart admin-badge - The "Administrator" badge.
 * @csspart remove-button - Removes a member.
 * @csspart add-form - The add-member form.
 * @csspart action-error - A failed action, with its retry button.
 *
 * @fires planship-subscription-change - After seats changed or a member was added or removed.
 * @fires planship-error - A read or action failed.
 */
@customElement('planship-subscription-members')
export class PlanshipSubscriptionMembers extends PlanshipElement {
  static override styles = [baseStyles, membersStyles, nestedTokens];

  /** The subscription whose members are shown. */
  @property({ attribute: false }) subscription?: Subscription;

  /** Shows the controls that change seats and members (for administrators). */
  @property({ type: Boolean, attribute: 'can-manage' }) canManage = false;

  @state() private seatsError?: string;
  @state() private memberError?: string;

  @query('planship-confirm-dialog') private dialog!: PlanshipConfirmDialog;
  @query('#seats') private seatsInput?: HTMLInputElement;
  @query('#member-id') private memberInput?: HTMLInputElement;
  @query('#member-admin') private memberAdminInput?: HTMLInputElement;

  private readonly actions = new ActionController(this, (error, action) => this.fail(error, action));

  private readonly task = new Task(this, {
    args: () => [this.client, this.subscription?.subscriptionId] as const,
    task: async ([client, id], { signal }): Promise<SubscriptionCustomer[] | typeof initialState> =>
      client && id ? client.listSubscriptionCustomers(id, { signal }) : initialState,
    onError: (error) => this.fail(error, 'load-members'),
  });

  protected override planshipChanged(resources: ReadonlySet<Resource>): void {
    if (resources.has('subscriptions') || resources.has('customer')) void this.task.run();
  }

  override render() {
    const subscription = this.subscription;
    if (!this.client || !subscription) return nothing;
    const { status, value, error } = this.task;
    let body;
    if (status === TaskStatus.ERROR) body = this.renderError(error, () => void this.task.run());
    else if (!value) body = this.renderLoading('Loading members');
    else body = html`${this.renderSeats(subscription, value)}${this.renderMembers(value)}`;
    return html`${body}<planship-confirm-dialog></planship-confirm-dialog>`;
  }

  private subscriberCount(members: readonly SubscriptionCustomer[]): number {
    return members.filter((member) => member.isSubscriber !== false).length;
  }

  private renderSeats(subscription: Subscription, members: readonly SubscriptionCustomer[]) {
    const used = this.subscriberCount(members);
    const summary = `${formatNumber(used)} of ${formatNumber(subscription.maxSubscribers ?? 1)} seats used`;
    if (!this.canManage || !subscription.isActive) return html`<p part="seats">${summary}</p>`;
    const pending = this.actions.isPending('seats');
    return html`<form part="seats" class="row" novalidate @submit=${(event: Event) => this.saveSeats(event, subscription, used)}>
        <p class="summary">${summary}</p>
        <label for="seats">Seats</label>
        <input
          part="seats-input"
          id="seats"
          type="number"
          inputmode="numeric"
          min=${Math.max(1, used)}
          step="1"
          .value=${String(subscription.maxSubscribers)}
          aria-invalid=${this.seatsError ? 'true' : 'false'}
          aria-describedby=${this.seatsError ? 'seats-error' : nothing}
          @input=${() => (this.seatsError = undefined)}
        />
        <button part="seats-button" type="submit" aria-busy=${pending ? 'true' : nothing} aria-disabled=${this.actions.pending ? 'true' : nothing}>
          Save seats
        </button>
      </form>
      ${this.seatsError ? html`<p part="field-error" id="seats-error" class="field-error">${this.seatsError}</p>` : nothing}
      ${this.renderFailure('seats')}`;
  }

  private renderMembers(members: readonly SubscriptionCustomer[]) {
    const self = this.subscription?.customerId;
    return html`<h4 id="members-heading">Members</h4>
      <ul part="member-list" aria-labelledby="members-heading">
        ${members.map(
          (member) => html`<li part="member">
            <span class="member-id">${member.customerId}</span>
            ${member.customerId === self ? html`<span class="muted">(you)</span>` : nothing}
            ${member.isAdministrator ? html`<span part="admin-badge" class="badge">Administrator</span>` : nothing}
            ${this.canManage && member.customerId !== self
              ? html`<button
                  part="remove-button"
                  class="danger"
                  type="button"
                  aria-label=${`Remove ${member.customerId}`}
                  aria-busy=${this.actions.isPending(`remove:${member.customerId}`) ? 'true' : nothing}
                  aria-disabled=${this.actions.pending ? 'true' : nothing}
                  @click=${() => this.removeMember(member.customerId)}
                >
                  Remove
                </button>`
              : nothing}
            ${this.renderFailure(`remove:${member.customerId}`)}
          </li>`,
        )}
      </ul>
      ${this.canManage && this.subscription?.isActive ? this.renderAddForm() : nothing}`;
  }

  private renderAddForm() {
    return html`<form part="add-form" class="row" novalidate @submit=${this.addMember}>
        <label for="member-id">Customer id</label>
        <input
          id="member-id"
          type="text"
          autocomplete="off"
          aria-invalid=${this.memberError ? 'true' : 'false'}
          aria-describedby=${this.memberError ? 'member-error' : nothing}
          @input=${() => (this.memberError = undefined)}
        />
        <label class="checkbox"><input id="member-admin" type="checkbox" /> Administrator</label>
        <button type="submit" aria-busy=${this.actions.isPending('add') ? 'true' : nothing} aria-disabled=${this.actions.pending ? 'true' : nothing}>
          Add member
        </button>
      </form>
      ${this.memberError ? html`<p part="field-error" id="member-error" class="field-error">${this.memberError}</p>` : nothing}
      ${this.renderFailure('add')}`;
  }

  private renderFailure(key: string) {
    const failure = this.actions.failureFor(key);
    if (!failure) return nothing;
    return html`<div part="action-error" class="alert" role="alert">
      <span>${describeError(failure.error)}</span>
      <button part="retry-button" type="button" @click=${failure.retry}>Retry</button>
    </div>`;
  }

  private async saveSeats(event: Event, subscription: Subscription, used: number) {
    event.preventDefault();
    if (this.actions.pending || !this.client) return;
    const input = this.seatsInput?.value ?? '';
    const problem = validateSeats(input, used);
    this.seatsError = problem;
    if (problem) {
      this.seatsInput?.focus();
      return;
    }
    const seats = Number(input);
    const before = subscription.maxSubscribers ?? 1;
    if (seats === before) return;
    if (seats < before) {
      const confirmed = await this.dialog.confirm({
        heading: 'Reduce seats?',
        message: `From ${formatNumber(subscription.maxSubscribers ?? 1)} to ${formatNumber(seats)} seats. Fewer people will be able to join this subscription.`,
        confirmLabel: 'Reduce seats',
      });
      if (!confirmed) return;
    }
    const client = this.client;
    const id = subscription.subscriptionId;
    await this.actions.run('seats', 'change-seats', async () => {
      const changed = await client.changeSubscriptionMaxSubscribers(id, seats);
      this.dispatchEvent(new PlanshipSubscriptionChangeEvent(id, 'seats', changed));
    });
  }

  private async addMember(event: Event) {
    event.preventDefault();
    const subscription = this.subscription;
    const client = this.client;
    if (this.actions.pending || !client || !subscription) return;
    const customerId = this.memberInput?.value.trim() ?? '';
    if (!customerId) {
      this.memberError = 'Enter the customer id of the person to add.';
      this.memberInput?.focus();
      return;
    }
    const isAdministrator = this.memberAdminInput?.checked ?? false;
    const id = subscription.subscriptionId;
    const added = await this.actions.run('add', 'add-member', async () => {
      await client.addSubscriptionCustomer(id, customerId, isAdministrator);
      this.dispatchEvent(new PlanshipSubscriptionChangeEvent(id, 'member-added'));
    });
    if (added) {
      if (this.memberInput) this.memberInput.value = '';
      if (this.memberAdminInput) this.memberAdminInput.checked = false;
    }
  }

  private async removeMember(customerId: string) {
    const subscription = this.subscription;
    if (this.actions.pending || !this.client || !subscription) return;
    const confirmed = await this.dialog.confirm({
      heading: 'Remove member?',
      message: `${customerId} will lose access to what this subscription includes.`,
      confirmLabel: 'Remove member',
    });
    if (!confirmed) return;
    const client = this.client;
    const id = subscription.subscriptionId;
    const removed = await this.actions.run(`remove:${customerId}`, 'remove-member', async () => {
      await client.removeSubscriptionCustomer(id, customerId);
      this.dispatchEvent(new PlanshipSubscriptionChangeEvent(id, 'member-removed'));
    });
    if (removed) {
      // The pressed button leaves with its row: keep keyboard users in the members area.
      await this.task.taskComplete.catch(() => undefined);
      await this.updateComplete;
      this.memberInput?.focus();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-subscription-members': PlanshipSubscriptionMembers;
  }
}
