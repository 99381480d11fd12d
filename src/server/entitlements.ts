// Entitlements and usage, computed from a customer's active subscriptions:
// the most generous value wins (true > false, the larger number, null = unlimited beats any
// number, lists are united); a metered lever is its limit minus the usage in the current period.
import type { CatalogLever, EntitlementValue, LeverType } from './catalog.ts';
import { periodStart } from './periods.ts';
import { limitOf } from './product-index.ts';
import type { Store, SubscriptionRecord } from './store.ts';

export type Entitlements = Record<string, EntitlementValue>;

export function leverDefault(type: LeverType): EntitlementValue {
  switch (type) {
    case 'boolean':
      return false;
    case 'list':
      return [];
    case 'numeric':
    case 'metered':
      return 0;
  }
}

function moreGenerous(type: LeverType, current: EntitlementValue | undefined, next: EntitlementValue): EntitlementValue {
  if (current === undefined) return next;
  switch (type) {
    case 'boolean':
      return current === true || next === true;
    case 'list': {
      const union = [...(current as string[])];
      for (const item of next as string[]) if (!union.includes(item)) union.push(item);
      return union;
    }
    case 'numeric':
    case 'metered':
      if (current === null || next === null) return null;
      return Math.max(current as number, next as number);
  }
}

/** Usage of one subscription for a metered lever in the lever's current period. */
function periodUsage(store: Store, subscription: SubscriptionRecord, lever: CatalogLever, now: number): number {
  return store.usage.totalSince(subscription.id, lever.meteringId!, periodStart(lever.reset!, now));
}

/** Entitlements with every lever's default: what a customer without subscriptions gets. */
export function defaultEntitlements(store: Store, productSlug: string): Entitlements {
  const result: Entitlements = {};
  for (const lever of store.products.get(productSlug)!.product.levers) result[lever.slug] = leverDefault(lever.type);
  return result;
}

export function computeEntitlements(store: Store, customerId: string, productSlug: string, now: number): Entitlements {
  const index = store.products.get(productSlug)!;
  const subscriptions = store.entitlingSubscriptions(customerId, productSlug);
  const result: Entitlements = {};
  for (const lever of index.product.levers) {
    let value: EntitlementValue | undefined;
    for (const subscription of subscriptions) {
      const plan = index.plans.get(subscription.planSlug)!;
      if (!(lever.slug in plan.entitlements)) continue;
      let granted = plan.entitlements[lever.slug];
      if (lever.type === 'metered' && granted !== null) {
        granted = (granted as number) - periodUsage(store, subscription, lever, now);
      }
      value = moreGenerous(lever.type, value, granted);
    }
    result[lever.slug] = value === undefined ? leverDefault(lever.type) : value;
  }
  return result;
}

export interface LeverUsageWire {
  total: number;
  by_bucket: Record<string, number>;
  by_subscription: Record<string, { usage: number; bucket: string | null }[]>;
}

/**
 * Usage of a metered lever in its current period, over the customer's active subscriptions of
 * the product. Usage reported without a bucket appears under the key "null" in `by_bucket`
 * (what Planship's Python backend produces for a None key).
 */
export function leverUsage(store: Store, customerId: string, productSlug: string, lever: CatalogLever, now: number): LeverUsageWire {
  const result: LeverUsageWire = { total: 0, by_bucket: {}, by_subscription: {} };
  const start = periodStart(lever.reset!, now);
  const plans = store.products.get(productSlug)!.plans;
  for (const subscription of store.entitlingSubscriptions(customerId, productSlug)) {
    const plan = plans.get(subscription.planSlug)!;
    if (limitOf(plan, lever) === undefined) continue;
    const buckets = store.usage.byBucketSince(subscription.id, lever.meteringId!, start);
    const entries: { usage: number; bucket: string | null }[] = [];
    for (const [bucket, usage] of buckets) {
      result.total += usage;
      const key = bucket ?? 'null';
      result.by_bucket[key] = (result.by_bucket[key] ?? 0) + usage;
      entries.push({ usage, bucket });
    }
    result.by_subscription[subscription.id] = entries;
  }
  return result;
}

/** Human text for a plan's entitlement, as Planship's `formatted_value`. */
export function formatEntitlement(lever: CatalogLever, value: EntitlementValue): string {
  switch (lever.type) {
    case 'boolean':
      return value ? 'Yes' : 'No';
    case 'list':
      return (value as string[]).join(', ');
    case 'numeric':
      return value === null ? 'Unlimited' : (value as number).toLocaleString('en-US');
    case 'metered': {
      const amount = value === null ? 'Unlimited' : (value as number).toLocaleString('en-US');
      return lever.reset === 'never' ? amount : `${amount} per ${lever.reset}`;
    }
  }
}
