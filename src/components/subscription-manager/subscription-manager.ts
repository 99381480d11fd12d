import { html, nothing, type PropertyDeclarations } from 'lit';
import type { ModifySubscriptionParameters, Plan, Subscription } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './subscription-manager.styles.ts';
import { define } from '../shared/define.ts';
import type { PlanshipMessages } from '../shared/messages.ts';
import { PlanshipElement, headingLevel } from '../shared/planship-element.ts';
import { PlanshipBillingPortalEvent, type CancellationReason, type SubscriptionChangeKind } from '../shared/events.ts';
import { splitAround } from '../shared/wording.ts';
import { memberParts, membersSkeleton } from './members-list.ts';

/** A placeholder subscription card: plan and status, renewal, controls, then the members area. */
const skeleton = html`<div class="card">
  <div class="bone" style="width: 35%"></div>
  <div class="bone" style="width: 60%"></div>
  <div class="row"><div class="bone control" style="width: 8em"></div><div class="bone control" style="width: 11em"></div></div>
  ${membersSkeleton}
</div>`;

/** The subscriptions in the order shown, and which plans are sold by contract. */
function managerData(subscriptions: readonly Subscription[], plans: readonly Plan[]) {
  const rank = ({ isActive, isAdministrator }: Subscription) => (isActive ? 0 : 2) + (isAdministrator ? 0 : 1);
  const contracts = new Set(plans.filter((plan) => plan.isSelfServe === false).map((plan) => plan.slug));
  return { subscriptions: [...subscriptions].sort((a, b) => rank(a) - rank(b)), contracts };
}

/** The manager's own parts and those of the members area inside it (for `exportparts`). */
export const managerParts = `base,billing-portal-button,subscription,inactive,plan-name,status,renewal,keep-plan-button,cancel-button,resume-button,contract,members,action-error,empty,loading,error,error-note,retry-button,stale,dialog,dialog-heading,dialog-confirm,dialog-cancel,cancel-reasons,cancel-reason,cancel-comment,${memberParts}`;

/** A reason a customer may give for cancelling: sent as `value`, shown as `label` (rendered as text). */
export interface CancelReasonOption {
  value: string;
  label: string;
}

/** The built-in reasons of `cancel-reasons`, worded by the message table. */
const BUILT_IN_REASONS: [value: string, label: keyof PlanshipMessages][] = [
  ['too_expensive', 'cancelReasonTooExpensive'],
  ['missing_features', 'cancelReasonMissingFeatures'],
  ['not_using', 'cancelReasonNotUsing'],
  ['switching', 'cancelReasonSwitching'],
  ['technical', 'cancelReasonTechnical'],
  ['other', 'cancelReasonOther'],
];

/** The most a cancellation comment keeps (characters). */
const MAX_COMMENT = 500;

/** Whether `candidate` is the customer's own active one (it administers it), other than `subscription`. */
const otherOwnActive = (subscriptions: readonly Subscription[], subscription: Subscription) =>
  subscriptions.some((candidate) => candidate !== subscription && candidate.isActive && candidate.isAdministrator);

/**
 * @summary The customer's subscriptions to the product: plan, renewal, scheduled change,
 * cancel and resume, seats and members.
 *
 * Controls that change a subscription are shown to its administrators; other members see it
 * read-only, and so does everyone on a plan sold by contract (not self-serve), with a `contact`
 * slot instead. Cancel means "at the end of the period" (auto-renew off: "Ends on <date>", with
 * Resume) unless `cancel-at="now"`; it asks first, and so do removing a member, leaving the team
 * and lowering seats. With `cancel-reasons` the cancel dialog also offers an optional reason and
 * comment ("Prefer not to say" is chosen until the customer picks one). A subscription that has ended can be resumed only when the customer has no
 * other active one (never two bills). A change that went through is announced politely.
 *
 * @tagname planship-subscription-manager
 * @slot empty - Shown when the customer has no subscription (default "No subscription yet.").
 * @slot contact - Under a subscription on a contract plan: how to reach you (default "Contact us about <plan>."), e.g. a link.
 * @slot payment-method - Your own content after the subscriptions, e.g. the card on file (Planship has no payment methods).
 * @csspart billing-portal-button - "Payment method and invoices": opens the host's billing portal (behind a gateway with `billingPortal`).
 * @slot invoices - Your own content after the payment method, e.g. a list of invoices (Planship has no invoices).
 *
 * @csspart base - The wrapper.
 * @csspart subscription - One subscription card; also `inactive` when it has ended.
 * @csspart plan-name - The subscription's plan name (a heading, level `heading-level`).
 * @csspart status - "Active", "Cancelled" (ends at the end of the period) or "Ended".
 * @csspart renewal - The renewal line ("Renews on ...", "Ends on ...", "Changes to ... on ...").
 * @csspart keep-plan-button - Calls off a scheduled plan change.
 * @csspart cancel-button - Cancels the subscription (at the end of the period, or now with `cancel-at="now"`).
 * @csspart resume-button - Resumes a cancelled subscription (or one that ended, when no other is active).
 * @csspart contract - The "sold by contract" note of a contract subscription.
 * @csspart members - The seats and members area (a <planship-subscription-members>; its parts are exported).
 * @csspart action-error - A failed action (with a retry button when retrying can help).
 * @csspart empty - The empty state.
 * @csspart loading - The loading placeholder, shaped like a subscription card.
 * @csspart error - The load error (with a retry button when retrying can help).
 * @csspart error-note - Instead of the content when the same failure is shown, with its retry, by an element earlier in the page (one error box per failure and provider).
 * @csspart retry-button - A retry button.
 * @csspart stale - The "reconnecting" hint.
 * @csspart dialog - The confirmation <dialog>.
 * @csspart dialog-heading - The confirmation's question.
 * @csspart dialog-confirm - The confirmation's "yes" button (filled with the danger colour: every confirmation here takes something away).
 * @csspart dialog-cancel - The confirmation's "no" button (focused first, the safe choice).
 * @csspart cancel-reasons - With `cancel-reasons`: the cancel dialog's choice of reason (a radio group).
 * @csspart cancel-reason - One reason (its label and radio button).
 * @csspart cancel-comment - The optional comment (it takes text once a reason is chosen).
 *
 * @fires planship-subscription-change - After a change to a subscription succeeded (a cancellation's `reason` when the customer gave one).
 * @fires planship-member-invite - An administrator submitted the invite form (cancelable: prevent it to invite people yourself).
 * @fires planship-billing-portal - "Payment method and invoices" was pressed; cancelable (by default the page goes to `url`).
 * @fires planship-error - A read or action failed (the element shows it, with a retry button when retrying can help).
 */
export class PlanshipSubscriptionManager extends PlanshipElement {
  static override styles = [baseStyles, styles];

  static override properties: PropertyDeclarations = {
    headingLevel: { type: Number, attribute: 'heading-level' },
    cancelAt: { type: String, attribute: 'cancel-at' },
    cancelReasons: { attribute: 'cancel-reasons', converter: { fromAttribute: (value: string | null) => value !== null } },
    invites: { type: Boolean },
  };

  /** The level of the plan names' headings (default 3); the members heading is one below. */
  headingLevel?: number;

  /** What Cancel does: `period-end` (default: access until the renewal date) or `now`. */
  cancelAt: 'period-end' | 'now' = 'period-end';

  /**
   * An optional reason for cancelling, asked in the cancel dialog: `cancel-reasons` (the attribute,
   * or `true`) offers the built-in reasons, a list of your own `{ value, label }` offers those.
   * A reason given travels in `planship-subscription-change` (`reason`) and in the request as the
   * subscription's `metadata` (`cancellation_reason`, `cancellation_comment`).
   */
  cancelReasons?: boolean | readonly CancelReasonOption[];

  /**
   * Shows the invite form to administrators even when the gateway offers no invitations: you
   * handle `planship-member-invite` yourself.
   */
  invites = false;

  // The customer's own (administered) active subscriptions first, then teams it belongs to,
  // then cancelled ones; otherwise in the API's order. Plans say which are sold by contract.
  private task = this.load(
    ['subscriptions', 'plans', 'customer'],
    async (client, signal) => {
      const [subscriptions, plans] = await Promise.all([client.listSubscriptions({ productSlug: client.productSlug, signal }), client.listPlans({ signal })]);
      return managerData(subscriptions, plans);
    },
    undefined,
    (client) => {
      const [subscriptions, plans] = [client.peekSubscriptions(), client.peekPlans()];
      return subscriptions && plans ? managerData(subscriptions, plans) : undefined;
    },
  );

  override render() {
    // A visitor who is not signed in (a pricing page) has nothing here yet: say how to see it.
    if (this.client?.signedIn === false) return html`<p part="empty" class="muted">${this.m.signInToSee}</p>`;
    return html`${this.renderTask(this.task, this.m.loadingSubscriptions, skeleton, ({ subscriptions, contracts }) =>
        html`${subscriptions.length
          ? this.worded(subscriptions).map((subscription, _, all) => this.renderSubscription(subscription, all, contracts.has(subscription.plan.slug)))
          : html`<slot name="empty"><p part="empty" class="muted">${this.m.noSubscription}</p></slot>`}
        ${this.client?.features.has('billing-portal')
          ? html`${this.button('billing-portal-button', this.m.paymentAndInvoices, 'billing-portal', () => this.openBillingPortal())}${this.renderFailure('billing-portal')}`
          : nothing}
        <slot name="payment-method"></slot><slot name="invoices"></slot>`,
      )}${this.renderDialog()}`;
  }

  /** The host's billing portal (payment method, invoices): asked for a URL, then (unless a listener prevents it) opened. */
  private openBillingPortal() {
    if (this.actions.pending) return;
    return this.actions.run('billing-portal', 'billing-portal', async () => {
      const url = await this.client!.openBillingPortal();
      if (this.emit(new PlanshipBillingPortalEvent(url))) globalThis.location.assign(url);
    });
  }

  /** The subscriptions with the host's plan names in the element's language (the same objects while those stay). */
  private worded(subscriptions: Subscription[]): Subscription[] {
    return subscriptions.map((subscription) => this.localize.subscription(subscription));
  }

  /** The renewal line; a scheduled plan in bold wherever the language puts it. */
  private renewal({ isActive, autoRenew, plan, renewPlan, renewAt }: Subscription) {
    const { m } = this;
    const date = this.localize.date(renewAt);
    if (!isActive) return m.subscriptionEnded;
    if (!autoRenew) return m.endsOn(date);
    if (!renewPlan || renewPlan.slug === plan.slug) return m.renewsOn(date);
    const text = m.changesOn(renewPlan.name, date);
    const split = splitAround(text, renewPlan.name);
    return split ? html`${split[0]}<strong>${renewPlan.name}</strong>${split[1]}` : text;
  }

  private renderSubscription(subscription: Subscription, all: readonly Subscription[], contract: boolean) {
    const { m } = this;
    const { subscriptionId: id, plan, renewPlan, isActive, autoRenew, isAdministrator } = subscription;
    const scheduled = isActive && autoRenew && renewPlan && renewPlan.slug !== plan.slug;
    const level = headingLevel(this.headingLevel, 3);
    // Cancel while it renews (or always, to end it now); resume while it is set to end, or once
    // it ended if that cannot make a second active subscription.
    const cancellable = isActive && (autoRenew || this.cancelAt === 'now');
    const resumable = isActive ? !autoRenew : !otherOwnActive(all, subscription);
    return html`<section part=${isActive ? 'subscription' : 'subscription inactive'} class="card" aria-labelledby=${`plan-${id}`} data-subscription=${id}>
      <div class="row">
        <div part="plan-name" role="heading" aria-level=${level} id=${`plan-${id}`}>${plan.name}</div>
        <span part="status" class=${isActive && !autoRenew ? 'badge ending' : 'badge'}>${!isActive ? m.statusEnded : autoRenew ? m.statusActive : m.statusCancelled}</span>
      </div>
      <p part="renewal">${this.renewal(subscription)}</p>
      ${contract
        ? html`<p part="contract" class="muted">${m.contractPlan}</p>
            <slot name="contact">${m.contactUs(plan.name)}</slot>`
        : !isAdministrator
          ? html`<p class="muted">${m.managedByAdmin}</p>`
          : html`<div class="row">
              ${scheduled
                ? this.button('keep-plan-button', m.keepPlan(plan.name), `${id}:renew-plan`, () =>
                    this.act(subscription, 'renew-plan', 'keep-plan', { renewPlanSlug: plan.slug }, m.announcePlanKept(plan.name)),
                  )
                : nothing}
              ${resumable ? this.button('resume-button', m.resumeSubscription, `${id}:active`, () => this.resume(subscription), 'primary') : nothing}
              ${cancellable ? this.button('cancel-button', m.cancelSubscription, `${id}:active`, () => this.cancel(subscription), 'danger') : nothing}
            </div>`}
      ${this.renderFailure(`${id}:`)}
      <planship-subscription-members
        part="members"
        exportparts=${memberParts}
        .subscription=${subscription}
        ?can-manage=${isAdministrator === true}
        ?contract=${contract}
        ?invites=${this.invites}
        heading-level=${Math.min(level + 1, 6)}
      ></planship-subscription-members>
    </section>`;
  }

  /**
   * Changes `params` of the subscription, then tells the page and announces `success`. The
   * pending key is the pressed button's: keep-plan's, or the one of cancel and resume.
   */
  private act(subscription: Subscription, change: SubscriptionChangeKind, action: string, params: ModifySubscriptionParameters, success: string, reason?: CancellationReason) {
    const id = subscription.subscriptionId;
    const client = this.client!;
    const key = `${id}:${change === 'renew-plan' ? change : 'active'}`;
    return this.changeSubscription(key, action, id, change, () => client.modifySubscription(id, params), success, reason);
  }

  /** The reasons the cancel dialog offers, if any. */
  private reasonOptions(): readonly CancelReasonOption[] | undefined {
    const given = this.cancelReasons;
    return Array.isArray(given) ? given : given ? BUILT_IN_REASONS.map(([value, label]) => ({ value, label: this.m[label] as string })) : undefined;
  }

  /** The cancel dialog's optional reason (a radio group, "Prefer not to say" first) and comment. */
  private reasonFields(options: readonly CancelReasonOption[]) {
    const { m } = this;
    const choose = (event: Event) => {
      const comment = this.renderRoot.querySelector<HTMLTextAreaElement>('#cancel-comment')!;
      comment.disabled = !(event.target as HTMLInputElement).value;
    };
    return html`<fieldset part="cancel-reasons" class="stack">
        <legend>${m.cancelReasonLegend}</legend>
        ${[{ value: '', label: m.cancelReasonNone }, ...options].map(
          ({ value, label }) => html`<label part="cancel-reason"><input type="radio" name="cancel-reason" .value=${value} ?checked=${!value} @change=${choose} /> ${label}</label>`,
        )}
      </fieldset>
      <label for="cancel-comment">${m.cancelCommentLabel}</label>
      <textarea part="cancel-comment" id="cancel-comment" rows="3" maxlength=${MAX_COMMENT} aria-describedby="cancel-comment-hint" disabled></textarea>
      <p id="cancel-comment-hint" class="muted">${m.cancelCommentHint(this.localize.number(MAX_COMMENT), MAX_COMMENT)}</p>`;
  }

  /** The reason chosen in the cancel dialog just answered; undefined for "Prefer not to say". */
  private chosenReason(): CancellationReason | undefined {
    const value = this.renderRoot.querySelector<HTMLInputElement>('[name=cancel-reason]:checked')?.value;
    const comment = this.renderRoot.querySelector<HTMLTextAreaElement>('#cancel-comment')?.value.trim().slice(0, MAX_COMMENT);
    return value ? { value, ...(comment ? { comment } : {}) } : undefined;
  }

  /** Cancels after confirmation: at the end of the period (auto-renew off) unless `cancel-at="now"`. */
  private async cancel(subscription: Subscription) {
    if (this.actions.pending) return;
    const { m } = this;
    const { plan, renewAt } = subscription;
    const date = this.localize.date(renewAt);
    // Without a renewal date there is no period end to wait for.
    const now = this.cancelAt === 'now' || !date;
    const reasons = this.reasonOptions();
    const confirmed = await this.confirm({
      heading: m.cancelQuestion(plan.name),
      lines: [now ? m.cancelNowWarning : m.cancelAtEndWarning(plan.name, date)],
      fields: reasons && this.reasonFields(reasons),
      confirmLabel: m.cancelSubscription,
      cancelLabel: m.keepSubscription,
      destructive: true,
    });
    if (!confirmed) return;
    // A reason given goes along as the subscription's metadata too (nothing when none was).
    const reason = reasons && this.chosenReason();
    const metadata = reason && { cancellation_reason: reason.value, ...(reason.comment ? { cancellation_comment: reason.comment } : {}) };
    const done = now
      ? this.act(subscription, 'active', 'cancel', { isActive: false, ...(metadata && { metadata }) }, m.announceCancelled(plan.name), reason)
      : this.act(subscription, 'auto-renew', 'cancel', { autoRenew: false, ...(metadata && { metadata }) }, m.announceEnds(plan.name, date), reason);
    await this.focusAfter(subscription, await done, 'resume-button');
  }

  /** Keeps a cancelled subscription going, or reactivates one that ended (renewing again). */
  private async resume(subscription: Subscription) {
    if (this.actions.pending) return;
    const ended = !subscription.isActive;
    const params: ModifySubscriptionParameters = ended ? { isActive: true, autoRenew: true } : { autoRenew: true };
    const done = this.act(subscription, ended ? 'active' : 'auto-renew', 'resume', params, this.m.announceResumed(subscription.plan.name));
    await this.focusAfter(subscription, await done, 'cancel-button');
  }

  /** After a change, focus moves to the button that replaced the pressed one. */
  private async focusAfter({ subscriptionId }: Subscription, done: boolean, part: string) {
    if (!done) return;
    await this.task.taskComplete.catch(() => undefined);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-subscription="${CSS.escape(subscriptionId)}"] [part~=${part}]`)?.focus();
  }
}
define('planship-subscription-manager', PlanshipSubscriptionManager);

declare global {
  interface HTMLElementTagNameMap {
    'planship-subscription-manager': PlanshipSubscriptionManager;
  }
}
