import { html, isServer, nothing, type PropertyDeclarations } from 'lit';
import { PlanshipApiError, type ModifySubscriptionParameters, type PlanDetails } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './plan-picker.styles.ts';
import { define } from '../shared/define.ts';
import { PlanshipElement, flag, headingLevel } from '../shared/planship-element.ts';
import { PlanshipCheckoutEvent, PlanshipPlanChangeEvent, PlanshipPlanSelectEvent, PlanshipSubscriptionChangeEvent, type PlanChangeAt, type PlanChangeDetail } from '../shared/events.ts';
import type { Price, Prices } from '../shared/format.ts';
import { planFeatures, splitAround } from '../shared/wording.ts';
import { currentPlan, periodCost, planChangeQuestion, priceIn, pricesOfPlans, priceText, type PlanAction } from './plan-change.ts';
import { loadPickerData, peekPickerData, type PickerData } from './picker-data.ts';
import { addressParam, dropAddressParams } from '../shared/page-address.ts';

/** A placeholder plan card: header, price, description, four entitlements, action. */
const skeletonCard = html`<div class="card plan">
  <div class="bone" style="width: 45%"></div>
  <div class="bone price-bone" style="width: 55%"></div>
  <div class="bone" style="width: 85%"></div>
  <div class="stack entitlements-bone">${[70, 60, 75, 50].map((width) => html`<div class="bone" style="width: ${width}%"></div>`)}</div>
  <div class="bone control"></div>
</div>`;

/** Its parts, for `exportparts` of the elements it sits in. */
export const pickerParts =
  'base,pending,checkout-status,interval-switch,interval-button,plans,plan,current,scheduled,recommended,header,name,description,price,amount,interval,badge,current-badge,renew-badge,recommended-badge,entitlements,action,contact,action-error,note,empty,loading,error,error-note,retry-button,stale,dialog,dialog-heading,dialog-confirm,dialog-cancel';

const INTERVALS = ['month', 'year'] as const;
/** The page address's parameter a checkout's success URL carries: the plan that was bought. */
const PENDING_PARAM = 'planship-pending';
const PENDING_POLL_MS = 5_000;
const PENDING_PATIENCE_MS = 120_000;

/**
 * @summary The product's public plans with their entitlements in words; customers switch plans
 * in place.
 *
 * Keyboard: the plans form a radio group (one Tab stop; arrow keys, Home and End move between
 * plans; Enter or Space chooses the focused plan; `focus()` focuses the group). Every change is
 * confirmed in a dialog that says what is gained and lost, the price difference (with `prices`)
 * and when it takes effect; then `planship-plan-change` is dispatched, and only if no listener
 * prevents it does the picker call the API. Choosing a plan while the customer's subscription
 * is cancelled keeps it going with that plan; once it has ended (and none is active) it is
 * reactivated, never duplicated. A change that went through is announced politely.
 *
 * Prices come from `prices`, else from the plans as the portal gateway sends them (its `prices`
 * option), so a drop-in page shows them with no script. With `change-at="auto"` (the default) a
 * plan that costs more starts now and one that costs less at renewal (without prices: a higher
 * plan now, a lower one at renewal); the confirmation says which. A change that costs more, behind
 * a gateway with a checkout, is confirmed with "Continue to payment": the gateway answers where
 * to pay, `planship-checkout` is dispatched and, unless prevented, the page goes there. Back on
 * the page with `?planship-pending=<plan>` (your checkout's success URL), the picker says the
 * change is being applied until the subscription shows it.
 *
 * For a visitor who is not signed in (a pricing page: the gateway answered the public catalog,
 * or the provider reads Planship's public route), each plan is a call to action ("Get started
 * with Pro") with no dialog: `planship-plan-select` is dispatched and, unless prevented, the page
 * goes to `signup-url` with `plan` and `interval`. Back signed in, an account page opened with
 * `?plan=<slug>&interval=<interval>` offers that plan's confirmation (and checkout) at once.
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
 * @csspart pending - "Your change to <plan> is being applied" after checkout (a status).
 * @csspart checkout-status - "Opening the payment page…" while the page goes to checkout (a status).
 * @csspart interval-switch - The Monthly/Yearly switch (when `prices` give both).
 * @csspart interval-button - Each of its two buttons (`aria-pressed`).
 * @csspart plans - The radio group of plans.
 * @csspart plan - One plan card; also `current` (the current plan), `scheduled` (starts at renewal) and `recommended`.
 * @csspart current - The current plan's card.
 * @csspart scheduled - The card of the plan that starts at renewal.
 * @csspart recommended - The card of the plan named by `recommended`.
 * @csspart header - A plan's name and badges.
 * @csspart name - A plan's name (a heading, level `heading-level`).
 * @csspart description - A plan's description.
 * @csspart price - A plan's price: `amount` and `interval`.
 * @csspart amount - The amount of a price, e.g. "$49.00".
 * @csspart interval - The rest of a price, e.g. "/ month".
 * @csspart badge - A "Current plan", "From <date>" or "Recommended" badge (also `current-badge`, `renew-badge`, `recommended-badge`).
 * @csspart current-badge - The "Current plan" badge.
 * @csspart renew-badge - The "From <date>" badge.
 * @csspart recommended-badge - The "Recommended" badge.
 * @csspart entitlements - The list of what a plan includes.
 * @csspart action - A plan's choose button (role="radio").
 * @csspart contact - The "contact us" area of a non-self-serve plan.
 * @csspart action-error - A failed plan change (with a retry button when retrying can help).
 * @csspart note - Why the plans are read-only: only an administrator can change them, or the plan is sold by contract.
 * @csspart empty - The empty state.
 * @csspart loading - The loading placeholder, shaped like the plan cards.
 * @csspart error - The load error (with a retry button when retrying can help).
 * @csspart error-note - Instead of the content when the same failure is shown, with its retry, by an element earlier in the page (one error box per failure and provider).
 * @csspart retry-button - A retry button.
 * @csspart stale - The "reconnecting" hint.
 * @csspart dialog - The confirmation <dialog>.
 * @csspart dialog-heading - The confirmation's question.
 * @csspart dialog-confirm - The confirmation's "yes" button.
 * @csspart dialog-cancel - The confirmation's "no" button (focused first, the safe choice).
 *
 * @cssprop [--planship-plan-min-width=13rem] - Minimum width of a plan card.
 *
 * @fires planship-plan-change - After the customer confirmed a plan change, before it is sent; cancelable (call `preventDefault()` to run your own checkout).
 * @fires planship-plan-select - A visitor who is not signed in chose a plan; cancelable (by default the page goes to `signup-url` with `plan` and `interval`).
 * @fires planship-checkout - A confirmed change needs payment and the host's checkout is at `url`; cancelable (by default the page goes there).
 * @fires planship-subscription-change - After the plan (or renew plan) changed or a subscription was created or reactivated.
 * @fires planship-error - A read or plan change failed (the element shows it, with a retry button when retrying can help).
 */
export class PlanshipPlanPicker extends PlanshipElement {
  static override styles = [baseStyles, styles];

  static override properties: PropertyDeclarations = {
    prices: { attribute: false },
    interval: { type: String },
    changeAt: { type: String, attribute: 'change-at' },
    recommended: { type: String },
    signupUrl: { type: String, attribute: 'signup-url' },
    headingLevel: { type: Number, attribute: 'heading-level' },
    focusSlug: { state: true },
    pendingPlan: { state: true },
    pendingSlow: { state: true },
    checkingOut: { state: true },
  };

  /**
   * Prices per plan slug, formatted with Intl in the element's language: one price, or a list
   * with one per interval (`month` and `year` give a Monthly/Yearly switch).
   */
  prices?: Prices;

  /** The billing interval whose prices are shown (`month` or `year`); the switch sets it. */
  interval: string = 'month';

  /**
   * When a chosen plan takes effect: `auto` (default: a plan that costs more now, one that costs
   * less at renewal), `now` (changes the plan) or `renewal` (schedules it).
   */
  changeAt: PlanChangeAt | 'auto' = 'auto';

  /** The slug of the plan to recommend: a "Recommended" badge, and emphasis. */
  recommended?: string;

  /**
   * Where a visitor who is not signed in gets started (your sign-up page; default the provider's
   * `signup-url`): a plan's call to action goes there with `plan` and `interval` added.
   */
  signupUrl?: string;

  /** The level of the plan names' headings (default 3), to fit the host page's outline. */
  headingLevel?: number;

  /** The plan whose radio holds the group's Tab stop (roving tabindex). */
  private focusSlug?: string;

  /** The plan a checkout bought, until the subscription shows it (from the page address's `planship-pending`). */
  private pendingPlan? = addressParam(PENDING_PARAM);
  private pendingSlow = false;
  private pendingTimer?: ReturnType<typeof setInterval>;
  /** The page is on its way to the checkout. */
  private checkingOut = false;

  /** Prices shown and compared: the `prices` property, else the ones the gateway sent with the plans. */
  private shownPrices?: Prices;

  private task = this.load(['plans', 'subscriptions', 'product'], loadPickerData, undefined, peekPickerData);

  /** Focuses the plans (the radio that holds the Tab stop), e.g. to show them after "Upgrade". */
  override focus(options?: FocusOptions) {
    const radio = this.renderRoot.querySelector<HTMLElement>('[role=radio][tabindex="0"]');
    if (radio) radio.focus(options);
    else super.focus(options);
  }

  override render() {
    return html`${this.renderTask(this.task, this.m.loadingPlans, html`<div part="plans">${skeletonCard}${skeletonCard}${skeletonCard}</div>`, (data) => {
        this.shownPrices = this.prices ?? pricesOfPlans(data.plans);
        if (data.plans.length && !isServer) queueMicrotask(() => this.offerFromAddress(data));
        return data.plans.length
          ? html`${this.renderPending(data)}${this.renderPlans(this.worded(data))}`
          : html`<slot name="empty"><p part="empty" class="muted">${this.m.noPlans}</p></slot>`;
      })}${this.checkingOut ? html`<p part="checkout-status" role="status">${this.m.checkoutOpening}</p>` : nothing}${this.renderDialog()}`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.pendingTimer);
    this.pendingTimer = undefined;
  }

  /**
   * After checkout: "being applied" until the subscription shows the plan (the host's payment
   * webhook makes the change; a live push or a look every few seconds shows it), then the plan is
   * announced and the parameter leaves the address. After two minutes it says it is slow.
   */
  private renderPending(data: PickerData) {
    const slug = this.pendingPlan;
    if (!slug) return nothing;
    const subscription = data.subscription;
    if (subscription && (subscription.plan.slug === slug || (subscription.renewPlan?.slug === slug && subscription.autoRenew))) {
      queueMicrotask(() => this.pendingDone(data, slug));
      return nothing;
    }
    if (!this.pendingTimer) {
      const started = Date.now();
      this.pendingTimer = setInterval(() => {
        if (Date.now() - started > PENDING_PATIENCE_MS) this.pendingSlow = true;
        void this.task.run();
      }, PENDING_POLL_MS);
    }
    const plan = data.plans.find((candidate) => candidate.slug === slug);
    const name = plan ? this.localize.plan(plan).name : slug;
    return html`<p part="pending" role="status" class="stale">${this.m.changePending(name)}${this.pendingSlow ? html` ${this.m.changePendingSlow}` : nothing}</p>`;
  }

  private pendingDone(data: PickerData, slug: string) {
    if (this.pendingPlan !== slug) return;
    this.pendingPlan = undefined;
    clearInterval(this.pendingTimer);
    this.pendingTimer = undefined;
    const plan = data.plans.find((candidate) => candidate.slug === slug);
    this.announce(this.m.announcePlanChanged(plan ? this.localize.plan(plan).name : slug));
    if (addressParam(PENDING_PARAM) === slug) dropAddressParams(PENDING_PARAM);
  }

  /** The plans with the host's names and descriptions in the element's language (the same objects while those stay). */
  private worded(data: PickerData): PickerData {
    const plans = data.plans.map((plan) => this.localize.plan(plan));
    return plans.every((plan, i) => plan === data.plans[i]) ? data : { ...data, plans };
  }

  private actionFor(plan: PlanDetails, data: PickerData): PlanAction {
    const m = this.m;
    const subscription = data.subscription;
    if (this.client?.signedIn === false) return { label: m.getStartedWith(plan.name), changeAt: 'now' };
    if (!subscription) return { label: m.choosePlan(plan.name), changeAt: 'now' };
    const current = subscription.plan.slug;
    if (this.readOnly(data)) return { label: plan.slug === current ? m.currentPlanNamed(plan.name) : plan.name };
    const scheduled = subscription.renewPlan?.slug ?? current;
    if (plan.slug === current) {
      // The current plan only acts to call off a scheduled change or a cancellation.
      return scheduled !== current || !subscription.autoRenew
        ? { label: m.keepPlan(plan.name), changeAt: 'renewal' }
        : { label: m.currentPlanNamed(plan.name) };
    }
    if (this.whenFor(plan, data) === 'renewal') {
      return plan.slug === scheduled && subscription.autoRenew
        ? { label: m.startsAtRenewal(plan.name) }
        : { label: m.switchAtRenewal(plan.name), changeAt: 'renewal' };
    }
    return { label: m.switchTo(plan.name), changeAt: 'now' };
  }

  /** `auto`: a plan that costs more (else, without prices, a higher plan) starts now; one that costs less at renewal. */
  private whenFor(plan: PlanDetails, data: PickerData): PlanChangeAt {
    if (this.changeAt !== 'auto') return this.changeAt;
    const current = currentPlan(data);
    if (!current) return 'now';
    const { before, after } = this.costs(plan, current, data);
    if (before !== undefined && after !== undefined && before !== after) return after > before ? 'now' : 'renewal';
    return (plan.order ?? 0) >= (current.order ?? 0) ? 'now' : 'renewal';
  }

  /** What `current` (if any) and `plan` cost per period, for the subscription's seats, in the interval shown. */
  private costs(plan: PlanDetails, current: PlanDetails | undefined, data: PickerData) {
    const seats = data.subscription?.maxSubscribers ?? 1;
    return {
      before: current && periodCost(this.shownPrices, current.slug, this.interval, seats),
      after: periodCost(this.shownPrices, plan.slug, this.interval, seats),
    };
  }

  /** Whether choosing `plan` costs more, behind a gateway whose checkout takes the payment. */
  private paysFirst(plan: PlanDetails, data: PickerData): boolean {
    if (!this.client?.features.has('checkout')) return false;
    const { before, after } = this.costs(plan, data.subscription?.isActive ? currentPlan(data) : undefined, data);
    return after === undefined ? true : after > 0 && (before === undefined || after > before);
  }

  /**
   * Why the plans cannot be changed here, if so: only administrators of the subscription may
   * change its plan, and nobody a plan sold by contract (the API enforces both).
   */
  private readOnly(data: PickerData): string | undefined {
    if (data.subscription?.isAdministrator === false) return this.m.adminOnlyPlan;
    return currentPlan(data)?.isSelfServe === false ? this.m.contractPlan : undefined;
  }

  /** A plan's price in the chosen interval, else its only (or first) one. */
  private price(slug: string): Price | undefined {
    return priceIn(this.shownPrices, slug, this.interval);
  }

  private renderPlans(data: PickerData) {
    const { m } = this;
    const current = data.subscription?.plan.slug;
    // The radio group: self-serve plans and the current one; one of them holds the Tab stop.
    const selectable = data.plans.filter((plan) => plan.isSelfServe !== false || plan.slug === current).map((plan) => plan.slug);
    const tabStop = selectable.find((slug) => slug === this.focusSlug) ?? current ?? selectable[0];
    const readOnly = this.readOnly(data);
    const both = Object.values(this.shownPrices ?? {}).some((given) => INTERVALS.every((interval) => [given].flat().some((price) => price.interval === interval)));
    return html`${both
        ? html`<div part="interval-switch" class="row" role="group" aria-label=${m.billingPeriod}>
            ${INTERVALS.map(
              (interval) => html`<button part="interval-button" type="button" class=${this.interval === interval ? 'primary' : ''}
                aria-pressed=${String(this.interval === interval)}
                @click=${() => (this.interval = interval)}>${interval === 'month' ? m.monthly : m.yearly}</button>`,
            )}
          </div>`
        : nothing}
      ${readOnly ? html`<p part="note" class="muted" id="note">${readOnly}</p>` : nothing}
      <div
        part="plans"
        role="radiogroup"
        aria-label=${m.plansLabel}
        aria-readonly=${flag(readOnly)}
        aria-describedby=${readOnly ? 'note' : nothing}
        @keydown=${this.onKeydown}
      >
        ${data.plans.map((plan, index) => this.renderPlan(plan, index, data, selectable.includes(plan.slug), tabStop))}
      </div>
      ${this.renderFailure('', m.planChangeFailed)}`;
  }

  /** A price, its amount set apart from the interval wherever the language puts it. */
  private renderPrice(price: Price) {
    const money = this.localize.money(price.amount, price.currency);
    const [before, after] = splitAround(priceText(this.localize, price), money) ?? ['', ''];
    const rest = (text: string) => (text ? html`<span part="interval">${text}</span>` : nothing);
    return html`<p part="price">${rest(before)}<span part="amount">${money}</span>${rest(after)}</p>`;
  }

  private renderPlan(plan: PlanDetails, index: number, data: PickerData, selectable: boolean, tabStop?: string) {
    const { m } = this;
    const { slug, name, description } = plan;
    const subscription = data.subscription;
    const isCurrent = subscription?.plan.slug === slug;
    const isScheduled = !isCurrent && subscription?.autoRenew && subscription.renewPlan?.slug === slug;
    const isRecommended = this.recommended === slug;
    const price = this.price(slug);
    const action = this.actionFor(plan, data);
    const pending = this.actions.pending;
    const features = planFeatures(this.localize, plan, data.levers);
    const date = subscription && this.localize.date(subscription.renewAt);
    const parts = ['plan', isCurrent && 'current', isScheduled && 'scheduled', isRecommended && 'recommended'].filter(Boolean).join(' ');
    const described = [isRecommended && `recommended-${index}`, description && `description-${index}`].filter(Boolean).join(' ');
    // Five rows in every card, present even when empty, so the cards line up row by row.
    return html`<div part=${parts} class="card" data-plan=${slug}>
      <div part="header" class="row">
        <div part="name" role="heading" aria-level=${headingLevel(this.headingLevel, 3)}>${name}</div>
        ${isCurrent
          ? html`<span part="badge current-badge" class="badge">${m.currentPlan}</span>`
          : isScheduled
            ? html`<span part="badge renew-badge" class="badge">${date ? m.fromDate(date) : m.fromRenewal}</span>`
            : nothing}
        ${isRecommended ? html`<span part="badge recommended-badge" class="badge" id=${`recommended-${index}`}>${m.recommended}</span>` : nothing}
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
            class=${action.changeAt && (!subscription || isRecommended) ? 'primary' : ''}
            data-plan=${slug}
            aria-checked=${String(isCurrent)}
            aria-describedby=${described || nothing}
            aria-disabled=${flag(pending || (!action.changeAt && !isCurrent))}
            aria-busy=${flag(pending === slug)}
            tabindex=${slug === tabStop ? 0 : -1}
            @click=${() => this.choose(plan, data)}
            @focus=${() => (this.focusSlug = slug)}
          >${action.label}${pending === slug ? html`<span class="spinner"></span>` : nothing}</button>`
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

  /**
   * Confirms, asks the host (cancelable event), then changes the plan: a new subscription, the
   * subscription that ended (reactivated), or the active one (kept renewing if it was cancelled).
   */
  private async choose(plan: PlanDetails, data: PickerData) {
    if (this.client?.signedIn === false) return this.getStarted(plan);
    const action = this.actionFor(plan, data);
    const { changeAt } = action;
    const client = this.client!;
    const m = this.m;
    const pays = this.paysFirst(plan, data);
    const question = planChangeQuestion(this.localize, data, plan, action, (slug) => this.price(slug));
    const asked = pays ? { ...question, lines: [...(question.lines ?? []), m.paymentNext], confirmLabel: m.continueToPayment } : question;
    if (!changeAt || this.actions.pending || !(await this.confirm(asked))) return;
    const { subscription, ended } = data;
    const target = subscription ?? ended;
    const resumes = !!target && !(target.isActive && target.autoRenew);
    const request: PlanChangeDetail = { subscriptionId: target?.subscriptionId, fromPlan: target?.plan.slug, toPlan: plan.slug, changeAt, resumes };
    if (!this.emit(new PlanshipPlanChangeEvent(request))) return;
    // Behind a gateway that prices changes, it hears which interval was chosen.
    const interval = client.features.has('checkout') && this.price(plan.slug)?.interval ? { interval: this.interval } : {};
    if (!target) {
      await this.actions.run(plan.slug, 'create-subscription', async () => {
        const created = await this.orCheckout(request, () => client.createSubscription(plan.slug, interval));
        if (!created) return;
        this.emit(new PlanshipSubscriptionChangeEvent(created.id, 'created'));
        this.announce(m.announceSubscribed(plan.name));
      });
      return;
    }
    const id = target.subscriptionId;
    const now = changeAt === 'now';
    const params: ModifySubscriptionParameters = !subscription ? { planSlug: plan.slug, isActive: true } : now ? { planSlug: plan.slug } : { renewPlanSlug: plan.slug };
    if (resumes) params.autoRenew = true;
    const kept = plan.slug === subscription?.plan.slug;
    const success = !subscription
      ? m.announceSubscribed(plan.name)
      : now
        ? m.announcePlanChanged(plan.name)
        : kept
          ? subscription.autoRenew ? m.announcePlanKept(plan.name) : m.announceResumed(plan.name)
          : m.announcePlanScheduled(plan.name);
    await this.actions.run(plan.slug, subscription ? 'change-plan' : 'resume', async () => {
      const changed = await this.orCheckout(request, () => client.modifySubscription(id, { ...params, ...interval }));
      if (!changed) return;
      this.emit(new PlanshipSubscriptionChangeEvent(id, !subscription ? 'active' : now ? 'plan' : 'renew-plan', changed));
      this.announce(success);
    });
  }

  /** A visitor's call to action: tell the page, then (unless prevented) go to sign-up with the plan and interval. */
  private getStarted(plan: PlanDetails) {
    const interval = this.price(plan.slug)?.interval;
    if (!this.emit(new PlanshipPlanSelectEvent(plan.slug, interval))) return;
    const signup = this.signupUrl || this.services?.signupLink;
    if (!signup) return void console.warn('planship-plan-picker: set signup-url (on the picker or the provider) for visitors to get started');
    const url = new URL(signup, globalThis.location.href);
    url.searchParams.set('plan', plan.slug);
    if (interval) url.searchParams.set('interval', interval);
    globalThis.location.assign(url.href);
  }

  /**
   * Back signed in from sign-up (`?plan=<slug>&interval=<interval>` in the page address): offers
   * that plan's confirmation once, then the parameters leave the address.
   */
  private offerFromAddress(data: PickerData) {
    const slug = addressParam('plan');
    if (!slug || this.client?.signedIn !== true) return;
    const interval = addressParam('interval');
    // Out of the address at once: a later render finds nothing to offer.
    dropAddressParams('plan', 'interval');
    const plan = data.plans.find((candidate) => candidate.slug === slug);
    if (!plan) return;
    if (interval && INTERVALS.includes(interval as (typeof INTERVALS)[number])) this.interval = interval;
    void this.choose(this.localize.plan(plan), data);
  }

  /**
   * Makes the change; when it needs payment and the gateway says where (402 with a checkout
   * URL), tells the page (cancelable `planship-checkout`) and goes there instead: undefined then.
   */
  private async orCheckout<T>(request: PlanChangeDetail, change: () => Promise<T>): Promise<T | undefined> {
    try {
      return await change();
    } catch (error) {
      const url = error instanceof PlanshipApiError ? error.checkoutUrl : undefined;
      if (!url) throw error;
      if (this.emit(new PlanshipCheckoutEvent(url, request))) {
        this.checkingOut = true;
        globalThis.location.assign(url);
      }
      return undefined;
    }
  }
}

define('planship-plan-picker', PlanshipPlanPicker);

declare global {
  interface HTMLElementTagNameMap {
    'planship-plan-picker': PlanshipPlanPicker;
  }
}
