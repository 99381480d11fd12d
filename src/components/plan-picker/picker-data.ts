import type { LeverInList, PlanDetails, PlanshipCustomer, Subscription } from '../../client/index.ts';
import { describeEntitlement, grantsSomething, planEntitlementValues } from '../shared/format.ts';

export interface PickerPlan {
  slug: string;
  name: string;
  description: string;
  selfServe: boolean;
  /** What the plan includes, in words, in the levers' order. */
  features: string[];
  details: PlanDetails;
}

export interface PickerData {
  plans: PickerPlan[];
  levers: LeverInList[];
  /** The customer's active subscription to this product, if any. */
  subscription?: Subscription;
}

/**
 * Everything the picker shows, in one pass: public plans in order (plus the current plan even
 * when it is not public, so customers on a retired plan still see where they are), their
 * entitlements in words, and the active subscription.
 */
export async function loadPickerData(client: PlanshipCustomer, signal: AbortSignal): Promise<PickerData> {
  const [plans, levers, subscriptions] = await Promise.all([
    client.listPlans({ signal }),
    client.listLevers({ signal }),
    client.listSubscriptions({ productSlug: client.productSlug, signal }),
  ]);
  const subscription = subscriptions.find((candidate) => candidate.isActive);
  const currentSlug = subscription?.plan.slug;
  const shown = plans
    .filter((plan) => extra(plan, 'isPublic') !== false || plan.slug === currentSlug)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const details = await Promise.all(shown.map((plan) => client.getPlan(plan.slug, { signal })));
  return {
    levers,
    subscription,
    plans: shown.map((plan, index) => {
      const detail = details[index];
      const values = planEntitlementValues(detail);
      return {
        slug: plan.slug,
        name: plan.name,
        description: plan.description ?? '',
        selfServe: extra(detail, 'isSelfServe') !== false,
        features: levers
          .filter((lever) => lever.slug in values && grantsSomething(values[lever.slug]))
          .map((lever) => describeEntitlement(lever, values[lever.slug])),
        details: detail,
      };
    }),
  };
}

/** Fields the local API adds to Planship's plan models (is_public, is_self_serve). */
function extra(model: object, key: 'isPublic' | 'isSelfServe'): unknown {
  return (model as Record<string, unknown>)[key];
}
