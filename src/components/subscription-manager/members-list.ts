import { html, nothing, type PropertyDeclarations } from 'lit';
import type { Invitation, Subscription, SubscriptionCustomer } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { membersStyles } from './subscription-manager.styles.ts';
import { define } from '../shared/define.ts';
import type { Message } from '../shared/messages.ts';
import { PlanshipMemberInviteEvent } from '../shared/events.ts';
import { PlanshipElement, headingLevel } from '../shared/planship-element.ts';
import { describeError, renewalSeatLimit } from '../shared/wording.ts';

/** A placeholder seats and members area: seats line and form, heading, a member (the invite form is for some only). */
export const membersSkeleton = html`<div class="stack members-bone">
  <div class="bone" style="width: 40%"></div>
  <div class="row"><div class="bone control" style="width: 12em"></div><div class="bone control" style="width: 7em"></div></div>
  <div class="bone" style="width: 25%"></div>
  <div class="bone" style="width: 55%"></div>
</div>`;

/** Its parts, for `exportparts` of the elements it sits in (base, loading and the dialog are its host's to name). */
export const memberParts =
  'seats,seats-input,seats-button,field-error,members-heading,member-list,member,member-name,member-email,admin-badge,remove-button,leave-button,' +
  'invite-form,invite-input,invite-button,invitations-heading,invitation-list,invitation,invitation-email,withdraw-button';

/** Like the gateway's check: something, an @, something, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * @summary Seats and members of one subscription (used inside <planship-subscription-manager>).
 *
 * Members are shown by name, else email, else "Teammate"; administrators also see emails. The
 * customer's own row says "(you)" and offers "Leave team" (unless they are its last
 * administrator). Administrators change seats, remove members and invite people by email: the
 * invite form shows when the gateway offers invitations (`client.features`) or with `invites`.
 * An invitation is an offer: the person joins once they accept it (<planship-invitation>);
 * until then administrators see the address they typed under "Invitations", and may withdraw it.
 *
 * @tagname planship-subscription-members
 * @csspart base - The wrapper.
 * @csspart seats - The seats area (a form for administrators of a self-serve plan).
 * @csspart seats-input - The seats number field.
 * @csspart seats-button - Saves the seats.
 * @csspart field-error - A message next to the field it is about.
 * @csspart members-heading - The "Members" heading (level `heading-level`).
 * @csspart member-list - The list of members.
 * @csspart member - One member.
 * @csspart member-name - A member's name, else email, else "Teammate".
 * @csspart member-email - A member's email, next to the name (for administrators).
 * @csspart admin-badge - The "Administrator" badge.
 * @csspart remove-button - Removes a member.
 * @csspart leave-button - "Leave team", on the customer's own row.
 * @csspart invite-form - The invite form (email and administrator).
 * @csspart invite-input - The email field.
 * @csspart invite-button - Sends the invitation.
 * @csspart invitations-heading - The "Invitations waiting for an answer" heading.
 * @csspart invitation-list - The invitations waiting for an answer.
 * @csspart invitation - One of them.
 * @csspart invitation-email - The address it was sent to.
 * @csspart withdraw-button - Withdraws it.
 * @csspart action-error - A failed action (with a retry button when retrying can help).
 * @csspart loading - The loading placeholder, shaped like the seats and members.
 * @csspart error - The load error (with a retry button when retrying can help).
 * @csspart error-note - Instead of the content when the same failure is shown, with its retry, by an element earlier in the page (one error box per failure and provider).
 * @csspart retry-button - A retry button.
 * @csspart dialog - The confirmation <dialog>.
 * @csspart dialog-heading - The confirmation's question.
 * @csspart dialog-confirm - The confirmation's "yes" button (filled with the danger colour: every confirmation here takes something away).
 * @csspart dialog-cancel - The confirmation's "no" button (focused first, the safe choice).
 *
 * @fires planship-subscription-change - After seats changed, someone was invited, an invitation withdrawn, a member removed, or the customer left.
 * @fires planship-member-invite - An administrator submitted the invite form (cancelable: prevent it to invite people yourself).
 * @fires planship-error - A read or action failed.
 */
export class PlanshipSubscriptionMembers extends PlanshipElement {
  static override styles = [baseStyles, membersStyles];

  static override properties: PropertyDeclarations = {
    subscription: { attribute: false },
    canManage: { type: Boolean, attribute: 'can-manage' },
    contract: { type: Boolean },
    invites: { type: Boolean },
    headingLevel: { type: Number, attribute: 'heading-level' },
    seatsError: { state: true },
    inviteError: { state: true },
  };

  /** The subscription whose members are shown. */
  subscription?: Subscription;

  /** The customer administers the subscription: it sees emails and, while active, may change members. */
  canManage = false;

  /** The subscription is on a contract plan: seats are read-only (members can still change). */
  contract = false;

  /** Shows the invite form to administrators although the gateway offers no invitations (the host invites). */
  invites = false;

  /** The level of the "Members" heading (default 4). */
  headingLevel?: number;

  private seatsError?: Message;
  private inviteError?: Message;

  private task = this.load(
    ['subscriptions', 'customer'],
    (client, signal) => client.listSubscriptionCustomers(this.subscription!.subscriptionId, { signal }),
    () => [this.subscription?.subscriptionId],
  );

  /** Invitations waiting for an answer: only administrators see them, behind a gateway that offers invitations. */
  private invitations = this.load(
    ['subscriptions'],
    async (client, signal) => (this.offersInvitations ? client.listInvitations(this.subscription!.subscriptionId, { signal }) : []),
    () => [this.subscription?.subscriptionId, this.offersInvitations],
  );

  private get offersInvitations(): boolean {
    return !!(this.canManage && this.subscription?.isActive && this.client?.features.has('invites'));
  }

  private field(id: string) {
    return this.renderRoot.querySelector<HTMLInputElement>(`#${id}`);
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
    const admins = members.filter((member) => member.isAdministrator).length;
    const invites = manage && (this.invites || this.client?.features.has('invites'));
    return html`${manage && !this.contract
        ? html`<form part="seats" class="row" novalidate @submit=${(event: Event) => this.saveSeats(event, subscription, used)}>
              <p class="summary">${summary}</p>
              <label for="seats">${m.seatsLabel}</label>
              ${this.input('seats', 'number', this.seatsError, String(subscription.maxSubscribers), Math.max(1, used))}
              ${this.button('seats-button', m.saveSeats, 'seats')}
            </form>
            ${this.renderFieldError('seats', this.seatsError)}`
        : html`<p part="seats">${summary}</p>`}
      <div part="members-heading" role="heading" aria-level=${headingLevel(this.headingLevel, 4)} id="members-heading">${m.membersHeading}</div>
      <ul part="member-list" class="stack" aria-labelledby="members-heading" tabindex="-1">
        ${members.map(({ customerId, isAdministrator, customer }) => {
          const name = customer?.name || customer?.email || m.teammate;
          const email = (this.canManage || customerId === self) && customer?.name && customer.email;
          const isSelf = customerId === self;
          return html`<li part="member" class="row" data-customer=${customerId}>
            <span part="member-name">${name}</span>
            ${email ? html`<span part="member-email" class="muted">${email}</span>` : nothing}
            ${isSelf ? html`<span class="muted">${m.you}</span>` : nothing}
            ${isAdministrator ? html`<span part="admin-badge" class="badge">${m.administrator}</span>` : nothing}
            ${isSelf
              ? !(isAdministrator && admins < 2)
                ? this.button('leave-button', m.leaveTeam, 'leave', () => this.leave(subscription), 'danger')
                : nothing
              : manage
                ? this.button('remove-button', m.remove, `remove:${customerId}`, () => this.removeMember(customerId, name), 'danger', m.removeNamed(name))
                : nothing}
          </li>`;
        })}
      </ul>
      ${invites
        ? html`<form part="invite-form" class="row" novalidate @submit=${(event: Event) => this.invite(event, members)}>
              <label for="invite">${m.emailLabel}</label>
              ${this.input('invite', 'email', this.inviteError)}
              <label><input id="invite-admin" type="checkbox" /> ${m.administrator}</label>
              ${this.button('invite-button', m.invite, 'invite')}
            </form>
            ${this.renderFieldError('invite', this.inviteError)}`
        : nothing}
      ${this.renderInvitations(this.invitations.value ?? [])}
      ${this.renderFailure()}`;
  }

  private renderInvitations(invitations: readonly Invitation[]) {
    const { m } = this;
    if (!invitations.length) return nothing;
    return html`<div part="invitations-heading" role="heading" aria-level=${Math.min(6, headingLevel(this.headingLevel, 4) + 1)} id="invitations-heading">
        ${m.invitationsHeading}
      </div>
      <ul part="invitation-list" class="stack" aria-labelledby="invitations-heading">
        ${invitations.map(
          ({ id, email, isAdministrator }) => html`<li part="invitation" class="row">
            <span part="invitation-email">${email}</span>
            ${isAdministrator ? html`<span part="admin-badge" class="badge">${m.administrator}</span>` : nothing}
            ${this.button('withdraw-button', m.withdrawInvitation, `withdraw:${id}`, () => this.withdraw(id, email), '', m.withdrawInvitationNamed(email))}
          </li>`,
        )}
      </ul>`;
  }

  /** A field (`seats` or `invite`) that says when its value was refused, and why (`<id>-error`). */
  private input(id: 'seats' | 'invite', type: string, error?: Message, value?: string, min?: number) {
    return html`<input
      part=${`${id}-input`}
      id=${id}
      type=${type}
      autocomplete="off"
      min=${min ?? nothing}
      .value=${value ?? ''}
      aria-invalid=${String(!!error)}
      aria-describedby=${error ? `${id}-error` : nothing}
      @input=${() => (id === 'seats' ? (this.seatsError = undefined) : (this.inviteError = undefined))}
    />`;
  }

  private renderFieldError(id: string, message?: Message) {
    return message ? html`<p part="field-error" id=${`${id}-error`} class="danger">${message(this.m)}</p>` : nothing;
  }

  /**
   * After a failed action: a refusal about what was typed (one of `statuses`) is worded next to
   * its field instead of below the list, and the field gets focus.
   */
  private toField(id: string, statuses: number[]): Message | undefined {
    const failure = this.actions.failure;
    const error = failure?.error;
    if (!failure || !statuses.includes((error as { status?: number }).status!)) return undefined;
    this.actions.failure = undefined;
    this.field(id)?.focus();
    return (words) => describeError(words, error, failure.action);
  }

  private async saveSeats(event: Event, subscription: Subscription, used: number) {
    event.preventDefault();
    if (this.actions.pending) return;
    const input = this.field('seats')!;
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
        lines: [m.reduceSeatsMessage(localize.number(before), localize.number(seats), seats)],
        confirmLabel: m.reduceSeats,
        destructive: true,
      }))
    ) {
      return;
    }
    const id = subscription.subscriptionId;
    const saved = await this.changeSubscription(
      'seats',
      'change-seats',
      id,
      'seats',
      () => this.client!.changeSubscriptionMaxSubscribers(id, seats),
      m.announceSeats(localize.number(seats), seats),
    );
    if (!saved) {
      // Seats the plan allows now, refused for the plan it renews on: say which, and when.
      const limit = renewalSeatLimit(this.actions.failure?.error);
      const { renewPlan, renewAt } = subscription;
      this.seatsError = this.toField('seats', [409, 422]);
      if (this.seatsError && limit !== undefined && renewPlan && renewAt) {
        this.seatsError = (words) => words.errorSeatsAboveRenewalPlan(renewPlan.name, localize.date(renewAt), localize.number(limit), limit);
      }
    }
  }

  /** Asks the host (cancelable event), then invites through the gateway when it offers invitations. */
  private async invite(event: Event, members: readonly SubscriptionCustomer[]) {
    event.preventDefault();
    if (this.actions.pending) return;
    const input = this.field('invite')!;
    const admin = this.field('invite-admin')!;
    const email = input.value.trim();
    const taken = members.some((member) => member.customer?.email?.toLowerCase() === email.toLowerCase());
    this.inviteError = !EMAIL.test(email) ? (words) => words.errorEmailInvalid : taken ? (words) => words.alreadyMember : undefined;
    if (this.inviteError) return input.focus();
    const id = this.subscription!.subscriptionId;
    const client = this.client!;
    const clear = () => {
      input.value = '';
      admin.checked = false;
    };
    if (!this.emit(new PlanshipMemberInviteEvent(id, email, admin.checked)) || !client.features.has('invites')) return clear();
    const invited = await this.changeSubscription(
      'invite',
      'invite-member',
      id,
      'member-invited',
      async () => {
        await client.inviteSubscriptionCustomer(id, email, admin.checked);
      },
      this.m.announceInvitationSent(email),
    );
    if (invited) clear();
    else this.inviteError = this.toField('invite', [422]);
  }

  private withdraw(invitationId: string, email: string) {
    if (this.actions.pending) return;
    const id = this.subscription!.subscriptionId;
    return this.changeSubscription(`withdraw:${invitationId}`, 'withdraw-invitation', id, 'invitation-withdrawn', async () => {
      await this.client!.cancelInvitation(id, invitationId);
    }, this.m.announceInvitationWithdrawn(email));
  }

  private async removeMember(customerId: string, name: string) {
    if (this.actions.pending) return;
    const { m } = this;
    const confirmed = await this.confirm({
      heading: m.removeMemberQuestion,
      lines: [m.removeMemberMessage(name)],
      confirmLabel: m.removeMember,
      destructive: true,
    });
    if (confirmed && (await this.removeCustomer(`remove:${customerId}`, 'remove-member', customerId, m.announceMemberRemoved(name)))) {
      // The pressed button leaves with its row: keep keyboard users in the members area.
      await this.task.taskComplete.catch(() => undefined);
      await this.updateComplete;
      (this.field('invite') ?? this.renderRoot.querySelector<HTMLElement>('[part~=member-list]'))?.focus();
    }
  }

  /** The customer leaves the team, after confirmation (the subscription then leaves its list). */
  private async leave(subscription: Subscription) {
    if (this.actions.pending) return;
    const { m } = this;
    const plan = subscription.plan.name;
    if (await this.confirm({ heading: m.leaveQuestion, lines: [m.leaveMessage(plan)], confirmLabel: m.leaveTeam, destructive: true })) {
      await this.removeCustomer('leave', 'leave-team', subscription.customerId, m.announceLeft(plan));
    }
  }

  private removeCustomer(key: string, action: string, customerId: string, success: string) {
    const id = this.subscription!.subscriptionId;
    return this.changeSubscription(key, action, id, 'member-removed', async () => {
      await this.client!.removeSubscriptionCustomer(id, customerId);
    }, success);
  }
}

define('planship-subscription-members', PlanshipSubscriptionMembers);

declare global {
  interface HTMLElementTagNameMap {
    'planship-subscription-members': PlanshipSubscriptionMembers;
  }
}
