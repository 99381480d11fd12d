// The hosted profile answers what hosted Planship answers, field by field: every route it serves,
// its JSON keys against the models of reference/planship-api.md section 4 (transcribed here on
// their own, not taken from the server's table). The extended profile keeps its extras.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

/** A model: its fields, each `true` (any value) or the model of what it holds (`[model]`: a list of them). */
type Model = { [field: string]: true | Model | [Model] };
const keys = (...names: string[]): Model => Object.fromEntries(names.map((name) => [name, true]));

// reference/planship-api.md, section 4 "Models".
const TOKEN_RESPONSE = keys('access_token', 'token_type', 'expires_in');
const ID_NAME_SLUG = keys('id', 'name', 'slug');
const PRODUCT_MODEL = keys('id', 'slug', 'name', 'description', 'organization_id', 'alternative_id');
const PLAN_IN_LIST = keys('slug', 'name', 'description', 'order');
const PLAN_ENTITLEMENT = keys('formatted_value', 'value', 'name', 'lever_name', 'description', 'order', 'configuration');
const PLAN: Model = { ...PLAN_IN_LIST, entitlements: [PLAN_ENTITLEMENT] };
const LEVER_IN_LIST = keys('slug', 'name', 'description', 'order', 'default_value');
const LEVER = keys(
  'id', 'slug', 'name', 'description', 'display_order', 'display_name', 'display_description', 'display_extra_attributes',
  'configuration', 'entitlement_display_value_template', 'entitlement_display_name_template', 'entitlement_display_description_template',
  'lever_type_id', 'product_id', 'metering_ids', 'entitlement_schema_json',
);
const CUSTOMER_IN_DB_BASE = keys('id', 'metadata_', 'name', 'email', 'alternative_id', 'organization_id');
const PLAN_IN_DB_BASE = keys(
  'id', 'slug', 'name', 'description', 'display_order', 'display_name', 'display_description', 'display_extra_attributes',
  'max_subscribers', 'is_self_serve', 'is_public', 'auto_renew', 'duration_period', 'duration_unit', 'product_id', 'alternative_id',
);
const SUBSCRIPTION_CUSTOMER_IN_DB_BASE = keys('metadata_', 'is_administrator', 'is_subscriber', 'customer_id', 'subscription_id');
const SUBSCRIPTION_CUSTOMER: Model = { ...SUBSCRIPTION_CUSTOMER_IN_DB_BASE, plan: PLAN_IN_DB_BASE };
const CUSTOMER: Model = { ...CUSTOMER_IN_DB_BASE, subscriptions: [SUBSCRIPTION_CUSTOMER] };
const SUBSCRIPTION_WITH_PLAN: Model = {
  ...keys('id', 'auto_renew', 'is_active', 'plan_id', 'renew_plan_id', 'renew_at', 'last_renewed_at', 'max_subscribers', 'start_at', 'alternative_id'),
  plan: ID_NAME_SLUG,
  renew_plan: ID_NAME_SLUG,
};
const CUSTOMER_SUBSCRIPTION_WITH_PLAN: Model = {
  ...keys('metadata_', 'is_administrator', 'is_subscriber', 'customer_id', 'subscription_id', 'max_subscribers', 'auto_renew', 'is_active', 'renew_at', 'last_renewed_at'),
  plan: ID_NAME_SLUG,
  renew_plan: ID_NAME_SLUG,
};
const LEVER_USAGE = keys('total', 'by_bucket', 'by_subscription');
const METERING_RECORD = keys('id', 'usage', 'metering_id', 'customer_id', 'product_id', 'is_allocated', 'subscription_id', 'bucket');

/** Every key of `value` is a field of `model` and every field is there, at every level (`where` names it in a failure). */
function assertModel(value: unknown, model: Model | [Model], where: string): void {
  if (Array.isArray(model)) {
    assert.ok(Array.isArray(value), `${where}: not a list`);
    assert.ok(value.length > 0, `${where}: an empty list proves nothing`);
    value.forEach((item, index) => assertModel(item, model[0], `${where}[${index}]`));
    return;
  }
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${where}: not an object`);
  assert.deepEqual(Object.keys(value).sort(), Object.keys(model).sort(), `${where}: fields`);
  for (const [field, inner] of Object.entries(model)) {
    if (inner !== true) assertModel((value as Record<string, unknown>)[field], inner, `${where}.${field}`);
  }
}

let hosted: TestApi;
let extended: TestApi;

before(async () => {
  [hosted, extended] = await Promise.all([startTestServer({ profile: 'hosted' }), startTestServer()]);
});

after(() => Promise.all([hosted?.server.close(), extended?.server.close()]));

const product = `/api/v1/products/${PRODUCT}`;

test('hosted profile: the token, catalog and public routes answer hosted Planship\'s models only', async () => {
  const answers: [string, string, Model | [Model]][] = [
    ['POST', '/api/v1/auth/token', TOKEN_RESPONSE],
    ['GET', '/api/v1/products', [ID_NAME_SLUG]],
    ['GET', product, PRODUCT_MODEL],
    ['GET', `${product}/plans`, [PLAN_IN_LIST]],
    ['GET', `${product}/plans?public_only=true&order_by=name`, [PLAN_IN_LIST]],
    // Our `include=entitlements` is an extra: FastAPI ignores a parameter it does not declare.
    ['GET', `${product}/plans?include=entitlements`, [PLAN_IN_LIST]],
    ['GET', `${product}/plans?include=nonsense`, [PLAN_IN_LIST]],
    ['GET', `${product}/plans/pro`, PLAN],
    ['GET', `${product}/plans/pro?levers_order_by=name`, PLAN],
    ['GET', `${product}/plans/pro/entitlements`, [PLAN_ENTITLEMENT]],
    ['GET', `${product}/levers`, [LEVER_IN_LIST]],
    ['GET', `${product}/levers/api-calls`, LEVER],
    ['GET', `${product}/levers/sso`, LEVER],
    ['GET', `/api/v1/public/acme/${PRODUCT}/plans`, [PLAN_IN_LIST]],
    ['GET', `/api/v1/public/acme/${PRODUCT}/plans/pro`, PLAN],
  ];
  for (const [method, path, model] of answers) {
    const answer = await hosted.admin(method, path);
    assert.equal(answer.status, 200, `${method} ${path}: ${answer.text}`);
    assertModel(answer.body, model, `${method} ${path}`);
  }
});

test('hosted profile: customers, subscriptions, members, entitlements and usage answer hosted Planship\'s models only', async () => {
  const created = await hosted.admin('POST', '/api/v1/customers', { alternative_id: 'wire-ada', name: 'Ada', email: 'ada@wire.example' });
  assert.equal(created.status, 200);
  assert.deepEqual(created.body.subscriptions, []);
  assertModel(created.body, { ...CUSTOMER, subscriptions: true }, 'POST /customers');
  const ada = created.body.id as string;
  const teammate = (await hosted.admin('POST', '/api/v1/customers', { alternative_id: 'wire-bob', email: 'bob@wire.example' })).body.id as string;

  const subscribed = await hosted.admin('POST', `${product}/plans/pro/subscriptions`, { customer_id: ada, max_subscribers: 3 });
  assert.equal(subscribed.status, 200, subscribed.text);
  assertModel(subscribed.body, SUBSCRIPTION_WITH_PLAN, 'POST subscriptions');
  const subscription = `/api/v1/customers/${ada}/subscriptions/${subscribed.body.id}`;

  const added = await hosted.admin('POST', `${subscription}/customers`, { customer_id: teammate });
  assert.equal(added.status, 200, added.text);
  assertModel(added.body, SUBSCRIPTION_CUSTOMER, 'POST members');
  const usage = `/api/v1/customers/${ada}/products/${PRODUCT}`;
  const reported = await hosted.admin('POST', `${usage}/usage/api-calls`, { usage: 5, bucket: 'project-1' });
  assert.equal(reported.status, 200, reported.text);
  assertModel(reported.body, METERING_RECORD, 'POST usage');

  const answers: [string, string, unknown, Model | [Model]][] = [
    ['GET', `/api/v1/customers/${ada}`, undefined, CUSTOMER_IN_DB_BASE],
    ['GET', '/api/v1/customers/wire-ada', undefined, CUSTOMER_IN_DB_BASE],
    ['GET', `/api/v1/customers/${ada}/subscriptions`, undefined, [CUSTOMER_SUBSCRIPTION_WITH_PLAN]],
    ['GET', `/api/v1/customers/${ada}/subscriptions?product_slug=${PRODUCT}`, undefined, [CUSTOMER_SUBSCRIPTION_WITH_PLAN]],
    ['GET', subscription, undefined, CUSTOMER_SUBSCRIPTION_WITH_PLAN],
    ['PATCH', subscription, { renew_plan_slug: 'starter' }, CUSTOMER_SUBSCRIPTION_WITH_PLAN],
    ['GET', `${subscription}/customers`, undefined, [SUBSCRIPTION_CUSTOMER]],
    ['GET', `${usage}/levers/api-calls/usage`, undefined, LEVER_USAGE],
    ['DELETE', `${subscription}/customers/${teammate}`, undefined, SUBSCRIPTION_CUSTOMER_IN_DB_BASE],
    ['DELETE', `/api/v1/customers/${teammate}`, undefined, CUSTOMER_IN_DB_BASE],
  ];
  for (const [method, path, body, model] of answers) {
    const answer = await hosted.admin(method, path, body);
    assert.equal(answer.status, 200, `${method} ${path}: ${answer.text}`);
    assertModel(answer.body, model, `${method} ${path}`);
  }

  // Keyed by data: lever slugs, each a LeverUsage; entitlements keyed by lever slug, values as they are.
  const byMeteringId = await hosted.admin('GET', `${usage}/usage/api-calls`);
  // (The demo catalog meters two levers, calls and bursts, by `api-calls`.)
  assert.deepEqual(Object.keys(byMeteringId.body), ['api-calls', 'api-burst']);
  for (const [lever, leverUsage] of Object.entries(byMeteringId.body)) assertModel(leverUsage, LEVER_USAGE, `GET usage/{metering_id} ${lever}`);
  assert.equal(byMeteringId.body['api-calls'].total, 5);
  const entitlements = await hosted.entitlements(ada);
  assert.equal(entitlements.body['api-calls'], 100_000 - 5);
});

test('extended profile: the extras are still there', async () => {
  const plans = await extended.admin('GET', `${product}/plans`);
  assert.deepEqual(Object.keys(plans.body[0]).sort(), [...Object.keys(PLAN_IN_LIST), 'id', 'is_public', 'is_self_serve', 'max_subscribers'].sort());
  const plan = await extended.admin('GET', `${product}/plans/pro`);
  assert.equal(plan.body.entitlements[0].lever_slug, 'api-calls');
  const withEntitlements = await extended.admin('GET', `${product}/plans?include=entitlements`);
  assert.ok(Array.isArray(withEntitlements.body[0].entitlements));
  assert.equal((await extended.admin('GET', `${product}/plans?include=nonsense`)).status, 422);
  const levers = await extended.admin('GET', `${product}/levers`);
  assert.equal(levers.body[0].type, 'metered');
  const { id, subscriptionId } = await extended.createCustomer({ plan: 'pro' });
  const subscriptions = await extended.admin('GET', `/api/v1/customers/${id}/subscriptions`);
  assert.equal(subscriptions.body[0].subscribers, 1);
  const members = await extended.admin('GET', `/api/v1/customers/${id}/subscriptions/${subscriptionId}/customers`);
  assert.equal(members.body[0].customer.name, 'Test Customer');
});
