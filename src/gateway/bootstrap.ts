// GET {basePath}/portal: everything a page's elements read first, in ONE answer, assembled from
// Planship in parallel (the catalog from the gateway's cache): the product, the plans the
// customer may see with each plan's entitlements, the levers, the customer's subscriptions of the
// product, its entitlements and the usage of every metered lever. The client primes its shared
// cache from it, so first content needs one request after the script runs.
import type { Caller } from '../policy/index.ts';
import { visiblePlans, withPrices, type Catalog, type PlanPrices } from './catalog.ts';
import { GatewayError } from './errors.ts';
import { allInListOrder } from './list-order.ts';
import type { Upstream } from './upstream.ts';

interface LeverWire {
  slug: string;
  type?: string;
  [field: string]: unknown;
}

/** A catalog read that must have worked for the answer to make sense. */
async function ok(answer: Promise<{ status: number; body: unknown }>, what: string): Promise<any> {
  const { status, body } = await answer;
  if (status !== 200) throw GatewayError.unavailable(`${what} answered ${status}`);
  return body;
}

/** The answer's shape, in Planship's wire format (snake_case), keyed as the client primes its cache. */
export interface PortalAnswer {
  /** False for a visitor who is not signed in: then only the catalog (product, plans, plan details, levers). */
  signed_in?: boolean;
  product: unknown;
  plans: unknown[];
  plan_details: Record<string, unknown>;
  levers: unknown[];
  subscriptions?: unknown[];
  entitlements?: Record<string, unknown>;
  usage?: Record<string, unknown>;
}

export async function portalBootstrap(upstream: Upstream, catalog: Catalog, productSlug: string, caller: Caller | null, pricing?: PlanPrices): Promise<PortalAnswer> {
  const customer = caller && `/api/v1/customers/${encodeURIComponent(caller.id)}`;
  const product = `/products/${encodeURIComponent(productSlug)}`;
  // A user with no customer yet has nothing of their own to read: no upstream call for them.
  const [productWire, plans, levers, subscriptions, entitlements] = await allInListOrder([
    ok(catalog.answer(''), 'product'),
    catalog.plans(),
    ok(catalog.answer('/levers'), 'levers') as Promise<LeverWire[]>,
    customer ? upstream.read<{ plan: { slug: string } }[]>(`${customer}/subscriptions?product_slug=${encodeURIComponent(productSlug)}`) : [],
    customer ? upstream.read<Record<string, unknown>>(`${customer}${product}/entitlements`) : catalog.defaultEntitlements(),
  ]);
  const own = new Set(subscriptions.map((subscription) => subscription.plan.slug));
  const visible = visiblePlans(plans, own, pricing);
  const metered = await meteredLevers(catalog, levers);
  const noUsage = { total: 0, by_bucket: {}, by_subscription: {} };
  const [details, usage] = await Promise.all([
    Promise.all(visible.map((plan) => ok(catalog.answer(`/plans/${encodeURIComponent(plan.slug)}`), `plan ${plan.slug}`))),
    Promise.all(metered.map((slug) => (customer ? upstream.read(`${customer}${product}/levers/${encodeURIComponent(slug)}/usage`) : noUsage))),
  ]);
  return {
    signed_in: true,
    product: productWire,
    plans: visible,
    plan_details: Object.fromEntries(visible.map((plan, index) => [plan.slug, withPrices(details[index], plan.slug, pricing)])),
    levers,
    subscriptions,
    entitlements,
    usage: Object.fromEntries(metered.map((slug, index) => [slug, usage[index]])),
  };
}

/** Slugs of the metered levers: the list says so where the API types levers, else each lever's metering ids do. */
async function meteredLevers(catalog: Catalog, levers: LeverWire[]): Promise<string[]> {
  const metered = await Promise.all(
    levers.map(async (lever) => {
      if (lever.type !== undefined) return lever.type === 'metered';
      const details = (await catalog.answer(`/levers/${encodeURIComponent(lever.slug)}`)).body as { metering_ids?: unknown[] } | undefined;
      return (details?.metering_ids?.length ?? 0) > 0;
    }),
  );
  return levers.filter((_, index) => metered[index]).map((lever) => lever.slug);
}
