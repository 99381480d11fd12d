// Read-only catalog routes: health, products, plans (with entitlements), levers, public plans.
// Customer tokens see public plans plus the plans of their own subscriptions.
import { planVisible } from '../../policy/index.ts';
import { productOr404 } from '../access.ts';
import { planFacts } from '../customer-gate.ts';
import type { Principal } from '../auth.ts';
import type { CatalogLever, CatalogPlan } from '../catalog.ts';
import { found, invalid, notFound } from '../errors.ts';
import type { Route } from '../http.ts';
import { leverInListWire, leverWire, planEntitlementWire, planInListWire, planWire, productListItemWire, productWire } from '../serialize.ts';
import type { ProductIndex, Store } from '../store.ts';
import { queryBoolean, queryOrder } from '../validate.ts';
import type { Services } from './common.ts';

type Sortable = { order: number; name: string; slug: string };

function sortBy<T extends Sortable>(items: T[], order: { field: string; descending: boolean }[]): T[] {
  const keys = order.length ? order : [{ field: 'order', descending: false }];
  return [...items].sort((a, b) => {
    for (const { field, descending } of keys) {
      const left = a[field as keyof Sortable];
      const right = b[field as keyof Sortable];
      const result = typeof left === 'number' ? left - (right as number) : String(left).localeCompare(String(right));
      if (result !== 0) return descending ? -result : result;
    }
    return 0;
  });
}

const ORDER_FIELDS = ['order', 'name', 'slug'] as const;

/** Product credentials see every plan; customers and the public what the customer policy shows. */
function visiblePlans(store: Store, index: ProductIndex, principal: Principal | undefined): CatalogPlan[] {
  if (principal?.kind === 'product') return index.product.plans;
  const own = new Set(
    principal?.kind === 'customer'
      ? store.subscriptionsOf(principal.customerId, index.product.slug).map((subscription) => subscription.planSlug)
      : [],
  );
  return index.product.plans.filter((plan) => planVisible(planFacts(plan), own));
}

function planOr404(store: Store, index: ProductIndex, slug: string, principal: Principal | undefined): CatalogPlan {
  return found(visiblePlans(store, index, principal).find((candidate) => candidate.slug === slug), 'Plan not found');
}

function orderedLevers(index: ProductIndex, query: URLSearchParams, name: string): CatalogLever[] {
  return sortBy(index.product.levers, queryOrder(query, name, ORDER_FIELDS));
}

export function catalogRoutes({ store, extended }: Services): Route[] {
  /**
   * `include=entitlements` (ours, the extended profile only; FastAPI, so hosted Planship, ignores a query
   * parameter it does not declare) answers each plan with its entitlements: a page needs no
   * request per plan.
   */
  const listPlans = (index: ProductIndex, principal: Principal | undefined, query: URLSearchParams) => {
    const publicOnly = queryBoolean(query, 'public_only', false);
    const include = extended ? query.getAll('include') : [];
    if (include.some((value) => value !== 'entitlements')) {
      throw invalid([{ loc: ['query', 'include'], msg: "Input should be 'entitlements'", type: 'literal_error' }]);
    }
    const plans = visiblePlans(store, index, principal).filter((plan) => !publicOnly || plan.isPublic);
    const wire = include.length ? (plan: CatalogPlan) => planWire(index, plan) : (plan: CatalogPlan) => planInListWire(index, plan);
    return sortBy(plans, queryOrder(query, 'order_by', ORDER_FIELDS)).map(wire);
  };
  return [
    { method: 'GET', path: '/api/v1/health', auth: false, handler: () => ({ body: { status: 'ok' } }) },
    {
      method: 'GET',
      path: '/api/v1/products',
      auth: true,
      handler: () => ({ body: [...store.products.values()].map(productListItemWire) }),
    },
    {
      method: 'GET',
      path: '/api/v1/products/:slug',
      auth: true,
      handler: ({ params }) => ({ body: productWire(store, productOr404(store, params.slug)) }),
    },
    {
      method: 'GET',
      path: '/api/v1/products/:slug/plans',
      auth: true,
      handler: ({ params, principal, query }) => ({ body: listPlans(productOr404(store, params.slug), principal, query) }),
    },
    {
      method: 'GET',
      path: '/api/v1/products/:product/plans/:plan',
      auth: true,
      handler({ params, principal, query }) {
        const index = productOr404(store, params.product);
        const plan = planOr404(store, index, params.plan, principal);
        const levers = orderedLevers(index, query, query.has('levers_order_by') ? 'levers_order_by' : 'order_by');
        return { body: planWire(index, plan, levers) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/products/:product/plans/:plan/entitlements',
      auth: true,
      handler({ params, principal, query }) {
        const index = productOr404(store, params.product);
        const plan = planOr404(store, index, params.plan, principal);
        return { body: orderedLevers(index, query, 'order_by').map((lever) => planEntitlementWire(plan, lever)) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/products/:slug/levers',
      auth: true,
      handler: ({ params, query }) => ({ body: orderedLevers(productOr404(store, params.slug), query, 'order_by').map(leverInListWire) }),
    },
    {
      method: 'GET',
      path: '/api/v1/products/:product/levers/:lever',
      auth: true,
      handler({ params }) {
        const index = productOr404(store, params.product);
        const lever = found(index.levers.get(params.lever), 'Lever not found');
        return { body: leverWire(index, lever) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/public/:organization/:product/plans',
      auth: false,
      handler({ params, query }) {
        if (params.organization !== store.catalog.organization.slug) throw notFound('Organization not found');
        return { body: listPlans(productOr404(store, params.product), undefined, query) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/public/:organization/:product/plans/:plan',
      auth: false,
      handler({ params }) {
        if (params.organization !== store.catalog.organization.slug) throw notFound('Organization not found');
        const index = productOr404(store, params.product);
        return { body: planWire(index, planOr404(store, index, params.plan, undefined)) };
      },
    },
  ];
}
