// A product of the catalog with lookups by slug and metering id, and stable ids for the wire.
import type { Catalog, CatalogLever, CatalogPlan, CatalogProduct } from './catalog.ts';
import { stableUuid } from './ids.ts';

export interface ProductIndex {
  product: CatalogProduct;
  id: string;
  plans: Map<string, CatalogPlan>;
  planIds: Map<string, string>;
  /** The reverse of planIds: plan slug by plan id. */
  planSlugById: Map<string, string>;
  levers: Map<string, CatalogLever>;
  leverIds: Map<string, string>;
  /** Metered levers by metering id, in catalog order. */
  leversByMeteringId: Map<string, CatalogLever[]>;
}

export function buildProductIndex(catalog: Catalog, product: CatalogProduct): ProductIndex {
  const org = catalog.organization.slug;
  const leversByMeteringId = new Map<string, CatalogLever[]>();
  for (const lever of product.levers) {
    if (lever.meteringId === null) continue;
    const list = leversByMeteringId.get(lever.meteringId) ?? [];
    list.push(lever);
    leversByMeteringId.set(lever.meteringId, list);
  }
  const planIds = new Map(product.plans.map((plan) => [plan.slug, stableUuid(org, 'plan', product.slug, plan.slug)]));
  return {
    product,
    id: stableUuid(org, 'product', product.slug),
    plans: new Map(product.plans.map((plan) => [plan.slug, plan])),
    planIds,
    planSlugById: new Map([...planIds].map(([slug, id]) => [id, slug])),
    levers: new Map(product.levers.map((lever) => [lever.slug, lever])),
    leverIds: new Map(product.levers.map((lever) => [lever.slug, stableUuid(org, 'lever', product.slug, lever.slug)])),
    leversByMeteringId,
  };
}

/** Limit of a plan for a lever: null = unlimited, undefined = the plan lacks the lever. */
export function limitOf(plan: CatalogPlan, lever: CatalogLever): number | null | undefined {
  if (!(lever.slug in plan.entitlements)) return undefined;
  return plan.entitlements[lever.slug] as number | null;
}
