// Customer tokens through the shared policy (src/policy): before a route handler runs for a
// customer token, the request must be one a customer may make, on its own customer, with the
// fields and plans the policy allows. Facts come from the store, read in the same synchronous
// step as the handler that follows, so no other request can slip in between the check and the
// change (20 racing subscribes create one subscription).
import {
  checkMemberAdd,
  checkMemberRemove,
  checkSubscriptionCreate,
  checkSubscriptionUpdate,
  isOwnCustomer,
  matchCustomerRoute,
  PolicyRefusal,
  requireOwnCustomer,
  type Caller,
  type PlanFacts,
  type SubscriptionFacts,
} from '../policy/index.ts';
import type { CatalogPlan } from './catalog.ts';
import type { CustomerRecord, ProductIndex, Store, SubscriptionRecord } from './store.ts';

export function planFacts(plan: CatalogPlan | undefined): PlanFacts | undefined {
  return plan && { slug: plan.slug, isPublic: plan.isPublic, isSelfServe: plan.isSelfServe, maxSubscribers: plan.maxSubscribers };
}

export function subscriptionFacts(subscription: SubscriptionRecord, customerId: string): SubscriptionFacts {
  return {
    id: subscription.id,
    planSlug: subscription.planSlug,
    renewPlanSlug: subscription.renewPlanSlug,
    maxSubscribers: subscription.maxSubscribers,
    isActive: subscription.isActive,
    isAdministrator: subscription.members.get(customerId)?.isAdministrator === true,
    renewAt: new Date(subscription.renewAt).toISOString(),
  };
}

export function callerOf(customer: CustomerRecord): Caller {
  return { id: customer.id, alternativeId: customer.alternativeId };
}

/**
 * Checks a customer token's request and returns the body to hand to the route (only the fields a
 * customer may send). Throws PolicyRefusal. Lookups that fail (unknown product, subscription)
 * are left to the route, which answers 404 as for anyone.
 */
export function gateCustomerRequest(
  store: Store,
  customerId: string,
  request: { method: string; segments: readonly string[]; body: unknown },
): unknown {
  const match = matchCustomerRoute(request.method, request.segments);
  if (!match) throw new PolicyRefusal(403, 'A customer token cannot do this.');
  const customer = store.customers.get(customerId)!;
  const caller = callerOf(customer);
  const { params } = match;
  if (params.customer !== undefined) requireOwnCustomer(params.customer, caller);
  const product = (slug: string | undefined) => (slug === undefined ? undefined : store.products.get(slug));
  const own = (index: ProductIndex) => store.subscriptionsOf(customer.id, index.product.slug).map((s) => subscriptionFacts(s, customer.id));

  switch (match.action) {
    case 'subscription.create': {
      const index = product(params.product);
      if (!index) return request.body;
      return checkSubscriptionCreate({ plan: planFacts(index.plans.get(params.plan!)), body: request.body, caller, subscriptions: own(index) });
    }
    case 'subscription.update':
    case 'members.add':
    case 'members.remove': {
      const subscription = store.subscriptions.get(params.subscription!.toLowerCase());
      if (!subscription?.members.has(customer.id)) return request.body;
      const facts = subscriptionFacts(subscription, customer.id);
      if (match.action === 'members.add') return checkMemberAdd();
      if (match.action === 'members.remove') {
        checkMemberRemove({ subscription: facts, memberIsCaller: isOwnCustomer(params.member!, caller) });
        return request.body;
      }
      const index = store.products.get(subscription.productSlug)!;
      return checkSubscriptionUpdate({
        subscription: facts,
        plans: (slug) => planFacts(index.plans.get(slug)),
        body: request.body,
        subscriptions: own(index),
      });
    }
    default:
      return request.body;
  }
}

export { PolicyRefusal };
