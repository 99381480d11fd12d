// Paid plan changes go through the host's checkout. Planship has no prices and no payments: the
// host bills. With `prices`, the gateway knows what each plan costs per billing period (per seat
// where a plan bills per seat); a change that raises what the customer pays (a pricier plan or
// interval, more seats on a per-seat plan, a new or resumed subscription to a paid plan) is not
// made: the host's `checkout` hook answers where to pay (402 with `checkout_url`), that it may
// go through (free, or already paid), or no. A change that lowers or keeps the price goes through.
import type { PortalUser } from './customers.ts';
import { GatewayError } from './errors.ts';
import { errorType } from './invitations.ts';
import { within } from './time-limit.ts';

/** A plan's price for one billing period, as the plan picker shows it. */
export interface GatewayPrice {
  amount: number;
  currency: string;
  /** e.g. `month`, `year`. */
  interval?: string;
  /** The amount is per seat (`max_subscribers`). */
  perSeat?: boolean;
}

/** Prices per plan slug: one, or one per billing interval. */
export type GatewayPrices = Record<string, GatewayPrice | readonly GatewayPrice[]>;

/** A change the customer asked for that costs more: what the host's checkout is asked about. */
export interface PlanChange {
  /** The subscription changed; absent for a new subscription. */
  subscriptionId?: string;
  fromPlan?: string;
  toPlan: string;
  /** The billing interval chosen, when the plan has prices per interval. */
  interval?: string;
  /** Seats after the change (`max_subscribers`). */
  seats?: number;
  /** Now, or at the subscription's renewal. */
  at: 'now' | 'renewal';
}

/** `{ url }`: send the customer there to pay; `true`: apply it now; `false` or `null`: refuse. */
export type CheckoutAnswer = { url: string } | boolean | null;

export type Checkout = (change: PlanChange, user: PortalUser) => Promise<CheckoutAnswer> | CheckoutAnswer;

/** What a customer pays per billing period, on a plan, interval and seats. */
interface Cost {
  amount: number;
  currency: string;
  interval?: string;
}

const NEEDS_PAYMENT_NO_CHECKOUT = 'This change costs more, and payment for it is not taken here: contact us to make it.';
const REFUSED = 'This change cannot be made here: contact us to make it.';
const NO_PAGE = 'The payment page could not be opened. Please try again.';

export function checkPrices(prices: GatewayPrices | undefined): GatewayPrices | undefined {
  if (prices === undefined) return undefined;
  if (typeof prices !== 'object' || prices === null) throw new TypeError('prices must be an object of plan slug to price(s)');
  for (const [slug, given] of Object.entries(prices)) {
    for (const price of [given].flat()) {
      if (!(typeof price?.amount === 'number' && Number.isFinite(price.amount) && price.amount >= 0) || typeof price.currency !== 'string' || !price.currency) {
        throw new TypeError(`prices.${slug}: each price needs an amount (a number, at least 0) and a currency`);
      }
    }
  }
  return prices;
}

export class Pricing {
  readonly #prices?: GatewayPrices;
  readonly #checkout?: Checkout;
  readonly #timeoutMs: number;
  readonly #log: (message: string) => void;

  constructor(options: { prices?: GatewayPrices; checkout?: Checkout; timeoutMs: number; log: (message: string) => void }) {
    this.#prices = options.prices;
    this.#checkout = options.checkout;
    this.#timeoutMs = options.timeoutMs;
    this.#log = options.log;
  }

  /** Whether prices are known (else every change is free to the gateway, as before). */
  get priced(): boolean {
    return this.#prices !== undefined;
  }

  /** A plan's prices, as the plan list and the first-render answer carry them. */
  #pricesOf(slug: string): GatewayPrice[] | undefined {
    const given = this.#prices?.[slug];
    return given === undefined ? undefined : [given].flat();
  }

  /** A plan's prices as the plan list and the first-render answer carry them (snake_case, like the rest of the wire). */
  wirePrices(slug: string): unknown[] | undefined {
    return this.#pricesOf(slug)?.map(({ perSeat, ...price }) => ({ ...price, ...(perSeat && { per_seat: true }) }));
  }

  /** The intervals a plan is priced in. */
  intervalsOf(slug: string): string[] {
    return (this.#pricesOf(slug) ?? []).map((price) => price.interval).filter((interval): interval is string => typeof interval === 'string');
  }

  /**
   * What the customer pays per period; undefined when the plan has no price (unknown: a change to
   * it is treated as costing more, so a paid plan left out of `prices` is never free).
   */
  cost(slug: string, interval: string | undefined, seats: number): Cost | undefined {
    const list = this.#pricesOf(slug);
    if (!list?.length) return undefined;
    const price = list.find((candidate) => candidate.interval === interval) ?? list[0];
    return { amount: price.amount * (price.perSeat ? Math.max(1, seats) : 1), currency: price.currency, interval: price.interval };
  }

  /** Whether going from `before` (none: not paying now) to `after` costs the customer more. */
  raises(before: Cost | undefined | null, after: Cost | undefined): boolean {
    if (!after) return true;
    if (after.amount === 0) return false;
    if (!before) return true;
    // Another currency cannot be compared by amount: the host decides.
    if (before.currency !== after.currency) return true;
    // Per billing period: a yearly price is more than a monthly one, and is paid up front.
    return after.amount > before.amount;
  }

  /**
   * Asks the host about a change that costs more: resolves when it may be made (the hook said
   * yes), throws a 402 with the checkout URL or words otherwise (502 when the hook failed).
   */
  async approve(change: PlanChange, user: PortalUser): Promise<void> {
    if (!this.#checkout) throw new GatewayError(402, NEEDS_PAYMENT_NO_CHECKOUT);
    let answer: CheckoutAnswer;
    try {
      answer = await within(Promise.resolve(this.#checkout(change, user)), this.#timeoutMs, () => new Error('timeout'));
    } catch (error) {
      throw new GatewayError(502, NO_PAGE, `planship gateway: checkout() ${error instanceof Error && error.message === 'timeout' ? 'did not answer in time' : `threw ${errorType(error)}`}`);
    }
    if (answer === true) return;
    if (answer && typeof answer === 'object' && typeof answer.url === 'string' && /^https?:\/\//i.test(answer.url)) {
      throw new CheckoutRequired(answer.url);
    }
    if (answer && typeof answer === 'object') {
      throw new GatewayError(502, NO_PAGE, 'planship gateway: checkout() answered a url that is not http(s)');
    }
    this.#log('planship gateway: checkout() refused a change');
    throw new GatewayError(402, REFUSED);
  }
}

/** 402 with where to pay: `{"detail": "...", "checkout_url": "..."}`. */
export class CheckoutRequired extends GatewayError {
  constructor(checkoutUrl: string) {
    super(402, 'This change needs payment: continue at checkout.');
    this.fields = { checkout_url: checkoutUrl };
  }
}

/** The facts of a subscription change that decide its price (read inside the write lock). */
interface PricedUpdate {
  subscription: { id: string; planSlug: string; maxSubscribers: number; isActive: boolean; interval?: string };
  /** The fields the policy kept. */
  fields: Record<string, unknown>;
  /** The interval the page asked for, if any. */
  interval?: string;
}

/**
 * The paid part of a PATCH, if it costs more: now (a plan, seats, interval or a resumed
 * subscription) or at renewal (a scheduled plan). Undefined when it costs the same or less.
 */
export function paidUpdate(pricing: Pricing, { subscription, fields, interval }: PricedUpdate): PlanChange | undefined {
  const seats = typeof fields.max_subscribers === 'number' ? fields.max_subscribers : subscription.maxSubscribers;
  const planNow = typeof fields.plan_slug === 'string' ? fields.plan_slug : subscription.planSlug;
  const intervalAfter = interval ?? subscription.interval;
  const resumes = fields.is_active === true && !subscription.isActive;
  // An ended subscription costs nothing now: resuming it is paying again.
  const before = subscription.isActive ? pricing.cost(subscription.planSlug, subscription.interval, subscription.maxSubscribers) : null;
  const changesNow = resumes || planNow !== subscription.planSlug || seats !== subscription.maxSubscribers || intervalAfter !== subscription.interval;
  const base = { subscriptionId: subscription.id, fromPlan: subscription.planSlug, interval: intervalAfter, seats };
  if (changesNow && pricing.raises(before, pricing.cost(planNow, intervalAfter, seats))) return { ...base, toPlan: planNow, at: 'now' };
  const renewal = typeof fields.renew_plan_slug === 'string' ? fields.renew_plan_slug : undefined;
  if (renewal && renewal !== planNow && pricing.raises(before ?? pricing.cost(planNow, intervalAfter, seats), pricing.cost(renewal, intervalAfter, seats))) {
    return { ...base, toPlan: renewal, at: 'renewal' };
  }
  return undefined;
}

/** A billing interval a page asked for: one the plan is priced in (422 otherwise); undefined when it asked none. */
export function requestedInterval(pricing: Pricing, body: unknown, plan: string): string | undefined {
  const interval = (body as { interval?: unknown } | null)?.interval;
  if (interval === undefined || !pricing.priced) return undefined;
  const allowed = pricing.intervalsOf(plan);
  if (typeof interval !== 'string' || !allowed.includes(interval)) {
    throw new GatewayError(422, [{ loc: ['body', 'interval'], msg: `Input should be ${allowed.map((one) => `'${one}'`).join(' or ') || 'left out'}`, type: 'enum' }]);
  }
  return interval;
}

/** The host's billing portal for a user (e.g. a Stripe Billing Portal session): its URL. */
export type BillingPortal = (user: PortalUser) => Promise<string | { url: string }> | string | { url: string };

/** POST .../billing-portal: `{ url }` of the host's billing portal for the signed-in user. */
export async function openBillingPortal(billingPortal: BillingPortal | undefined, user: PortalUser, log: (message: string) => void) {
  if (!billingPortal) throw new GatewayError(403, 'Payment details are not managed here.');
  let answer: string | { url: string };
  try {
    answer = await within(Promise.resolve(billingPortal(user)), 10_000, () => new Error('timeout'));
  } catch (error) {
    log(`planship gateway: billingPortal() ${error instanceof Error && error.message === 'timeout' ? 'did not answer in time' : `threw ${errorType(error)}`}`);
    throw new GatewayError(502, 'Your payment details could not be opened. Please try again.');
  }
  const url = typeof answer === 'string' ? answer : answer?.url;
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
    log('planship gateway: billingPortal() answered no http(s) url');
    throw new GatewayError(502, 'Your payment details could not be opened. Please try again.');
  }
  return { status: 200, body: { url } };
}
