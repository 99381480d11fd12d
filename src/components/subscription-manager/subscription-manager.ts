import { html, nothing } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { PlanshipCustomer, Resource, Subscription } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import { PlanshipSubscriptionChangeEvent, type SubscriptionChangeKind } from '../shared/events.ts';
import { describeError, formatDate } from '../shared/format.ts';
import type { PlanshipConfirmDialog } from '../shared/confirm-dialog.ts';
import '../shared/confirm-dialog.ts';
import { ActionController } from './action-controller.ts';
import './members-list.ts';
import { nestedTokens, styles } from './subscription-manager.styles.ts';

/**
 * @summary The customer's subscriptions to the product: plan, renewal, scheduled change,
 * auto-renew, cancel and resume, seats and members.
 *
 * Controls that change a subscription are shown to its administrators; other members see it
 * read-only. Cancelling, removing a member and lowering seats ask for confirmation first.
 *
 * @slot empty - Shown when the customer has no subscription (default "No subscription yet").
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
 *
 * @cssprop --planship-color-danger - Destructive buttons (and the other --planship-* tokens).
 *
 * @fires planship-subscription-change - After a change to a subscription succeeded.
 * @fires planship-error - A read or action failed (the element shows it with a retry button).
 */
@customElement('planship-subscription-manager')
export class PlanshipSubscriptionManager extends PlanshipElement {
  static override styles = [baseStyles, styles, nestedTokens];

  @query('planship-confirm-dialog') private dialog!: PlanshipConfirmDialog;

  private readonly actions = new ActionController(this, (error, action) => this.fail(error, action));

  private readonly task = new Task(this, {
    args: () => [this.client] as const,
    task: async ([client], { signal }): Promise<Subscription[] | typeof initialState> =>
      client ? client.listSubscriptions({ productSlug: client.productSlug, signal }) : initialState,
    onError: (error) => this.fail(error, 'load'),
  });

  protected override planshipChanged(resources: ReadonlySet<Resource>): void {
    if (resources.has('subscriptions') || resources.has('plans') || resources.has('customer')) void this.task.run();
  }

  override render() {
    if (!this.client) return this.renderNoClient();
    const { status, value, error } = this.task;
    let body;
    if (status === TaskStatus.ERROR) body = this.renderError(error, () => void this.task.run());
    else if (!value) body = this.renderLoading('Loading subscriptions');
    else if (!value.length) body = html`<slot name="empty"><p part="empty" class="muted">No subscription yet.</p></slot>`;
    else body = value.map((subscription) => this.renderSubscription(subscription));
    return html`<div part="base">${this.renderReconnectingHint()}${body}</div>
      <planship-confirm-dialog></planship-confirm-dialog>`;
  }

  private renderSubscription(subscription: Subscription) {
    const id = subscription.subscriptionId;
    const headingId = `subscription-${id}`;
    const canManage = subscription.isAdministrator === true;
    return html`<section
      part=${subscription.isActive ? 'subscription' : 'subscription inactive'}
      aria-labelledby=${headingId}
      data-subscription=${id}
    >
      <header>
        <h3 part="plan-name" id=${headingId}>${subscription.plan.name}</h3>
        <span part="status" class=${subscription.isActive ? 'active' : 'inactive'}>
          ${subscription.isActive ? 'Active' : 'Cancelled'}
        </span>
      </header>
      ${this.renderRenewal(subscription, canManage)}
      ${canManage ? this.renderLifecycle(subscription) : html`<p class="muted">Managed by this subscription's administrator.</p>`}
      <planship-subscription-members part="members" .subscription=${subscription} ?can-manage=${canManage} theme=${this.theme ?? nothing}>
      </planship-subscription-members>
    </section>`;
  }

  private renderRenewal(subscription: Subscription, canManage: boolean) {
    if (!subscription.isActive) return html`<p part="renewal">This subscription is cancelled.</p>`;
    const date = formatDate(subscription.renewAt ?? '');
    const renewPlan = subscription.renewPlan;
    if (!subscription.autoRenew) return html`<p part="renewal">Ends on ${date}; it will not renew.</p>`;
    if (!renewPlan || renewPlan.slug === subscription.plan.slug) return html`<p part="renewal">Renews on ${date}.</p>`;
    const key = `${subscription.subscriptionId}:keep-plan`;
    return html`<p part="renewal">Changes to <strong>${renewPlan.name}</strong> on ${date}.</p>
      ${canManage
        ? html`<button
            part="keep-plan-button"
            type="button"
            aria-busy=${this.actions.isPending(key) ? 'true' : nothing}
            aria-disabled=${this.actions.pending ? 'true' : nothing}
            @click=${() => this.act(subscription, 'keep-plan', 'keep-plan', (client) =>
              client.changeSubscriptionRenewPlan(subscription.subscriptionId, subscription.plan.slug),
            )}
          >
            Keep ${subscription.plan.name}
          </button>`
        : nothing}
      ${this.renderFailure(key)}`;
  }

  private renderLifecycle(subscription: Subscription) {
    const id = subscription.subscriptionId;
    const busy = (key: string) => (this.actions.isPending(`${id}:${key}`) ? 'true' : nothing);
    // aria-disabled rather than disabled, so the pressed control keeps keyboard focus.
    const blocked = this.actions.pending ? 'true' : nothing;
    return html`<div class="controls">
      ${subscription.isActive
        ? html`<button
              part="auto-renew"
              class="switch"
              type="button"
              role="switch"
              aria-checked=${subscription.autoRenew ? 'true' : 'false'}
              aria-busy=${busy('auto-renew')}
              aria-disabled=${blocked}
              @click=${() => this.setAutoRenew(subscription)}
            >
              <span class="track" aria-hidden="true"><span class="thumb"></span></span>
              Auto-renew
            </button>
            <button
              part="cancel-button"
              class="danger"
              type="button"
              aria-busy=${busy('active')}
              aria-disabled=${blocked}
              @click=${() => this.cancel(subscription)}
            >
              Cancel subscription
            </button>`
        : html`<button
            part="resume-button"
            class="primary"
            type="button"
            aria-busy=${busy('active')}
            aria-disabled=${blocked}
            @click=${() => this.resume(subscription)}
          >
            Resume subscription
          </button>`}
    </div>
    ${this.renderFailure(`${id}:auto-renew`)}${this.renderFailure(`${id}:active`)}`;
  }

  private renderFailure(key: string) {
    const failure = this.actions.failureFor(key);
    if (!failure) return nothing;
    return html`<div part="action-error" class="alert" role="alert">
      <span>${describeError(failure.error)}</span>
      <button part="retry-button" type="button" @click=${failure.retry}>Retry</button>
    </div>`;
  }

  private setAutoRenew(subscription: Subscription) {
    const next = !subscription.autoRenew;
    return this.act(subscription, 'auto-renew', 'auto-renew', (client) =>
      client.setSubscriptionAutoRenew(subscription.subscriptionId, next),
    );
  }

  private async cancel(subscription: Subscription) {
    if (this.actions.pending) return;
    const confirmed = await this.dialog.confirm({
      heading: `Cancel ${subscription.plan.name}?`,
      message: 'The subscription stops now and everyone on it loses what the plan includes. You can resume it later.',
      confirmLabel: 'Cancel subscription',
      cancelLabel: 'Keep subscription',
    });
    if (!confirmed) return;
    if (await this.act(subscription, 'active', 'cancel', (client) => client.setSubscriptionIsActive(subscription.subscriptionId, false))) {
      await this.refocus(subscription, 'resume-button');
    }
  }

  private async resume(subscription: Subscription) {
    if (await this.act(subscription, 'active', 'resume', (client) => client.setSubscriptionIsActive(subscription.subscriptionId, true))) {
      await this.refocus(subscription, 'cancel-button');
    }
  }

  /** Cancel and resume swap buttons; move focus to the new one once the list has re-read. */
  private async refocus(subscription: Subscription, part: string) {
    await this.task.taskComplete.catch(() => undefined);
    await this.updateComplete;
    const section = this.renderRoot.querySelector(`[data-subscription="${CSS.escape(subscription.subscriptionId)}"]`);
    section?.querySelector<HTMLElement>(`[part~="${part}"]`)?.focus();
  }

  /** Runs one subscription change; `control` names the button (pending / error beside it). */
  private async act(
    subscription: Subscription,
    control: 'auto-renew' | 'active' | 'keep-plan',
    action: string,
    work: (client: PlanshipCustomer) => Promise<Subscription>,
  ): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    const change: SubscriptionChangeKind = control === 'keep-plan' ? 'renew-plan' : control;
    return this.actions.run(`${subscription.subscriptionId}:${control}`, action, async () => {
      const changed = await work(client);
      this.dispatchEvent(new PlanshipSubscriptionChangeEvent(subscription.subscriptionId, change, changed));
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-subscription-manager': PlanshipSubscriptionManager;
  }
}
