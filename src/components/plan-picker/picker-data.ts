import type { LeverInList, PlanDetails, PlanshipCustomer, Subscription } from '../../client/index.ts';
import { describeEntitlement, grants, planValues } from '../shared/format.ts';

export interface PickerPlan extends PlanDetails {
  /** What the plan includes, in words, in the levers' order. */
  features: string[];
}

export interface PickerData {
  plans: PickerPlan[];
  levers: LeverInList[];
  /** The customer's active subscription to this product, if any. */
  subscription?: Subscription;
}

/**
 * The subscription the portal acts on: an active one the customer administers (a customer may
 * also be a member of someone else's team subscription), else any active one.
 */
const preferredSubscription = (subscriptions: readonly Subscription[]) =>
  subscriptions.find((candidate) => candidate.isActive && candidate.isAdministrator) ?? subscriptions.find((candidate) => candidate.isActive);

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
  const subscription = preferredSubscription(subscriptions);
  const shown = plans
    .filter((plan) => plan.isPublic !== false || plan.slug === subscription?.plan.slug)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const details = await Promise.all(shown.map((plan) => client.getPlan(plan.slug, { signal })));
  return {
    levers,
    subscription,
    plans: details.map((plan) => {
      const values = planValues(plan);
      const features = levers.filter(({ slug }) => grants(values[slug])).map(({ slug, name }) => describeEntitlement(name, values[slug]));
      return { ...plan, features };
    }),
  };
}
