import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { PlanDetails } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './plan-picker.styles.ts';
import { define } from '../shared/define.ts';
import { PlanshipElement, flag, headingLevel } from '../shared/planship-element.ts';
import { PlanshipPlanChangeEvent, PlanshipSubscriptionChangeEvent, type PlanChangeAt } from '../shared/events.ts';
import type { Price } from '../shared/format.ts';
import { describeEntitlement, grants, lostEntitlements, planValues, splitAround } from '../shared/wording.ts';
import { loadPickerData, type PickerData } from './picker-data.ts';

/** What activating a plan's radio does, and how it is labelled. */
interface PlanAction {
  label: string;
  /** Undefined: nothing to do (e.g. the current plan with no scheduled change). */
  changeAt?: PlanChangeAt;
}

/** A placeholder plan card: header, price, description, four entitlements, action. */
const skeletonCard = html`<div class="card plan">
  <div class="bone" style="width: 45%"></div>
  <div class="bone price-bone" style="width: 55%"></div>
  <div class="bone" style="width: 85%"></div>
  <div class="stack entitlements-bone">${[70, 60, 75, 50].map((width) => html`<div class="bone" style="width: ${width}%"></div>`)}</div>
  <div class="bone control"></div>
</div>`;

/**
 * @summary The product's public plans with their entitlements in words; customers switch plans
 * in place.
 *
 * Keyboard: the plans form a radio group (one Tab stop; arrow keys, Home and End move between
 * plans; Enter or Space chooses the focused plan). A downgrade that loses entitlements asks for
 * confirmation first; then `planship-plan-change` is dispatched, and only if no listener
 * prevents it does the picker call the API. A change that went through is announced politely.
 *
 * Plan cards line up row by row (name, price, description, entitlements, action), so the prices
 * of all cards are level even when a badge or a long name takes more room in one of them.
 *
 * @tagname planship-plan-picker
 * @slot price-{slug} - A name template: one slot per plan, named after the plan's slug (e.g. `price-pro` for the plan `pro`). Its content is that plan's price, shown instead of the `prices` property.
 * @slot contact-{slug} - A name template: one slot per plan that is not self-serve, named after its slug (e.g. `contact-enterprise`). What to show instead of a choose button, e.g. a sales link.
 * @slot contact - What to show for plans that are not self-serve and have no `contact-{slug}` slot of their own.
 * @slot empty - Shown when the product has no public plans.
 *
 * @csspart base - The wrapper.
 * @csspart plans - The radio group of plans.
 * @csspart plan - One plan card; also `current` (the current plan) and `scheduled` (starts at renewal).
 * @csspart header - A plan's name and badge.
 * @csspart name - A plan's name (a heading, level `heading-level`).
 * @csspart description - A plan's description.
 * @csspart price - A plan's price: `amount` and `interval`.
 * @csspart amount - The amount of a price, e.g. "$49.00".
 * @csspart interval - The rest of a price, e.g. "/ month".
 * @csspart badge - A "Current plan" or "From <date>" badge (also `current-badge`, `renew-badge`).
 * @csspart entitlements - The list of what a plan includes.
 * @csspart action - A plan's choose button (role="radio").
 * @csspart contact - The "contact us" area of a non-self-serve plan.
 * @csspart action-error - A failed plan change, with its retry button.
 * @csspart note - "Only an administrator can change the plan", for other members.
 * @csspart empty - The empty state.
 * @csspart loading - The loading placeholder, shaped like the plan cards.
 * @csspart error - The load error with its retry button.
 * @csspart retry-button - A retry button.
 * @csspart stale - The "reconnecting" hint.
 * @csspart dialog - The confirmation <dialog>.
 * @csspart dialog-heading - The confirmation's question.
 * @csspart dialog-confirm - The confirmation's "yes" button.
 * @csspart dialog-cancel - The confirmation's "no" button (focused first, the safe choice).
 *
 * @cssprop [--planship-plan-min-width=13rem] - Minimum width of a plan card.
 *
 * @fires planship-plan-change - Before a plan change; cancelable (call `preventDefault()` to run your own checkout).
 * @fires planship-subscription-change - After the plan (or renew plan) changed or a subscription was created.
 * @fires planship-error - A read or plan change failed (the element shows it with a retry button).
 */
export class PlanshipPlanPicker extends PlanshipElement {
  static override styles = [baseStyles, styles];

  /** Prices per plan slug, formatted with Intl in the element's language. */
  @property({ attribute: false }) prices?: Record<string, Price>;

  /** When a chosen plan takes effect: `now` (changes the plan) or `renewal` (schedules it). */
  @property({ type: String, attribute: 'change-at' }) changeAt: PlanChangeAt = 'now';

  /** The level of the plan names' headings (default 3), to fit the host page's outline. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel?: number;

  /** The plan whose radio holds the group's Tab stop (roving tabindex). */
  @state() private focusSlug?: string;

  private task = this.load(['plans', 'subscriptions', 'product'], loadPickerData);

  override render() {
    return html`${this.renderTask(this.task, this.m.loadingPlans, html`<div part="plans">${skeletonCard}${skeletonCard}${skeletonCard}</div>`, (data) =>
        data.plans.length
          ? this.renderPlans(data)
          : html`<slot name="empty"><p part="empty" class="muted">${this.m.noPlans}</p></slot>`,
      )}${this.renderDialog()}`;
  }

  private actionFor(plan: PlanDetails, data: PickerData): PlanAction {
    const m = this.m;
    const subscription = data.subscription;
    if (!subscription) return { label: m.choosePlan(plan.name), changeAt: 'now' };
    const current = subscription.plan.slug;
    if (!this.canChange(data)) return { label: plan.slug === current ? m.currentPlanNamed(plan.name) : plan.name };
    const scheduled = subscription.renewPlan?.slug ?? current;
    if (plan.slug === current) {
      // The current plan only acts to call off a scheduled change.
      return scheduled !== current && plan.isSelfServe !== false
        ? { label: m.keepPlan(plan.name), changeAt: 'renewal' }
        : { label: m.currentPlanNamed(plan.name) };
    }
    if (this.changeAt === 'renewal') {
      return plan.slug === scheduled
        ? { label: m.startsAtRenewal(plan.name) }
        : { label: m.switchAtRenewal(plan.name), changeAt: 'renewal' };
    }
    return { label: m.switchTo(plan.name), changeAt: 'now' };
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
    return html`${readOnly ? html`<p part="note" class="muted" id="note">${this.m.adminOnlyPlan}</p>` : nothing}
      <div
        part="plans"
        role="radiogroup"
        aria-label=${this.m.plansLabel}
        aria-readonly=${flag(readOnly)}
        aria-describedby=${readOnly ? 'note' : nothing}
        @keydown=${this.onKeydown}
      >
        ${data.plans.map((plan, index) => this.renderPlan(plan, index, data, selectable.includes(plan.slug), tabStop))}
      </div>
      ${this.renderFailure('', this.m.planChangeFailed)}`;
  }

  /** A price, its amount set apart from the interval wherever the language puts it. */
  private renderPrice({ amount, currency, interval }: Price) {
    const money = this.localize.money(amount, currency);
    const names = this.m.intervalNames;
    const per = interval && this.m.pricePer(money, Object.hasOwn(names, interval) ? names[interval] : interval);
    const [before, after] = (per && splitAround(per, money)) || ['', ''];
    const rest = (text: string) => (text ? html`<span part="interval">${text}</span>` : nothing);
    return html`<p part="price">${rest(before)}<span part="amount">${money}</span>${rest(after)}</p>`;
  }

  private renderPlan(plan: PlanDetails, index: number, data: PickerData, selectable: boolean, tabStop?: string) {
    const { m } = this;
    const { slug, name, description } = plan;
    const subscription = data.subscription;
    const isCurrent = subscription?.plan.slug === slug;
    const isScheduled = !isCurrent && subscription?.renewPlan?.slug === slug;
    const price = this.prices?.[slug];
    const action = this.actionFor(plan, data);
    const pending = this.actions.pending;
    const values = planValues(plan);
    const features = data.levers.filter(({ slug }) => grants(values[slug])).map(({ slug, name }) => describeEntitlement(this.localize, name, values[slug]));
    const date = subscription && this.localize.date(subscription.renewAt);
    // Five rows in every card, present even when empty, so the cards line up row by row.
    return html`<div part=${isCurrent ? 'plan current' : isScheduled ? 'plan scheduled' : 'plan'} class="card" data-plan=${slug}>
      <div part="header" class="row">
        <div part="name" role="heading" aria-level=${headingLevel(this.headingLevel, 3)}>${name}</div>
        ${isCurrent
          ? html`<span part="badge current-badge" class="badge">${m.currentPlan}</span>`
          : isScheduled
            ? html`<span part="badge renew-badge" class="badge">${date ? m.fromDate(date) : m.fromRenewal}</span>`
            : nothing}
      </div>
      <div><slot name=${`price-${slug}`}>${price ? this.renderPrice(price) : nothing}</slot></div>
      <div>${description ? html`<p part="description" id=${`description-${index}`}>${description}</p>` : nothing}</div>
      <div>
        ${features.length
          ? html`<ul part="entitlements" aria-label=${m.planIncludes(name)}>
              ${features.map((feature) => html`<li>${feature}</li>`)}
            </ul>`
          : nothing}
      </div>
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
            <slot name=${`contact-${slug}`}><slot name="contact">${m.contactUs(name)}</slot></slot>
          </div>`}
    </div>`;
  }

  /** Arrow keys, Home and End move through the radio group (wrapping); focus takes the Tab stop along. */
  private onKeydown(event: KeyboardEvent) {
    const radios = [...this.renderRoot.querySelectorAll<HTMLElement>('[role=radio]')];
    const count = radios.length;
    const at = radios.indexOf(event.target as HTMLElement);
    // Left and right follow the reading direction.
    const [back, forward] = this.localize.rtl ? ['ArrowRight', 'ArrowLeft'] : ['ArrowLeft', 'ArrowRight'];
    const next = ({ [forward]: at + 1, ArrowDown: at + 1, [back]: at - 1 + count, ArrowUp: at - 1 + count, Home: 0, End: count - 1 } as Record<string, number>)[
      event.key
    ];
    if (at < 0 || next === undefined) return;
    event.preventDefault();
    radios[next % count].focus();
  }

  /** Confirms a downgrade, asks the host (cancelable event), then changes the plan. */
  private async choose(plan: PlanDetails, data: PickerData) {
    const { changeAt } = this.actionFor(plan, data);
    const client = this.client!;
    const m = this.m;
    if (!changeAt || this.actions.pending) return;
    const subscription = data.subscription;
    const current = data.plans.find((candidate) => candidate.slug === subscription?.plan.slug);
    const lost = current ? lostEntitlements(this.localize, current, plan, data.levers) : [];
    if (
      lost.length &&
      !(await this.confirm({
        heading: m.switchQuestion(plan.name),
        message: changeAt === 'renewal' ? m.youWillLoseAtRenewal : m.youWillLose,
        items: lost,
        confirmLabel: m.switchTo(plan.name),
        cancelLabel: m.keepPlan(current!.name),
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
        this.announce(m.announceSubscribed(plan.name));
      });
      return;
    }
    const id = subscription.subscriptionId;
    const now = changeAt === 'now';
    await this.changeSubscription(
      plan.slug,
      'change-plan',
      id,
      now ? 'plan' : 'renew-plan',
      () => (now ? client.changeSubscriptionPlan(id, plan.slug) : client.changeSubscriptionRenewPlan(id, plan.slug)),
      now ? m.announcePlanChanged(plan.name) : plan.slug === current?.slug ? m.announcePlanKept(plan.name) : m.announcePlanScheduled(plan.name),
    );
  }
}

define('planship-plan-picker', PlanshipPlanPicker);

declare global {
  interface HTMLElementTagNameMap {
    'planship-plan-picker': PlanshipPlanPicker;
  }
}
