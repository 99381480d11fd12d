// What a customer may call at all: the allowlist of Planship routes a page may reach, for a
// customer token on our server and for a signed-in session through the portal gateway alike.
// Anything not listed here is refused (default deny): `/auth/*`, customer create, read and
// delete, usage reports, renewals, other products' data, customer management, `/__emulator/*`.

export type CustomerAction =
  | 'product.read'
  | 'plans.list'
  | 'plan.read'
  | 'plan-entitlements.read'
  | 'levers.list'
  | 'lever.read'
  | 'subscription.create'
  | 'subscriptions.list'
  | 'subscription.read'
  | 'subscription.update'
  | 'members.list'
  | 'members.add'
  | 'members.remove'
  | 'members.invite'
  | 'invites.list'
  | 'invites.cancel'
  | 'invitation.read'
  | 'invitation.accept'
  | 'invitation.decline'
  | 'billing-portal.open'
  | 'entitlements.read'
  | 'usage.read'
  | 'entitlements.live';

export type RouteParam = 'product' | 'plan' | 'lever' | 'metering' | 'customer' | 'subscription' | 'member' | 'invitation';

export interface CustomerRouteMatch {
  action: CustomerAction;
  method: string;
  /** Decoded path parameters. */
  params: Partial<Record<RouteParam, string>>;
}

/** Paths below `/api/v1/`, as Planship names them. */
const ROUTES: readonly (readonly [method: string, path: string, action: CustomerAction])[] = [
  ['GET', 'products/:product', 'product.read'],
  ['GET', 'products/:product/plans', 'plans.list'],
  ['GET', 'products/:product/plans/:plan', 'plan.read'],
  ['GET', 'products/:product/plans/:plan/entitlements', 'plan-entitlements.read'],
  ['GET', 'products/:product/levers', 'levers.list'],
  ['GET', 'products/:product/levers/:lever', 'lever.read'],
  ['POST', 'products/:product/plans/:plan/subscriptions', 'subscription.create'],
  ['GET', 'customers/:customer/subscriptions', 'subscriptions.list'],
  ['GET', 'customers/:customer/subscriptions/:subscription', 'subscription.read'],
  ['PATCH', 'customers/:customer/subscriptions/:subscription', 'subscription.update'],
  ['GET', 'customers/:customer/subscriptions/:subscription/customers', 'members.list'],
  ['POST', 'customers/:customer/subscriptions/:subscription/customers', 'members.add'],
  ['DELETE', 'customers/:customer/subscriptions/:subscription/customers/:member', 'members.remove'],
  // The gateway's own (not Planship's): invitations by email, which the invitee accepts or declines.
  ['POST', 'customers/:customer/subscriptions/:subscription/invites', 'members.invite'],
  ['GET', 'customers/:customer/subscriptions/:subscription/invites', 'invites.list'],
  ['DELETE', 'customers/:customer/subscriptions/:subscription/invites/:invitation', 'invites.cancel'],
  ['GET', 'invitations/:invitation', 'invitation.read'],
  ['POST', 'invitations/:invitation/accept', 'invitation.accept'],
  ['POST', 'invitations/:invitation/decline', 'invitation.decline'],
  // The gateway's own: where the host's billing portal (payment method, invoices) is, for this customer.
  ['POST', 'customers/:customer/billing-portal', 'billing-portal.open'],
  ['GET', 'customers/:customer/products/:product/entitlements', 'entitlements.read'],
  ['GET', 'customers/:customer/products/:product/levers/:lever/usage', 'usage.read'],
  ['GET', 'customers/:customer/products/:product/usage/:metering', 'usage.read'],
  ['GET', 'ws/customers/:customer/products/:product/entitlements', 'entitlements.live'],
];

const COMPILED = ROUTES.map(([method, path, action]) => ({ method, action, segments: ['api', 'v1', ...path.split('/')] }));

/**
 * The customer route a request names, or undefined when a customer may not call it.
 * `segments` are the decoded, non-empty path segments (`/api/v1/products/x` -> api, v1, products, x).
 */
export function matchCustomerRoute(method: string, segments: readonly string[]): CustomerRouteMatch | undefined {
  for (const route of COMPILED) {
    if (route.method !== method || route.segments.length !== segments.length) continue;
    const params: Partial<Record<RouteParam, string>> = {};
    const fits = route.segments.every((segment, index) => {
      if (segment.startsWith(':')) {
        params[segment.slice(1) as RouteParam] = segments[index];
        return segments[index].length > 0;
      }
      return segment === segments[index];
    });
    if (fits) return { action: route.action, method, params };
  }
  return undefined;
}

/** Decoded, non-empty segments of a percent-encoded path; undefined when it does not decode. */
export function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}
