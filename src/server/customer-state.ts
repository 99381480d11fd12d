// A customer's whole state in one answer (Polar's "customer state"): the customer, its active
// subscriptions with their plans, and per product its entitlements and the current-period usage
// of every metered lever.
import { computeEntitlements, leverUsage } from './entitlements.ts';
import { customerSubscriptionWire, customerWire, planWire } from './serialize.ts';
import type { CustomerRecord, Store } from './store.ts';

export function customerStateWire(store: Store, customer: CustomerRecord, now: number) {
  const activeSubscriptions = store
    .activeSubscriptionsOf(customer.id)
    .map((subscription) => {
      const index = store.products.get(subscription.productSlug)!;
      return {
        ...customerSubscriptionWire(store, subscription, customer.id),
        plan_details: planWire(index, index.plans.get(subscription.planSlug)!),
      };
    });
  const entitlements: Record<string, unknown> = {};
  const usage: Record<string, Record<string, unknown>> = {};
  for (const [slug, index] of store.products) {
    entitlements[slug] = computeEntitlements(store, customer.id, slug, now);
    const levers: Record<string, unknown> = {};
    for (const lever of index.product.levers) {
      if (lever.type === 'metered') levers[lever.slug] = leverUsage(store, customer.id, slug, lever, now);
    }
    usage[slug] = levers;
  }
  return { ...customerWire(store, customer), active_subscriptions: activeSubscriptions, entitlements, usage };
}
