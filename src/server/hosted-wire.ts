// What hosted Planship answers, field by field (reference/planship-api.md section 4). The hosted
// profile answers these fields and no others, so a host proves against it that it needs nothing
// our server adds (`is_self_serve` and `max_subscribers` in the plan list, lever types, member
// names...). The extended profile keeps its extras.
import type { Reply, Route } from './http.ts';

/** A field kept as it is. */
const ANY = true;
/** Each value of an object keyed by data (lever slugs), shaped alike. */
class RecordOf {
  constructor(readonly shape: Shape) {}
}
type Shape = typeof ANY | RecordOf | readonly [Shape] | { readonly [field: string]: Shape };

const fields = (...names: string[]): Record<string, Shape> => Object.fromEntries(names.map((name) => [name, ANY]));

const ID_NAME_SLUG = fields('id', 'name', 'slug');
const TOKEN = fields('access_token', 'token_type', 'expires_in');
const PRODUCT = fields('id', 'slug', 'name', 'description', 'organization_id', 'alternative_id');
const PLAN_IN_LIST = fields('slug', 'name', 'description', 'order');
const PLAN_ENTITLEMENT = fields('formatted_value', 'value', 'name', 'lever_name', 'description', 'order', 'configuration');
const PLAN = { ...PLAN_IN_LIST, entitlements: [PLAN_ENTITLEMENT] } as const;
const LEVER_IN_LIST = fields('slug', 'name', 'description', 'order', 'default_value');
const LEVER = fields(
  'id', 'slug', 'name', 'description', 'display_order', 'display_name', 'display_description', 'display_extra_attributes',
  'configuration', 'entitlement_display_value_template', 'entitlement_display_name_template',
  'entitlement_display_description_template', 'lever_type_id', 'product_id', 'metering_ids', 'entitlement_schema_json',
);
const PLAN_IN_DB = fields(
  'id', 'slug', 'name', 'description', 'display_order', 'display_name', 'display_description', 'display_extra_attributes',
  'max_subscribers', 'is_self_serve', 'is_public', 'auto_renew', 'duration_period', 'duration_unit', 'product_id', 'alternative_id',
);
const CUSTOMER_IN_DB = fields('id', 'metadata_', 'name', 'email', 'alternative_id', 'organization_id');
const SUBSCRIPTION_CUSTOMER_IN_DB = fields('metadata_', 'is_administrator', 'is_subscriber', 'customer_id', 'subscription_id');
const SUBSCRIPTION_CUSTOMER = { ...SUBSCRIPTION_CUSTOMER_IN_DB, plan: PLAN_IN_DB } as const;
const CUSTOMER = { ...CUSTOMER_IN_DB, subscriptions: [SUBSCRIPTION_CUSTOMER] } as const;
const SUBSCRIPTION_WITH_PLAN = {
  ...fields('id', 'auto_renew', 'is_active', 'plan_id', 'renew_plan_id', 'renew_at', 'last_renewed_at', 'max_subscribers', 'start_at', 'alternative_id'),
  plan: ID_NAME_SLUG,
  renew_plan: ID_NAME_SLUG,
} as const;
const CUSTOMER_SUBSCRIPTION_WITH_PLAN = {
  ...fields('metadata_', 'is_administrator', 'is_subscriber', 'customer_id', 'subscription_id', 'max_subscribers', 'auto_renew', 'is_active', 'renew_at', 'last_renewed_at'),
  plan: ID_NAME_SLUG,
  renew_plan: ID_NAME_SLUG,
} as const;
const LEVER_USAGE = fields('total', 'by_bucket', 'by_subscription');
const METERING_RECORD = fields('id', 'usage', 'metering_id', 'customer_id', 'product_id', 'is_allocated', 'subscription_id', 'bucket');

const SUBSCRIPTION = '/api/v1/customers/:customer/subscriptions/:subscription';
const CUSTOMER_PRODUCT = '/api/v1/customers/:customer/products/:product';

/**
 * Each route of the hosted profile and the model hosted Planship answers it with. Routes not
 * listed answer as they are: health, entitlements (an object keyed by lever slug) and the
 * `/__emulator/*` test hooks.
 */
export const HOSTED_ANSWERS: Readonly<Record<string, Shape>> = {
  'POST /api/v1/auth/token': TOKEN,
  'GET /api/v1/products': [ID_NAME_SLUG],
  'GET /api/v1/products/:slug': PRODUCT,
  'GET /api/v1/products/:slug/plans': [PLAN_IN_LIST],
  'GET /api/v1/products/:product/plans/:plan': PLAN,
  'GET /api/v1/products/:product/plans/:plan/entitlements': [PLAN_ENTITLEMENT],
  'GET /api/v1/products/:slug/levers': [LEVER_IN_LIST],
  'GET /api/v1/products/:product/levers/:lever': LEVER,
  'GET /api/v1/public/:organization/:product/plans': [PLAN_IN_LIST],
  'GET /api/v1/public/:organization/:product/plans/:plan': PLAN,
  'POST /api/v1/customers': CUSTOMER,
  'GET /api/v1/customers/:customer': CUSTOMER_IN_DB,
  'DELETE /api/v1/customers/:customer': CUSTOMER_IN_DB,
  'POST /api/v1/products/:product/plans/:plan/subscriptions': SUBSCRIPTION_WITH_PLAN,
  'GET /api/v1/customers/:customer/subscriptions': [CUSTOMER_SUBSCRIPTION_WITH_PLAN],
  [`GET ${SUBSCRIPTION}`]: CUSTOMER_SUBSCRIPTION_WITH_PLAN,
  [`PATCH ${SUBSCRIPTION}`]: CUSTOMER_SUBSCRIPTION_WITH_PLAN,
  [`GET ${SUBSCRIPTION}/customers`]: [SUBSCRIPTION_CUSTOMER],
  [`POST ${SUBSCRIPTION}/customers`]: SUBSCRIPTION_CUSTOMER,
  [`DELETE ${SUBSCRIPTION}/customers/:member`]: SUBSCRIPTION_CUSTOMER_IN_DB,
  [`GET ${CUSTOMER_PRODUCT}/levers/:lever/usage`]: LEVER_USAGE,
  [`GET ${CUSTOMER_PRODUCT}/usage/:metering`]: new RecordOf(LEVER_USAGE),
  [`POST ${CUSTOMER_PRODUCT}/usage/:metering`]: METERING_RECORD,
};

/** `value` with only the fields `shape` names (missing ones stay missing; nothing is made up). */
function project(shape: Shape, value: unknown): unknown {
  if (shape === ANY || value === null || typeof value !== 'object') return value;
  if (Array.isArray(shape)) return Array.isArray(value) ? value.map((item) => project(shape[0], item)) : value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (shape instanceof RecordOf) return Object.fromEntries(entries.map(([key, item]) => [key, project(shape.shape, item)]));
  const picked = shape as Record<string, Shape>;
  return Object.fromEntries(entries.filter(([key]) => Object.hasOwn(picked, key)).map(([key, item]) => [key, project(picked[key], item)]));
}

/** The route, answering in hosted Planship's models only (a streamed answer is not ours to shape). */
export function asHosted(route: Route): Route {
  const shape = HOSTED_ANSWERS[`${route.method} ${route.path}`];
  if (shape === undefined) return route;
  const shaped = (reply: Reply): Reply => (reply.stream ? reply : { ...reply, body: project(shape, reply.body) });
  return {
    ...route,
    // Synchronous handlers stay synchronous: the policy check and the change run in one step.
    handler(context) {
      const reply = route.handler(context);
      return reply instanceof Promise ? reply.then(shaped) : shaped(reply);
    },
  };
}
