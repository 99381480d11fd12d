// Lookups with their access rules, shared by the REST routes and the WebSocket hub: the product
// and the customer named in a path, a customer's subscription, and who may manage it.
import { requireScope, type Principal, type Scope } from './auth.ts';
import { forbidden, found, notFound } from './errors.ts';
import type { CustomerRecord, ProductIndex, Store, SubscriptionRecord } from './store.ts';

export function productOr404(store: Store, slug: string): ProductIndex {
  return found(store.products.get(slug), 'Product not found');
}

/**
 * The customer named in the path, if the caller may act on it: product credentials with the
 * scope (404 when unknown), or a customer token for that very customer (403 for anyone else,
 * known or not, so a token cannot probe other customers).
 */
export function customerFor(store: Store, principal: Principal, reference: string, scope: Scope): CustomerRecord {
  const customer = store.findCustomer(reference);
  if (principal.kind === 'customer') {
    if (!customer || customer.id !== principal.customerId) throw forbidden('A customer token can only access its own customer');
    return customer;
  }
  requireScope(principal, scope);
  return found(customer, 'Customer not found');
}

/** A subscription the customer belongs to (404 otherwise). */
export function subscriptionFor(store: Store, customer: CustomerRecord, subscriptionId: string): SubscriptionRecord {
  const subscription = store.subscriptions.get(subscriptionId.toLowerCase());
  if (!subscription || !subscription.members.has(customer.id)) throw notFound('Subscription not found');
  return subscription;
}

/** Customer tokens may manage a subscription only as one of its administrators. */
export function requireAdministrator(principal: Principal, subscription: SubscriptionRecord): void {
  if (principal.kind !== 'customer') return;
  if (!subscription.members.get(principal.customerId)?.isAdministrator) {
    throw forbidden('Only an administrator of this subscription can do this');
  }
}
