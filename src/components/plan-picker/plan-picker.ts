import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './plan-picker.styles.ts';
import { PlanshipElement, flag } from '../shared/planship-element.ts';
import { PlanshipPlanChangeEvent, PlanshipSubscriptionChangeEvent, type PlanChangeAt } from '../shared/events.ts';
import { formatDate, formatPrice, lostEntitlements, type Price } from '../shared/format.ts';
import { loadPickerData, type PickerData, type PickerPlan } from './picker-data.ts';

/** What activating a plan's radio does, and how it is labelled. */
interface PlanAction {
  label: string;
  /** Undefined: nothing to do (e.g. the current plan with no scheduled change). */
  changeAt?: PlanChangeAt;
}

/**
 * @summary The product's public plans with their entitlements in words; customers switch plans
 * in place.
 *
 * Keyboard: the plans form a radio group (one Tab stop; arrow keys, Home and End move between
 * plans; Enter or Space chooses the focused plan). A downgrade that loses entitlements asks for
 * confirmation first; then `planship-plan-change` is dispatched, and only if no listener
 * prevents it does the picker call the API.
 *
 * @slot price-{slug} - A name template: one slot per plan, named after the plan's slug (e.g. `price-pro` for the plan `pro`). Its content is that plan's price, shown instead of the `prices` property.
 * @slot contact-{slug} - A name template: one slot per plan that is not self-serve, named after its slug (e.g. `contact-enterprise`). What to show instead of a choose button, e.g. a sales link.
 * @slot contact - What to show for plans that are not self-serve and have no `contact-{slug}` slot of their own.
 * @slot empty - Shown when the product has no public plans.
 *
 * @csspart base - The wrapper.
 * @csspart plans - The radio group of plans.
 * @csspart plan - One plan card; also `current` (the current plan) and `scheduled` (starts at renewal).
 * @csspart name - A plan's name.
 * @csspart description - A plan's description.
 * @csspart price - A plan's price.
 * @csspart badge - A "Current plan" or "From <date>" badge (also `current-badge`, `renew-badge`).
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
 * @csspart dialog - The confirmation <dialog>.
 * @csspart dialog-heading - The confirmation's question.
 * @csspart dialog-confirm - The confirmation's "yes" button.
 * @csspart dialog-cancel - The confirmation's "no" button (focused first, the safe choice).
 *
 * @cssprop --planship-plan-min-width - Minimum width of a plan card (default 13rem).
 *
 * @fires planship-plan-change - Before a plan change; cancelable (call `preventDefault()` to run your own checkout).
 * @fires planship-subscription-change - After the plan (or renew plan) changed or a subscription was created.
 * @fires planship-error - A read or plan change failed (the element shows it with a retry button).
 */
@customElement('planship-plan-picker')
export class PlanshipPlanPicker extends PlanshipElement {
  static override styles = [baseStyles, styles];

  /** Prices per plan slug, formatted with Intl in the page's language. */
  @property({ attribute: false }) prices?: Record<string, Price>;

  /** When a chosen plan takes effect: `now` (changes the plan) or `renewal` (schedules it). */
  @property({ type: String, attribute: 'change-at' }) changeAt: PlanChangeAt = 'now';

  /** The plan whose radio holds the group's Tab stop (roving tabindex). */
  @state() private focusSlug?: string;

  private task = this.load(['plans', 'subscriptions', 'product'], loadPickerData);

  override render() {
    return html`${this.renderTask(this.task, 'Loading plans', (data) =>
        data.plans.length
          ? this.renderPlans(data)
          : html`<slot name="empty"><p part="empty" class="muted">No plans are available.</p></slot>`,
      )}${this.renderDialog()}`;
  }

  private actionFor(plan: PickerPlan, data: PickerData): PlanAction {
    const subscription = data.subscription;
    if (!subscription) return { label: `Choose ${plan.name}`, changeAt: 'now' };
    const current = subscription.plan.slug;
    if (!this.canChange(data)) return { label: plan.slug === current ? `Current plan: ${plan.name}` : plan.name };
    const scheduled = subscription.renewPlan?.slug ?? current;
    if (plan.slug === current) {
      // The current plan only acts to call off a scheduled change.
      return scheduled !== current && plan.isSelfServe !== false
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
    return data.subscription?.isAdministrator !== false;
  }

  private renderPlans(data: PickerData) {
    const current = data.subscription?.plan.slug;
    // The radio group: self-serve plans and the current one; one of them holds the Tab stop.
    const selectable = data.plans.filter((plan) => plan.isSelfServe !== false || plan.slug === current).map((plan) => plan.slug);
    const tabStop = selectable.find((slug) => slug === this.focusSlug) ?? current ?? selectable[0];
    const readOnly = !this.canChange(data);
    return html`${readOnly
        ? html`<p part="note" class="muted" id="note">Only an administrator of this subscription can change its plan.</p>`
        : nothing}
      <div
        part="plans"
        role="radiogroup"
        aria-label="Plans"
        aria-readonly=${flag(readOnly)}
        aria-describedby=${readOnly ? 'note' : nothing}
        @keydown=${this.onKeydown}
      >
        ${data.plans.map((plan, index) => this.renderPlan(plan, index, data, selectable.includes(plan.slug), tabStop))}
      </div>
      ${this.renderFailure('', 'Could not change the plan: ')}`;
  }

  private renderPlan(plan: PickerPlan, index: number, data: PickerData, selectable: boolean, tabStop?: string) {
    const { slug, name, description, features } = plan;
    const subscription = data.subscription;
    const isCurrent = subscription?.plan.slug === slug;
    const isScheduled = !isCurrent && subscription?.renewPlan?.slug === slug;
    const price = this.prices?.[slug];
    const action = this.actionFor(plan, data);
    const pending = this.actions.pending;
    return html`<div part=${isCurrent ? 'plan current' : isScheduled ? 'plan scheduled' : 'plan'} class="card" data-plan=${slug}>
      <h3 part="name">${name}</h3>
      ${isCurrent
        ? html`<span part="badge current-badge" class="badge">Current plan</span>`
        : isScheduled
          ? html`<span part="badge renew-badge" class="badge">From ${formatDate(subscription!.renewAt) || 'renewal'}</span>`
          : nothing}
      <slot name=${`price-${slug}`}>${price ? html`<p part="price">${formatPrice(price)}</p>` : nothing}</slot>
      ${description ? html`<p part="description" id=${`description-${index}`}>${description}</p>` : nothing}
      ${features.length
        ? html`<ul part="entitlements" aria-label=${`${name} includes`}>
            ${features.map((feature) => html`<li>${feature}</li>`)}
          </ul>`
        : nothing}
      ${selectable
        ? html`<button
            part="action"
            type="button"
            role="radio"
            class=${subscription ? '' : 'primary'}
            data-plan=${slug}
            aria-checked=${String(isCurrent)}
            aria-describedby=${description ? `description-${index}` : nothing}
            aria-disabled=${flag(pending || (!action.changeAt && !isCurrent))}
            aria-busy=${flag(pending === slug)}
            tabindex=${slug === tabStop ? 0 : -1}
            @click=${() => this.choose(plan, data)}
            @focus=${() => (this.focusSlug = slug)}
          >${action.label}${pending === slug ? html` <span class="spinner"></span>` : nothing}</button>`
        : html`<div part="contact">
            <slot name=${`contact-${slug}`}><slot name="contact">Contact us about ${name}.</slot></slot>
          </div>`}
    </div>`;
  }

  /** Arrow keys, Home and End move through the radio group (wrapping); focus takes the Tab stop along. */
  private onKeydown(event: KeyboardEvent) {
    const radios = [...this.renderRoot.querySelectorAll<HTMLElement>('[role=radio]')];
    const count = radios.length;
    const at = radios.indexOf(event.target as HTMLElement);
    const next = ({ ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1 + count, ArrowUp: at - 1 + count, Home: 0, End: count - 1 } as Record<string, number>)[
      event.key
    ];
    if (at < 0 || next === undefined) return;
    event.preventDefault();
    radios[next % count].focus();
  }

  /** Confirms a downgrade, asks the host (cancelable event), then changes the plan. */
  private async choose(plan: PickerPlan, data: PickerData) {
    const { changeAt } = this.actionFor(plan, data);
    const client = this.client!;
    if (!changeAt || this.actions.pending) return;
    const subscription = data.subscription;
    const current = data.plans.find((candidate) => candidate.slug === subscription?.plan.slug);
    const lost = current ? lostEntitlements(current, plan, data.levers) : [];
    if (
      lost.length &&
      !(await this.confirm({
        heading: `Switch to ${plan.name}?`,
        message: `${changeAt === 'renewal' ? 'From your next renewal you' : 'You'} will lose:`,
        items: lost,
        confirmLabel: `Switch to ${plan.name}`,
        cancelLabel: `Keep ${current!.name}`,
      }))
    ) {
      return;
    }
    const request = { subscriptionId: subscription?.subscriptionId, fromPlan: subscription?.plan.slug, toPlan: plan.slug, changeAt };
    if (!this.emit(new PlanshipPlanChangeEvent(request))) return;
    if (!subscription) {
      await this.actions.run(plan.slug, 'create-subscription', async () => {
        const created = await client.createSubscription(plan.slug);
        this.emit(new PlanshipSubscriptionChangeEvent(created.id, 'created'));
      });
      return;
    }
    const id = subscription.subscriptionId;
    await this.changeSubscription(plan.slug, 'change-plan', id, changeAt === 'now' ? 'plan' : 'renew-plan', () =>
      changeAt === 'now' ? client.changeSubscriptionPlan(id, plan.slug) : client.changeSubscriptionRenewPlan(id, plan.slug),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-plan-picker': PlanshipPlanPicker;
  }
}
