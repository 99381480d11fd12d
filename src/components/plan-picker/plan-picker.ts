import { html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { Resource } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import { PlanshipPlanChangeEvent, PlanshipSubscriptionChangeEvent, type PlanChangeAt } from '../shared/events.ts';
import { describeError, formatDate, formatPrice, lostEntitlements, type Price } from '../shared/format.ts';
import type { PlanshipConfirmDialog } from '../shared/confirm-dialog.ts';
import '../shared/confirm-dialog.ts';
import { ActionController } from '../subscription-manager/action-controller.ts';
import { loadPickerData, type PickerData, type PickerPlan } from './picker-data.ts';
import { styles } from './plan-picker.styles.ts';
import { nestedTokens } from '../subscription-manager/subscription-manager.styles.ts';

/** What activating a plan's radio does, and how it is labelled. */
interface PlanAction {
  label: string;
  /** Undefined: nothing to do (e.g. the current plan with no scheduled change). */
  changeAt?: PlanChangeAt;
}

const NEXT_KEYS = new Set(['ArrowRight', 'ArrowDown']);
const PREVIOUS_KEYS = new Set(['ArrowLeft', 'ArrowUp']);

/**
 * @summary The product's public plans with their entitlements in words; customers switch plans
 * in place.
 *
 * Keyboard: the plans form a radio group (one Tab stop; arrow keys, Home and End move between
 * plans; Enter or Space chooses the focused plan). A downgrade that loses entitlements asks for
 * confirmation first; then `planship-plan-change` is dispatched, and only if no listener
 * prevents it does the picker call the API.
 *
 * @slot price-{slug} - The price of the plan `{slug}` (instead of the `prices` property).
 * @slot contact-{slug} - What to show for the non-self-serve plan `{slug}`, e.g. a sales link.
 * @slot contact - What to show for non-self-serve plans without their own `contact-{slug}` slot.
 * @slot empty - Shown when the product has no public plans.
 *
 * @csspart base - The wrapper.
 * @csspart plans - The radio group of plans.
 * @csspart plan - One plan card; also `current` (the current plan) and `scheduled` (starts at renewal).
 * @csspart name - A plan's name.
 * @csspart description - A plan's description.
 * @csspart price - A plan's price.
 * @csspart badge - A "Current plan" or "From renewal" badge (also `current-badge`, `renew-badge`).
 * @csspart entitlements - The list of what a plan includes.
 * @csspart action - A plan's choose button (role="radio").
 * @csspart contact - The "contact us" area of a non-self-serve plan.
 * @csspart action-error - A failed plan change, with its retry button.
 * @csspart note - "Only an administrator can change the plan", for other members.
 * @csspart empty - The empty state.
 * @csspart loading - The loading indicator.
 * @csspart error - The load error with its retry button.
 * @csspart retry-button - A retry button.
 * @csspart stale - The "reconnecting" hint.
 *
 * @cssprop --planship-plan-min-width - Minimum width of a plan card (default 13rem).
 * @cssprop --planship-color-accent - Marks the current plan (and the other --planship-* tokens).
 *
 * @fires planship-plan-change - Before a plan change; cancelable (call `preventDefault()` to run your own checkout).
 * @fires planship-subscription-change - After the plan (or renew plan) changed or a subscription was created.
 * @fires planship-error - A read or plan change failed (the element shows it with a retry button).
 */
@customElement('planship-plan-picker')
export class PlanshipPlanPicker extends PlanshipElement {
  static override styles = [baseStyles, styles, nestedTokens];

  /** Prices per plan slug, formatted with Intl in the page's language. */
  @property({ attribute: false }) prices?: Record<string, Price>;

  /** When a chosen plan takes effect: `now` (changes the plan) or `renewal` (schedules it). */
  @property({ type: String, attribute: 'change-at' }) changeAt: PlanChangeAt = 'now';

  /** The plan whose radio holds the group's Tab stop (roving tabindex). */
  @state() private focusSlug?: string;

  @query('planship-confirm-dialog') private dialog!: PlanshipConfirmDialog;

  private readonly actions = new ActionController(this, (error, action) => this.fail(error, action));

  private readonly task = new Task(this, {
    args: () => [this.client] as const,
    task: async ([client], { signal }): Promise<PickerData | typeof initialState> =>
      client ? loadPickerData(client, signal) : initialState,
    onError: (error) => this.fail(error, 'load'),
  });

  protected override planshipChanged(resources: ReadonlySet<Resource>): void {
    if (resources.has('plans') || resources.has('subscriptions') || resources.has('product')) void this.task.run();
  }

  override render() {
    if (!this.client) return this.renderNoClient();
    const { status, value, error } = this.task;
    let body;
    if (status === TaskStatus.ERROR) body = this.renderError(error, () => void this.task.run());
    else if (!value) body = this.renderLoading('Loading plans');
    else if (!value.plans.length) body = html`<slot name="empty"><p part="empty" class="muted">No plans are available.</p></slot>`;
    else body = this.renderPlans(value);
    return html`<div part="base">${this.renderReconnectingHint()}${body}</div>
      <planship-confirm-dialog></planship-confirm-dialog>`;
  }

  /** The plans that take part in the radio group: self-serve ones and the current one. */
  private selectable(data: PickerData): PickerPlan[] {
    const current = data.subscription?.plan.slug;
    return data.plans.filter((plan) => plan.selfServe || plan.slug === current);
  }

  private actionFor(plan: PickerPlan, data: PickerData): PlanAction {
    const subscription = data.subscription;
    if (!subscription) return { label: `Choose ${plan.name}`, changeAt: 'now' };
    const current = subscription.plan.slug;
    if (!this.canChange(data)) return { label: plan.slug === current ? `Current plan: ${plan.name}` : plan.name };
    const scheduled = subscription.renewPlan?.slug ?? current;
    if (plan.slug === current) {
      // The current plan only acts to call off a scheduled change.
      return scheduled !== current && plan.selfServe
        ? { label: `Keep ${plan.name}`, changeAt: 'renewal' }
        : { label: `Current plan: ${plan.name}` };
    }
    if (this.changeAt === 'renewal') {
      return plan.slug === scheduled
        ? { label: `${plan.name} starts at renewal` }
        : { label: `Switch to ${plan.name} at renewal`, changeAt: 'renewal' };
    }
    return { label: `Switch to ${plan.name}`, changeAt: 'now' };
  }

  /** Only administrators of the subscription may change its plan (the API enforces it too). */
  private canChange(data: PickerData): boolean {
    return !data.subscription || data.subscription.isAdministrator !== false;
  }

  private renderPlans(data: PickerData) {
    const selectable = this.selectable(data);
    const tabStop = selectable.find((plan) => plan.slug === this.focusSlug)?.slug ?? data.subscription?.plan.slug ?? selectable[0]?.slug;
    const failure = this.actions.failure;
    const readOnly = !this.canChange(data);
    return html`${readOnly
        ? html`<p part="note" class="muted" id="read-only-note">Only an administrator of this subscription can change its plan.</p>`
        : nothing}
      <div
        part="plans"
        role="radiogroup"
        aria-label="Plans"
        aria-readonly=${readOnly ? 'true' : nothing}
        aria-describedby=${readOnly ? 'read-only-note' : nothing}
        @keydown=${this.onKeydown}
      >
        ${data.plans.map((plan, index) => this.renderPlan(plan, index, data, tabStop))}
      </div>
      ${failure
        ? html`<div part="action-error" class="alert" role="alert">
            <span>Could not change the plan: ${describeError(failure.error)}</span>
            <button part="retry-button" type="button" @click=${failure.retry}>Retry</button>
          </div>`
        : nothing}`;
  }

  private renderPlan(plan: PickerPlan, index: number, data: PickerData, tabStop: string | undefined) {
    const subscription = data.subscription;
    const isCurrent = subscription?.plan.slug === plan.slug;
    const isScheduled = !!subscription && !isCurrent && subscription.renewPlan?.slug === plan.slug;
    const price = this.prices?.[plan.slug];
    const parts = ['plan', isCurrent ? 'current' : '', isScheduled ? 'scheduled' : ''].filter(Boolean).join(' ');
    return html`<div part=${parts} data-plan=${plan.slug}>
      <h3 part="name">${plan.name}</h3>
      ${isCurrent ? html`<span part="badge current-badge">Current plan</span>` : nothing}
      ${isScheduled
        ? html`<span part="badge renew-badge">From ${formatDate(subscription!.renewAt ?? '') || 'renewal'}</span>`
        : nothing}
      <slot name=${`price-${plan.slug}`}>${price ? html`<p part="price">${formatPrice(price)}</p>` : nothing}</slot>
      ${plan.description ? html`<p part="description" id=${`description-${index}`}>${plan.description}</p>` : nothing}
      ${plan.features.length
        ? html`<ul part="entitlements" aria-label=${`${plan.name} includes`}>
            ${plan.features.map((feature) => html`<li>${feature}</li>`)}
          </ul>`
        : nothing}
      ${plan.selfServe || isCurrent ? this.renderAction(plan, data, tabStop, index) : this.renderContact(plan)}
    </div>`;
  }

  private renderAction(plan: PickerPlan, data: PickerData, tabStop: string | undefined, index: number) {
    const action = this.actionFor(plan, data);
    const pending = this.actions.isPending(plan.slug);
    // The current plan is the checked radio; choosing it again is simply a no-op.
    const checked = data.subscription?.plan.slug === plan.slug;
    return html`<button
      part="action"
      type="button"
      role="radio"
      class=${action.changeAt && !data.subscription ? 'primary' : ''}
      data-plan=${plan.slug}
      aria-checked=${checked ? 'true' : 'false'}
      aria-describedby=${plan.description ? `description-${index}` : nothing}
      aria-disabled=${this.actions.pending || (!action.changeAt && !checked) ? 'true' : nothing}
      aria-busy=${pending ? 'true' : nothing}
      tabindex=${plan.slug === tabStop ? '0' : '-1'}
      @click=${() => void this.choose(plan)}
      @focus=${() => (this.focusSlug = plan.slug)}
    >
      ${action.label}${pending ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
    </button>`;
  }

  private renderContact(plan: PickerPlan) {
    return html`<div part="contact">
      <slot name=${`contact-${plan.slug}`}><slot name="contact">Contact us about ${plan.name}.</slot></slot>
    </div>`;
  }

  private onKeydown(event: KeyboardEvent) {
    const data = this.task.value;
    const target = (event.target as HTMLElement).closest('[role="radio"]') as HTMLElement | null;
    if (!data || !target) return;
    const radios = [...this.renderRoot.querySelectorAll<HTMLElement>('[role="radio"]')];
    const at = radios.indexOf(target);
    let next: number | undefined;
    if (NEXT_KEYS.has(event.key)) next = (at + 1) % radios.length;
    else if (PREVIOUS_KEYS.has(event.key)) next = (at - 1 + radios.length) % radios.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = radios.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    this.focusSlug = radios[next].dataset.plan;
    radios[next].focus();
  }

  /** Confirms a downgrade, asks the host (cancelable event), then changes the plan. */
  private async choose(plan: PickerPlan) {
    const data = this.task.value;
    if (!data || this.actions.pending || !this.client) return;
    const { changeAt } = this.actionFor(plan, data);
    if (!changeAt) return;
    const subscription = data.subscription;
    const current = data.plans.find((candidate) => candidate.slug === subscription?.plan.slug);
    const lost = current ? lostEntitlements(current.details, plan.details, data.levers) : [];
    if (lost.length) {
      const confirmed = await this.dialog.confirm({
        heading: `Switch to ${plan.name}?`,
        message: `${changeAt === 'renewal' ? 'From your next renewal you' : 'You'} will lose:`,
        items: lost,
        confirmLabel: `Switch to ${plan.name}`,
        cancelLabel: `Keep ${current!.name}`,
      });
      if (!confirmed) return;
    }
    const event = new PlanshipPlanChangeEvent({
      subscriptionId: subscription?.subscriptionId,
      fromPlan: subscription?.plan.slug,
      toPlan: plan.slug,
      changeAt,
    });
    if (!this.dispatchEvent(event)) return;
    const client = this.client;
    await this.actions.run(plan.slug, subscription ? 'change-plan' : 'create-subscription', async () => {
      if (!subscription) {
        const created = await client.createSubscription(plan.slug);
        this.dispatchEvent(new PlanshipSubscriptionChangeEvent(created.id, 'created'));
        return;
      }
      const id = subscription.subscriptionId;
      const changed =
        changeAt === 'now' ? await client.changeSubscriptionPlan(id, plan.slug) : await client.changeSubscriptionRenewPlan(id, plan.slug);
      this.dispatchEvent(new PlanshipSubscriptionChangeEvent(id, changeAt === 'now' ? 'plan' : 'renew-plan', changed));
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-plan-picker': PlanshipPlanPicker;
  }
}
