import { html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { PlanshipCustomer, Subscription } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './subscription-manager.styles.ts';
import { PlanshipElement, flag } from '../shared/planship-element.ts';
import type { SubscriptionChangeKind } from '../shared/events.ts';
import { formatDate } from '../shared/format.ts';
import './members-list.ts';

/**
 * @summary The customer's subscriptions to the product: plan, renewal, scheduled change,
 * auto-renew, cancel and resume, seats and members.
 *
 * Controls that change a subscription are shown to its administrators; other members see it
 * read-only. Cancelling, removing a member and lowering seats ask for confirmation first.
 *
 * @slot empty - Shown when the customer has no subscription (default "No subscription yet.").
 *
 * @csspart base - The wrapper.
 * @csspart subscription - One subscription card; also `inactive` when cancelled.
 * @csspart plan-name - The subscription's plan name.
 * @csspart status - "Active" or "Cancelled".
 * @csspart renewal - The renewal line ("Renews on ...", "Ends on ...", "Changes to ... on ...").
 * @csspart keep-plan-button - Calls off a scheduled plan change.
 * @csspart auto-renew - The auto-renew switch (role="switch").
 * @csspart cancel-button - Cancels the subscription.
 * @csspart resume-button - Resumes a cancelled subscription.
 * @csspart members - The seats and members area (a <planship-subscription-members>).
 * @csspart action-error - A failed action, with its retry button.
 * @csspart empty - The empty state.
 * @csspart loading - The loading indicator.
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
@customElement('planship-subscription-manager')
export class PlanshipSubscriptionManager extends PlanshipElement {
  static override styles = [baseStyles, styles];

  // The customer's own (administered) active subscriptions first, then teams it belongs to,
  // then cancelled ones; otherwise in the API's order.
  private task = this.load(['subscriptions', 'plans', 'customer'], async (client, signal) => {
    const rank = ({ isActive, isAdministrator }: Subscription) => (isActive ? 0 : 2) + (isAdministrator ? 0 : 1);
    return (await client.listSubscriptions({ productSlug: client.productSlug, signal })).sort((a, b) => rank(a) - rank(b));
  });

  override render() {
    return html`${this.renderTask(this.task, 'Loading subscriptions', (subscriptions) =>
        subscriptions.length
          ? subscriptions.map((subscription) => this.renderSubscription(subscription))
          : html`<slot name="empty"><p part="empty" class="muted">No subscription yet.</p></slot>`,
      )}${this.renderDialog()}`;
  }

  private renderSubscription(subscription: Subscription) {
    const { subscriptionId: id, plan, renewPlan, isActive, autoRenew } = subscription;
    const canManage = subscription.isAdministrator === true;
    const date = formatDate(subscription.renewAt);
    const scheduled = isActive && autoRenew && renewPlan && renewPlan.slug !== plan.slug;
    const key = (change: SubscriptionChangeKind) => `${id}:${change}`;
    const renewal = !isActive
      ? 'This subscription is cancelled.'
      : !autoRenew
        ? `Ends on ${date}; it will not renew.`
        : scheduled
          ? html`Changes to <strong>${renewPlan.name}</strong> on ${date}.`
          : `Renews on ${date}.`;
    return html`<section part=${isActive ? 'subscription' : 'subscription inactive'} class="card" aria-labelledby=${`plan-${id}`} data-subscription=${id}>
      <div class="row">
        <h3 part="plan-name" id=${`plan-${id}`}>${plan.name}</h3>
        <span part="status">${isActive ? 'Active' : 'Cancelled'}</span>
      </div>
      <p part="renewal">${renewal}</p>
      ${!canManage
        ? html`<p class="muted">Managed by this subscription's administrator.</p>`
        : html`<div class="row">
            ${scheduled
              ? this.button('keep-plan-button', `Keep ${plan.name}`, key('renew-plan'), () =>
                  this.act(subscription, 'renew-plan', 'keep-plan', (client) => client.changeSubscriptionRenewPlan(id, plan.slug)),
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
                      this.act(subscription, 'auto-renew', 'auto-renew', (client) => client.setSubscriptionAutoRenew(id, !autoRenew))}
                  >Auto-renew</button>
                  ${this.button('cancel-button', 'Cancel subscription', key('active'), () => this.setActive(subscription, false), 'danger')}`
              : this.button('resume-button', 'Resume subscription', key('active'), () => this.setActive(subscription, true), 'primary')}
          </div>`}
      ${this.renderFailure(`${id}:`)}
      <planship-subscription-members part="members" .subscription=${subscription} ?can-manage=${canManage} theme=${this.theme ?? nothing}>
      </planship-subscription-members>
    </section>`;
  }

  private act(subscription: Subscription, change: SubscriptionChangeKind, action: string, work: (client: PlanshipCustomer) => Promise<Subscription>) {
    const client = this.client!;
    const id = subscription.subscriptionId;
    return this.changeSubscription(`${id}:${change}`, action, id, change, () => work(client));
  }

  /** Cancels (after confirmation) or resumes, then moves focus to the button that replaced the pressed one. */
  private async setActive(subscription: Subscription, active: boolean) {
    const id = subscription.subscriptionId;
    if (this.actions.pending) return;
    if (
      !active &&
      !(await this.confirm({
        heading: `Cancel ${subscription.plan.name}?`,
        message: 'The subscription stops now and everyone on it loses what the plan includes. You can resume it later.',
        confirmLabel: 'Cancel subscription',
        cancelLabel: 'Keep subscription',
      }))
    ) {
      return;
    }
    if (await this.act(subscription, 'active', active ? 'resume' : 'cancel', (client) => client.setSubscriptionIsActive(id, active))) {
      await this.task.taskComplete.catch(() => undefined);
      await this.updateComplete;
      this.renderRoot
        .querySelector<HTMLElement>(`[data-subscription="${CSS.escape(id)}"] [part~=${active ? 'cancel' : 'resume'}-button]`)
        ?.focus();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-subscription-manager': PlanshipSubscriptionManager;
  }
}
