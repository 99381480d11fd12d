// PlanshipAdmin on hosted Planship, which has only POST /customers and GET/DELETE
// /customers/{id}: what can be composed from real routes is composed (by external id = a GET by
// alternative id, checked; state = customer + subscriptions + entitlements + usage of this
// client's product), the rest fails with an `unsupported` error that names the operation.
import { PlanshipApiError } from './errors.ts';
import { path } from './http.ts';
import type { CustomerInDbBase, CustomerState, CustomerStateSubscription, CustomerSubscriptionWithPlan, Entitlements, LeverUsage } from './models.ts';
import type { PlanshipProduct, RequestOptions } from './product.ts';

/** Which API a PlanshipAdmin talks to: hosted Planship, or this project's server (extended). */
export type AdminApi = 'planship' | 'planship-portal';

export function unsupported(operation: string): PlanshipApiError {
  return new PlanshipApiError(
    'unsupported',
    `${operation} needs the planship-portal server: hosted Planship has no route for it (see the README's table of operations by server)`,
  );
}

/** The reads a composition needs, from the admin (which keeps its http plumbing protected). */
export interface HostedReads {
  product: PlanshipProduct;
  getCustomer(reference: string, options?: RequestOptions): Promise<CustomerInDbBase>;
  get<T>(path: string, options?: RequestOptions, verbatim?: boolean): Promise<T>;
}

/** GET /customers/{alternative id}, checked: that path also takes uuids, which are not external ids. */
export async function customerByExternalId(reads: HostedReads, externalId: string, options?: RequestOptions): Promise<CustomerInDbBase> {
  const customer = await reads.getCustomer(externalId, options);
  if (customer.alternativeId !== externalId) {
    throw new PlanshipApiError('not_found', `No customer with external id "${externalId}"`, { status: 404, detail: 'Customer not found' });
  }
  return customer;
}

/** The customer's state in this client's product (hosted Planship lists no other products per customer). */
export async function composedState(reads: HostedReads, customer: CustomerInDbBase, options?: RequestOptions): Promise<CustomerState> {
  const productSlug = reads.product.productSlug;
  const base = path`/api/v1/customers/${customer.id}`;
  const [subscriptions, entitlements, levers] = await Promise.all([
    reads.get<CustomerSubscriptionWithPlan[]>(`${base}/subscriptions?product_slug=${encodeURIComponent(productSlug)}`, options),
    reads.get<Entitlements>(base + path`/products/${productSlug}/entitlements`, options, true),
    reads.product.listLevers(options),
  ]);
  const active = subscriptions.filter((subscription) => subscription.isActive);
  // A lever is metered when Planship meters it: the list says so on our server; hosted lists need the lever itself.
  const metered = await Promise.all(
    levers.map(async (lever) => {
      if (lever.type !== undefined) return lever.type === 'metered';
      const details = await reads.get<{ meteringIds?: string[] }>(path`/api/v1/products/${productSlug}/levers/${lever.slug}`, options);
      return (details.meteringIds ?? []).length > 0;
    }),
  );
  const meteredLevers = levers.filter((_, index) => metered[index]);
  const [planDetails, usages] = await Promise.all([
    Promise.all(active.map((subscription) => reads.product.getPlan(subscription.plan.slug, options))),
    Promise.all(meteredLevers.map((lever) => reads.get<LeverUsage>(base + path`/products/${productSlug}/levers/${lever.slug}/usage`, options))),
  ]);
  return {
    ...customer,
    activeSubscriptions: active.map((subscription, index): CustomerStateSubscription => ({ ...subscription, planDetails: planDetails[index] })),
    entitlements: { [productSlug]: entitlements },
    usage: { [productSlug]: Object.fromEntries(meteredLevers.map((lever, index) => [lever.slug, usages[index]])) },
  };
}
