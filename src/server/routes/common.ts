// What every route module needs: the shared services and the access rules for a customer path.
import { requireScope, type Auth, type Principal, type Scope } from '../auth.ts';
import type { Clock } from '../clock.ts';
import { forbidden, notFound } from '../errors.ts';
import type { IdempotencyCache } from '../idempotency.ts';
import type { CustomerRecord, ProductIndex, Store, SubscriptionRecord } from '../store.ts';
import type { WsHub } from '../ws-hub.ts';

export interface Services {
  store: Store;
  auth: Auth;
  clock: Clock;
  hub: WsHub;
  idempotency: IdempotencyCache;
  tokenTtlSeconds: number;
  /** Runs time-driven work now: renewals and period resets (after the clock moved). */
  tick(): void;
}

export function productOr404(store: Store, slug: string): ProductIndex {
  const index = store.products.get(slug);
  if (!index) throw notFound('Product not found');
  return index;
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
  if (!customer) throw notFound('Customer not found');
  return customer;
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
