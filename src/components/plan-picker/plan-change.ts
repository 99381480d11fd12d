// What a plan change means, in words, for the picker's confirmation: entitlements gained and
// lost, the price (and its difference), and when it takes effect.
import type { PlanDetails } from '../../client/index.ts';
import type { ConfirmOptions } from '../shared/confirmation.ts';
import type { PlanChangeAt } from '../shared/events.ts';
import type { Price, Prices } from '../shared/format.ts';
import type { Localize } from '../shared/localize.ts';
import { entitlementChanges } from '../shared/wording.ts';
import type { PickerData } from './picker-data.ts';

/** What activating a plan's radio does, and how it is labelled. */
export interface PlanAction {
  label: string;
  /** Undefined: nothing to do (e.g. the current plan with no scheduled change). */
  changeAt?: PlanChangeAt;
}

/** The current plan's details, when there is one. */
export const currentPlan = (data: PickerData) => data.plans.find((plan) => plan.slug === data.subscription?.plan.slug);

/** A plan's price in `interval`, else its only (or first) one. */
export function priceIn(prices: Prices | undefined, slug: string, interval: string): Price | undefined {
  const given = prices?.[slug];
  const list: readonly Price[] = given ? [given].flat() : [];
  return list.find((price) => price.interval === interval) ?? list[0];
}

/** "$49.00 / month" in the element's language ("$20.00 per seat / month" per seat); `signed` for a difference ("+$150.00 / month"). */
export function priceText(t: Localize, { amount, currency, interval, perSeat }: Price, signed?: boolean) {
  const money = perSeat ? t.m.perSeat(t.money(amount, currency, signed)) : t.money(amount, currency, signed);
  const names = t.m.intervalNames;
  return interval ? t.m.pricePer(money, Object.hasOwn(names, interval) ? names[interval] : interval) : money;
}

/** What a subscription pays per period on `slug` with `seats` (per-seat prices times the seats); undefined without a price. */
export function periodCost(prices: Prices | undefined, slug: string, interval: string, seats = 1): number | undefined {
  const price = priceIn(prices, slug, interval);
  return price && price.amount * (price.perSeat ? Math.max(1, seats) : 1);
}

/** The prices the gateway sent with the plans, for a page that set none itself. */
export function pricesOfPlans(plans: readonly { slug: string; prices?: readonly Price[] }[]): Prices | undefined {
  const priced = plans.filter((plan) => plan.prices?.length);
  return priced.length ? Object.fromEntries(priced.map((plan) => [plan.slug, plan.prices!])) : undefined;
}

/**
 * The confirmation of choosing `plan`: what is gained and lost (against the current plan, or the
 * scheduled one when keeping the current plan), the price, and when it takes effect.
 */
export function planChangeQuestion(
  t: Localize,
  data: PickerData,
  plan: PlanDetails,
  { label, changeAt }: PlanAction,
  price: (slug: string) => Price | undefined,
): ConfirmOptions {
  const { m } = t;
  const { subscription } = data;
  const current = currentPlan(data);
  const keep = plan === current;
  const scheduled = keep ? data.plans.find((candidate) => candidate.slug === subscription?.renewPlan?.slug && candidate !== plan) : undefined;
  const from = keep ? scheduled : current;
  // Keeping a cancelled plan as it is changes no entitlements: it renews.
  const { gained, lost } = keep && !scheduled ? { gained: [], lost: [] } : entitlementChanges(t, from, plan, data.levers);
  const date = t.date(subscription?.renewAt);
  const renewal = changeAt === 'renewal';
  const after = price(plan.slug);
  const before = from && price(from.slug);
  const comparable = before && after && before.currency === after.currency && before.interval === after.interval;
  const cost =
    after &&
    (before
      ? m.priceChange(priceText(t, before), priceText(t, after), comparable ? priceText(t, { ...after, amount: after.amount - before.amount }, true) : '')
      : m.priceIs(priceText(t, after)));
  return {
    heading: !subscription ? m.subscribeQuestion(plan.name) : keep ? m.keepQuestion(plan.name) : m.switchQuestion(plan.name),
    lines: [keep && !scheduled ? m.renewsOn(date) : renewal ? (date ? m.effectiveOn(date) : m.fromRenewal) : m.effectiveNow, ...(cost ? [cost] : [])],
    lists: [
      [renewal ? m.youWillGetAtRenewal : m.youWillGet, gained],
      [renewal ? m.youWillLoseAtRenewal : m.youWillLose, lost],
    ],
    confirmLabel: label,
    cancelLabel: current && !keep ? m.keepPlan(current.name) : m.notNow,
  };
}
