import type { Subscription } from '../../client/index.ts';

export type PlanChangeAt = 'now' | 'renewal';

export interface PlanChangeDetail {
  /** The subscription whose plan changes (also one that ended, to reactivate); undefined for a first subscription. */
  subscriptionId: string | undefined;
  /** That subscription's plan; undefined for a first subscription. */
  fromPlan: string | undefined;
  /** The chosen plan's slug. */
  toPlan: string;
  /** `now` (the plan changes at once) or `renewal` (it is scheduled for the next renewal). */
  changeAt: PlanChangeAt;
  /** True when the change also keeps a cancelled subscription going (or reactivates one that ended). */
  resumes: boolean;
}

/**
 * Fired once the customer confirmed a plan change, before it is sent. Cancelable: a host that
 * runs its own checkout calls `preventDefault()` and changes the plan from its backend; the
 * portal then updates live.
 */
export class PlanshipPlanChangeEvent extends Event implements PlanChangeDetail {
  static readonly eventName = 'planship-plan-change';
  /** The subscription whose plan changes (also one that ended, to reactivate); undefined for a first subscription. */
  declare readonly subscriptionId: string | undefined;
  /** That subscription's plan; undefined for a first subscription. */
  declare readonly fromPlan: string | undefined;
  /** The chosen plan's slug. */
  declare readonly toPlan: string;
  /** `now` (the plan changes at once) or `renewal` (it is scheduled for the next renewal). */
  declare readonly changeAt: PlanChangeAt;
  /** True when the change also keeps a cancelled subscription going (or reactivates one that ended). */
  declare readonly resumes: boolean;

  constructor(detail: PlanChangeDetail) {
    super(PlanshipPlanChangeEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    Object.assign(this, detail);
  }
}

export type SubscriptionChangeKind =
  | 'plan'
  | 'renew-plan'
  | 'auto-renew'
  | 'active'
  | 'seats'
  | 'member-invited'
  | 'invitation-withdrawn'
  | 'member-removed'
  | 'created';

/** Why a customer cancelled, when they said (<planship-subscription-manager cancel-reasons>). */
export interface CancellationReason {
  /** The chosen reason's value: a built-in one (e.g. `too_expensive`) or one of the host's `cancelReasons`. */
  value: string;
  /** What the customer wrote, trimmed (at most 500 characters); absent when they wrote nothing. */
  comment?: string;
}

/** Fired after a change to a subscription made through an element succeeded. */
export class PlanshipSubscriptionChangeEvent extends Event {
  static readonly eventName = 'planship-subscription-change';
  /** The subscription that changed (or was created). */
  readonly subscriptionId: string;
  /** What changed: plan, renew-plan, auto-renew, active, seats, member-invited, invitation-withdrawn, member-removed or created. */
  readonly change: SubscriptionChangeKind;
  /** The subscription as the API answered the change, when the element has it. */
  readonly subscription: Subscription | undefined;
  /**
   * A cancellation's reason, when the customer gave one (`cancel-reasons` on the manager);
   * undefined otherwise, and for every other change.
   */
  readonly reason: CancellationReason | undefined;

  constructor(subscriptionId: string, change: SubscriptionChangeKind, subscription?: Subscription, reason?: CancellationReason) {
    super(PlanshipSubscriptionChangeEvent.eventName, { bubbles: true, composed: true });
    this.subscriptionId = subscriptionId;
    this.change = change;
    this.subscription = subscription;
    this.reason = reason;
  }
}

/** Fired when an element's read or action failed (the element also shows the error). */
export class PlanshipErrorEvent extends Event {
  static readonly eventName = 'planship-error';
  /** What was thrown: usually a `PlanshipApiError` (with `kind`, `status` and `detail`). */
  readonly error: unknown;
  /** What the element was doing, e.g. 'load', 'change-plan', 'add-member'. */
  readonly action: string;

  constructor(error: unknown, action: string) {
    super(PlanshipErrorEvent.eventName, { bubbles: true, composed: true });
    this.error = error;
    this.action = action;
  }
}

/**
 * Fired when an administrator submits the invite form. Cancelable: a host that invites people
 * itself calls `preventDefault()`; otherwise, behind a gateway that offers invitations, the
 * element invites the person through it.
 */
export class PlanshipMemberInviteEvent extends Event {
  static readonly eventName = 'planship-member-invite';
  /** The subscription to invite to. */
  readonly subscriptionId: string;
  /** The invited person's email address, as typed (trimmed). */
  readonly email: string;
  /** Whether they should administer the subscription too. */
  readonly isAdministrator: boolean;

  constructor(subscriptionId: string, email: string, isAdministrator: boolean) {
    super(PlanshipMemberInviteEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.subscriptionId = subscriptionId;
    this.email = email;
    this.isAdministrator = isAdministrator;
  }
}

/**
 * Fired when a confirmed change costs more and the host's checkout answered where to pay (the
 * gateway's 402). Cancelable: by default the page goes to `url` (`location.assign`); prevent it
 * to open the checkout your own way (a popup, an embedded form).
 */
export class PlanshipCheckoutEvent extends Event implements PlanChangeDetail {
  static readonly eventName = 'planship-checkout';
  /** The host's checkout page for this change. */
  declare readonly url: string;
  /** The subscription whose plan changes; undefined for a first subscription. */
  declare readonly subscriptionId: string | undefined;
  /** That subscription's plan; undefined for a first subscription. */
  declare readonly fromPlan: string | undefined;
  /** The chosen plan's slug. */
  declare readonly toPlan: string;
  /** `now` or `renewal`. */
  declare readonly changeAt: PlanChangeAt;
  /** True when the change also keeps a cancelled subscription going (or reactivates one that ended). */
  declare readonly resumes: boolean;

  constructor(url: string, detail: PlanChangeDetail) {
    super(PlanshipCheckoutEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    Object.assign(this, detail, { url });
  }
}

/**
 * Fired when a visitor who is not signed in chooses a plan (a pricing page). Cancelable: by
 * default the page goes to the `signup-url` with `plan` and `interval` added.
 */
export class PlanshipPlanSelectEvent extends Event {
  static readonly eventName = 'planship-plan-select';
  /** The chosen plan's slug. */
  readonly plan: string;
  /** The billing interval shown when it was chosen (`month`, `year`), if the plans have prices per interval. */
  readonly interval: string | undefined;

  constructor(plan: string, interval: string | undefined) {
    super(PlanshipPlanSelectEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.plan = plan;
    this.interval = interval;
  }
}

/** Fired when the customer asks for their payment method and invoices. Cancelable: by default the page goes to `url`. */
export class PlanshipBillingPortalEvent extends Event {
  static readonly eventName = 'planship-billing-portal';
  /** The host's billing portal for this customer (e.g. a Stripe Billing Portal session). */
  readonly url: string;

  constructor(url: string) {
    super(PlanshipBillingPortalEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.url = url;
  }
}

/** Fired after the invitee accepted or declined an invitation (<planship-invitation>). */
export class PlanshipInvitationAnswerEvent extends Event {
  static readonly eventName = 'planship-invitation-answer';
  /** The invitation. */
  readonly invitationId: string;
  /** True when they joined the team, false when they declined. */
  readonly accepted: boolean;

  constructor(invitationId: string, accepted: boolean) {
    super(PlanshipInvitationAnswerEvent.eventName, { bubbles: true, composed: true });
    this.invitationId = invitationId;
    this.accepted = accepted;
  }
}

/**
 * Fired when the customer asks to upgrade from a usage meter near or over its limit. Cancelable:
 * by default the page's <planship-plan-picker> is scrolled into view and focused.
 */
export class PlanshipUpgradeRequestEvent extends Event {
  static readonly eventName = 'planship-upgrade-request';
  /** The lever whose meter asked. */
  readonly lever: string;
  /** `warning` (80% of the limit or more) or `exceeded` (at or over the limit). */
  readonly status: 'warning' | 'exceeded';

  constructor(lever: string, status: 'warning' | 'exceeded') {
    super(PlanshipUpgradeRequestEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.lever = lever;
    this.status = status;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'planship-plan-change': PlanshipPlanChangeEvent;
    'planship-subscription-change': PlanshipSubscriptionChangeEvent;
    'planship-error': PlanshipErrorEvent;
    'planship-member-invite': PlanshipMemberInviteEvent;
    'planship-invitation-answer': PlanshipInvitationAnswerEvent;
    'planship-checkout': PlanshipCheckoutEvent;
    'planship-plan-select': PlanshipPlanSelectEvent;
    'planship-billing-portal': PlanshipBillingPortalEvent;
    'planship-upgrade-request': PlanshipUpgradeRequestEvent;
  }
  interface HTMLElementEventMap {
    'planship-plan-change': PlanshipPlanChangeEvent;
    'planship-subscription-change': PlanshipSubscriptionChangeEvent;
    'planship-error': PlanshipErrorEvent;
    'planship-member-invite': PlanshipMemberInviteEvent;
    'planship-invitation-answer': PlanshipInvitationAnswerEvent;
    'planship-checkout': PlanshipCheckoutEvent;
    'planship-plan-select': PlanshipPlanSelectEvent;
    'planship-billing-portal': PlanshipBillingPortalEvent;
    'planship-upgrade-request': PlanshipUpgradeRequestEvent;
  }
}
