import type { LeverInList, Plan, PlanDetails, PlanshipCustomer, Subscription } from '../../client/index.ts';

export interface PickerData {
  plans: PlanDetails[];
  levers: LeverInList[];
  /** The customer's active subscription to this product, if any. */
  subscription?: Subscription;
  /** Without any active one: the customer's own subscription that ended (a plan chosen reactivates it). */
  ended?: Subscription;
}

/**
 * The subscription the portal acts on: an active one the customer administers (a customer may
 * also be a member of someone else's team subscription), else any active one.
 */
const preferredSubscription = (subscriptions: readonly Subscription[]) =>
  subscriptions.find((candidate) => candidate.isActive && candidate.isAdministrator) ?? subscriptions.find((candidate) => candidate.isActive);

/**
 * Everything the picker shows, in one pass: public plans in order (plus the current plan even
 * when it is not public, so customers on a retired plan still see where they are) with their
 * entitlements, the levers, and the active subscription (or the one that ended).
 */
export async function loadPickerData(client: PlanshipCustomer, signal: AbortSignal): Promise<PickerData> {
  const [plans, levers, subscriptions] = await Promise.all([
    client.listPlans({ signal }),
    client.listLevers({ signal }),
    client.listSubscriptions({ productSlug: client.productSlug, signal }),
  ]);
  const { subscription, ended, shown } = choose(plans, subscriptions);
  const details = await Promise.all(shown.map((plan) => client.getPlan(plan.slug, { signal })));
  return { levers: levers.length ? levers : leversOfPlans(details), subscription, ended, plans: details };
}

/** The same, from what the client already knows (a snapshot, earlier reads); undefined when something is missing. */
export function peekPickerData(client: PlanshipCustomer): PickerData | undefined {
  const [plans, levers, subscriptions] = [client.peekPlans(), client.peekLevers(), client.peekSubscriptions()];
  if (!plans || !levers || !subscriptions) return undefined;
  const { subscription, ended, shown } = choose(plans, subscriptions);
  const details = shown.map((plan) => client.peekPlan(plan.slug));
  if (details.some((plan) => !plan)) return undefined;
  return { levers: levers.length ? levers : leversOfPlans(details as PlanDetails[]), subscription, ended, plans: details as PlanDetails[] };
}

/** The subscription the picker acts on (or the one that ended) and the plans it shows, in order. */
function choose(plans: readonly Plan[], subscriptions: readonly Subscription[]) {
  const subscription = preferredSubscription(subscriptions);
  const ended = subscription ? undefined : subscriptions.filter((candidate) => candidate.isAdministrator).pop();
  const shown = plans
    .filter((plan) => plan.isPublic !== false || plan.slug === subscription?.plan.slug)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  return { subscription, ended, shown };
}

/** The levers the plans name, in their order, where the API lists none (Planship's public route). */
function leversOfPlans(plans: readonly PlanDetails[]): LeverInList[] {
  const levers = new Map<string, LeverInList>();
  for (const plan of plans) {
    for (const entitlement of plan.entitlements) {
      const slug = entitlement.leverSlug;
      if (slug && !levers.has(slug)) levers.set(slug, { slug, name: entitlement.leverName || entitlement.name } as LeverInList);
    }
  }
  return [...levers.values()];
}
