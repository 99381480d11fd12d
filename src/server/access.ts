// Lookups with their access rules, shared by the REST routes and the WebSocket hub: the product
// and the customer named in a path, a customer's subscription, and who may manage it.
import { requireOwnCustomer } from '../policy/index.ts';
import { requireScope, type Principal, type Scope } from './auth.ts';
import { callerOf } from './customer-gate.ts';
import { found, notFound, refusalAsHttpError } from './errors.ts';
import type { CustomerRecord, ProductIndex, Store, SubscriptionRecord } from './store.ts';

export function productOr404(store: Store, slug: string): ProductIndex {
  return found(store.products.get(slug), 'Product not found');
}

/**
 * The customer named in the path, if the caller may act on it: product credentials with the
 * scope (404 when unknown), or a customer token for that very customer (`me`, its uuid or its
 * alternative id, per the customer policy; 403 for anyone else, known or not, so a token cannot
 * probe other customers).
 */
export function customerFor(store: Store, principal: Principal, reference: string, scope: Scope): CustomerRecord {
  if (principal.kind === 'customer') {
    const self = store.customers.get(principal.customerId)!;
    refusalAsHttpError(() => requireOwnCustomer(reference, callerOf(self)));
    return self;
  }
  requireScope(principal, scope);
  return found(store.findCustomer(reference), 'Customer not found');
}

/** A subscription the customer belongs to (404 otherwise). */
export function subscriptionFor(store: Store, customer: CustomerRecord, subscriptionId: string): SubscriptionRecord {
  const subscription = store.subscriptions.get(subscriptionId.toLowerCase());
  if (!subscription || !subscription.members.has(customer.id)) throw notFound('Subscription not found');
  return subscription;
}
