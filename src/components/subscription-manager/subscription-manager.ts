import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { PlanshipCustomer, Subscription } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './subscription-manager.styles.ts';
import { define } from '../shared/define.ts';
import { PlanshipElement, flag, headingLevel } from '../shared/planship-element.ts';
import type { SubscriptionChangeKind } from '../shared/events.ts';
import { splitAround } from '../shared/wording.ts';
import { membersSkeleton } from './members-list.ts';

/** A placeholder subscription card: plan and status, renewal, controls, then the members area. */
const skeleton = html`<div class="card">
  <div class="bone" style="width: 35%"></div>
  <div class="bone" style="width: 60%"></div>
  <div class="row"><div class="bone control" style="width: 8em"></div><div class="bone control" style="width: 11em"></div></div>
  ${membersSkeleton}
</div>`;

/**
 * @summary The customer's subscriptions to the product: plan, renewal, scheduled change,
 * auto-renew, cancel and resume, seats and members.
 *
 * Controls that change a subscription are shown to its administrators; other members see it
 * read-only. Cancelling, removing a member and lowering seats ask for confirmation first. A
 * change that went through is announced politely.
 *
 * @tagname planship-subscription-manager
 * @slot empty - Shown when the customer has no subscription (default "No subscription yet.").
 *
 * @csspart base - The wrapper.
 * @csspart subscription - One subscription card; also `inactive` when cancelled.
 * @csspart plan-name - The subscription's plan name (a heading, level `heading-level`).
 * @csspart status - "Active" or "Cancelled".
 * @csspart renewal - The renewal line ("Renews on ...", "Ends on ...", "Changes to ... on ...").
 * @csspart keep-plan-button - Calls off a scheduled plan change.
 * @csspart auto-renew - The auto-renew switch (role="switch").
 * @csspart cancel-button - Cancels the subscription.
 * @csspart resume-button - Resumes a cancelled subscription.
 * @csspart members - The seats and members area (a <planship-subscription-members>).
 * @csspart action-error - A failed action, with its retry button.
 * @csspart empty - The empty state.
 * @csspart loading - The loading placeholder, shaped like a subscription card.
 * @csspart error - The load error with its retry button.
 * @csspart retry-button - A retry button.
 * @csspart stale - The "reconnecting" hint.
 * @csspart dialog - The confirmation <dialog>.
 * @csspart dialog-heading - The confirmation's question.
 * @csspart dialog-confirm - The confirmation's "yes" button.
 * @csspart dialog-cancel - The confirmation's "no" button (focused first, the safe choice).
 *
 *
 * @fires planship-subscription-change - After a change to a subscription succeeded.
 * @fires planship-error - A read or action failed (the element shows it with a retry button).
 */
export class PlanshipSubscriptionManager extends PlanshipElement {
  static override styles = [baseStyles, styles];

  /** The level of the plan names' headings (default 3); the members heading is one below. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel?: number;

  // The customer's own (administered) active subscriptions first, then teams it belongs to,
  // then cancelled ones; otherwise in the API's order.
  private task = this.load(['subscriptions', 'plans', 'customer'], async (client, signal) => {
    const rank = ({ isActive, isAdministrator }: Subscription) => (isActive ? 0 : 2) + (isAdministrator ? 0 : 1);
    return (await client.listSubscriptions({ productSlug: client.productSlug, signal })).sort((a, b) => rank(a) - rank(b));
  });

  override render() {
    return html`${this.renderTask(this.task, this.m.loadingSubscriptions, skeleton, (subscriptions) =>
        subscriptions.length
          ? subscriptions.map((subscription) => this.renderSubscription(subscription))
          : html`<slot name="empty"><p part="empty" class="muted">${this.m.noSubscription}</p></slot>`,
      )}${this.renderDialog()}`;
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

  private renderSubscription(subscription: Subscription) {
    const { m } = this;
    const { subscriptionId: id, plan, renewPlan, isActive, autoRenew } = subscription;
    const canManage = subscription.isAdministrator === true;
    const scheduled = isActive && autoRenew && renewPlan && renewPlan.slug !== plan.slug;
    const key = (change: SubscriptionChangeKind) => `${id}:${change}`;
    const level = headingLevel(this.headingLevel, 3);
    return html`<section part=${isActive ? 'subscription' : 'subscription inactive'} class="card" aria-labelledby=${`plan-${id}`} data-subscription=${id}>
      <div class="row">
        <div part="plan-name" role="heading" aria-level=${level} id=${`plan-${id}`}>${plan.name}</div>
        <span part="status" class="badge">${isActive ? m.statusActive : m.statusCancelled}</span>
      </div>
      <p part="renewal">${this.renewal(subscription)}</p>
      ${!canManage
        ? html`<p class="muted">${m.managedByAdmin}</p>`
        : html`<div class="row">
            ${scheduled
              ? this.button('keep-plan-button', m.keepPlan(plan.name), key('renew-plan'), () =>
                  this.act(subscription, 'renew-plan', 'keep-plan', (client) => client.changeSubscriptionRenewPlan(id, plan.slug), m.announcePlanKept(plan.name)),
                )
              : nothing}
            ${isActive
              ? html`<button
                    part="auto-renew"
                    class="switch"
                    type="button"
                    role="switch"
                    aria-checked=${String(autoRenew)}
                    aria-busy=${flag(this.actions.pending === key('auto-renew'))}
                    aria-disabled=${flag(this.actions.pending)}
                    @click=${() =>
                      this.act(
                        subscription,
                        'auto-renew',
                        'auto-renew',
                        (client) => client.setSubscriptionAutoRenew(id, !autoRenew),
                        autoRenew ? m.announceAutoRenewOff : m.announceAutoRenewOn,
                      )}
                  >${m.autoRenew}</button>
                  ${this.button('cancel-button', m.cancelSubscription, key('active'), () => this.setActive(subscription, false), 'danger')}`
              : this.button('resume-button', m.resumeSubscription, key('active'), () => this.setActive(subscription, true), 'primary')}
          </div>`}
      ${this.renderFailure(`${id}:`)}
      <planship-subscription-members part="members" .subscription=${subscription} ?can-manage=${canManage} heading-level=${Math.min(level + 1, 6)}>
      </planship-subscription-members>
    </section>`;
  }

  private act(
    subscription: Subscription,
    change: SubscriptionChangeKind,
    action: string,
    work: (client: PlanshipCustomer) => Promise<Subscription>,
    success: string,
  ) {
    const client = this.client!;
    const id = subscription.subscriptionId;
    return this.changeSubscription(`${id}:${change}`, action, id, change, () => work(client), success);
  }

  /** Cancels (after confirmation) or resumes, then moves focus to the button that replaced the pressed one. */
  private async setActive(subscription: Subscription, active: boolean) {
    const id = subscription.subscriptionId;
    if (this.actions.pending) return;
    const { m } = this;
    const name = subscription.plan.name;
    if (
      !active &&
      !(await this.confirm({
        heading: m.cancelQuestion(name),
        message: m.cancelWarning,
        confirmLabel: m.cancelSubscription,
        cancelLabel: m.keepSubscription,
      }))
    ) {
      return;
    }
    const success = active ? m.announceResumed(name) : m.announceCancelled(name);
    if (await this.act(subscription, 'active', active ? 'resume' : 'cancel', (client) => client.setSubscriptionIsActive(id, active), success)) {
      await this.task.taskComplete.catch(() => undefined);
      await this.updateComplete;
      this.renderRoot
        .querySelector<HTMLElement>(`[data-subscription="${CSS.escape(id)}"] [part~=${active ? 'cancel' : 'resume'}-button]`)
        ?.focus();
    }
  }
}

define('planship-subscription-manager', PlanshipSubscriptionManager);

declare global {
  interface HTMLElementTagNameMap {
    'planship-subscription-manager': PlanshipSubscriptionManager;
  }
}
