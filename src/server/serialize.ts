// Wire shapes of reference/planship-api.md section 4: snake_case, `metadata_` on output.
// Extra fields beyond Planship's models (marked "extra") help the portal and are ignored by the
// official SDK.
import { memberDetails } from '../policy/index.ts';
import type { Principal } from './auth.ts';
import type { CatalogLever, CatalogPlan } from './catalog.ts';
import { formatEntitlement, leverDefault } from './entitlements.ts';
import type { CustomerRecord, MembershipRecord, ProductIndex, Store, SubscriptionRecord, UsageRecordResult } from './store.ts';

const iso = (time: number) => new Date(time).toISOString();

export function productWire(store: Store, index: ProductIndex) {
  return {
    id: index.id,
    slug: index.product.slug,
    name: index.product.name,
    description: index.product.description,
    organization_id: store.organizationId,
    alternative_id: null,
  };
}

export function productListItemWire(index: ProductIndex) {
  return { id: index.id, name: index.product.name, slug: index.product.slug };
}

/** PlanInList, plus (extra) id, is_public, is_self_serve, max_subscribers. */
export function planInListWire(index: ProductIndex, plan: CatalogPlan) {
  return {
    slug: plan.slug,
    name: plan.name,
    description: plan.description,
    order: plan.order,
    id: index.planIds.get(plan.slug)!,
    is_public: plan.isPublic,
    is_self_serve: plan.isSelfServe,
    max_subscribers: plan.maxSubscribers,
  };
}

/** PlanEntitlement (>= 0.1.5), plus (extra) lever_slug, lever_type, metering_id, reset. */
export function planEntitlementWire(plan: CatalogPlan, lever: CatalogLever) {
  const value = lever.slug in plan.entitlements ? plan.entitlements[lever.slug] : leverDefault(lever.type);
  return {
    formatted_value: formatEntitlement(lever, value),
    value,
    name: lever.name,
    lever_name: lever.name,
    description: lever.description,
    order: lever.order,
    configuration: {},
    lever_slug: lever.slug,
    lever_type: lever.type,
    metering_id: lever.meteringId,
    reset: lever.reset,
  };
}

/** Plan ("PlanDetails") with entitlements for every lever of the product. */
export function planWire(index: ProductIndex, plan: CatalogPlan, levers: CatalogLever[] = index.product.levers) {
  return { ...planInListWire(index, plan), entitlements: levers.map((lever) => planEntitlementWire(plan, lever)) };
}

function planInDbWire(index: ProductIndex, plan: CatalogPlan) {
  return {
    id: index.planIds.get(plan.slug)!,
    slug: plan.slug,
    alternative_id: null,
    name: plan.name,
    description: plan.description,
    display_order: plan.order,
    display_name: plan.name,
    display_description: plan.description,
    display_extra_attributes: {},
    max_subscribers: plan.maxSubscribers,
    is_self_serve: plan.isSelfServe,
    is_public: plan.isPublic,
    auto_renew: true,
    duration_period: 1,
    duration_unit: 'month',
    product_id: index.id,
  };
}

function idNameSlugWire(index: ProductIndex, plan: CatalogPlan) {
  return { id: index.planIds.get(plan.slug)!, name: plan.name, slug: plan.slug };
}

/** LeverInList, plus (extra) type, metering_id, reset. */
export function leverInListWire(lever: CatalogLever) {
  return {
    slug: lever.slug,
    name: lever.name,
    description: lever.description,
    order: lever.order,
    default_value: JSON.stringify(leverDefault(lever.type)),
    type: lever.type,
    metering_id: lever.meteringId,
    reset: lever.reset,
  };
}

export function leverWire(index: ProductIndex, lever: CatalogLever) {
  return {
    id: index.leverIds.get(lever.slug)!,
    slug: lever.slug,
    name: lever.name,
    description: lever.description,
    display_order: lever.order,
    display_name: lever.name,
    display_description: lever.description,
    display_extra_attributes: {},
    configuration: {},
    entitlement_display_value_template: null,
    entitlement_display_name_template: null,
    entitlement_display_description_template: null,
    lever_type_id: index.leverIds.get(lever.slug)!,
    product_id: index.id,
    metering_ids: lever.meteringId ? [lever.meteringId] : [],
    entitlement_schema_json: null,
    type: lever.type,
    reset: lever.reset,
  };
}

/** CustomerInDbBase, plus (extra) created_at. */
export function customerWire(store: Store, customer: CustomerRecord) {
  return {
    id: customer.id,
    metadata_: customer.metadata,
    name: customer.name,
    email: customer.email,
    alternative_id: customer.alternativeId,
    organization_id: store.organizationId,
    created_at: iso(customer.createdAt),
  };
}

/**
 * A deleted customer (the answer of DELETE): its released alternative_id is shown again, as
 * Polar shows `external_id` of a deleted customer, plus (extra) deleted_at.
 */
export function deletedCustomerWire(store: Store, customer: CustomerRecord) {
  const released = customer.metadata.__alternative_id;
  return {
    ...customerWire(store, customer),
    alternative_id: customer.alternativeId ?? (typeof released === 'string' ? released : null),
    deleted_at: customer.deletedAt === null ? null : iso(customer.deletedAt),
  };
}

export function membershipWire(subscription: SubscriptionRecord, membership: MembershipRecord) {
  return {
    metadata_: membership.metadata,
    is_administrator: membership.isAdministrator,
    is_subscriber: membership.isSubscriber,
    customer_id: membership.customerId,
    subscription_id: subscription.id,
  };
}

/**
 * SubscriptionCustomer: the membership plus the plan, and (extra) `customer`. Product
 * credentials (the host backend) see the member's name, email and alternative_id; a customer
 * token sees what the customer policy shows a teammate (names; emails as an administrator).
 */
export function subscriptionCustomerWire(store: Store, subscription: SubscriptionRecord, membership: MembershipRecord, viewer: Principal) {
  const index = store.products.get(subscription.productSlug)!;
  return {
    ...membershipWire(subscription, membership),
    plan: planInDbWire(index, index.plans.get(subscription.planSlug)!),
    customer: memberCustomer(store, subscription, membership.customerId, viewer),
  };
}

function memberCustomer(store: Store, subscription: SubscriptionRecord, customerId: string, viewer: Principal) {
  // Every member is a customer record, and records stay after a deletion.
  const customer = store.customers.get(customerId)!;
  const details = { id: customerId, name: customer.name, email: customer.email };
  if (viewer.kind === 'customer') {
    const isAdministrator = subscription.members.get(viewer.customerId)?.isAdministrator === true;
    return memberDetails(details, { isSelf: viewer.customerId === customerId, isAdministrator });
  }
  return { ...details, alternative_id: customer.alternativeId };
}

/** Customer: CustomerInDbBase plus its subscriptions (its own memberships only). */
export function customerWithSubscriptionsWire(store: Store, customer: CustomerRecord, viewer: Principal) {
  return {
    ...customerWire(store, customer),
    subscriptions: store.subscriptionsOf(customer.id).map((subscription) =>
      subscriptionCustomerWire(store, subscription, subscription.members.get(customer.id)!, viewer),
    ),
  };
}

/** The subscription's product index with its current plan and the plan it renews to. */
function plansOf(store: Store, subscription: SubscriptionRecord) {
  const index = store.products.get(subscription.productSlug)!;
  return { index, plan: index.plans.get(subscription.planSlug)!, renewPlan: index.plans.get(subscription.renewPlanSlug)! };
}

/** SubscriptionWithPlan, plus (extra) product_slug and metadata_. */
export function subscriptionWire(store: Store, subscription: SubscriptionRecord) {
  const { index, plan, renewPlan } = plansOf(store, subscription);
  return {
    id: subscription.id,
    auto_renew: subscription.autoRenew,
    is_active: subscription.isActive,
    plan_id: index.planIds.get(plan.slug)!,
    renew_plan_id: index.planIds.get(renewPlan.slug)!,
    renew_at: iso(subscription.renewAt),
    last_renewed_at: iso(subscription.lastRenewedAt),
    max_subscribers: subscription.maxSubscribers,
    start_at: iso(subscription.startAt),
    alternative_id: null,
    plan: idNameSlugWire(index, plan),
    renew_plan: idNameSlugWire(index, renewPlan),
    product_slug: subscription.productSlug,
    metadata_: subscription.metadata,
  };
}

/**
 * CustomerSubscriptionWithPlan (as seen by one customer of the subscription), plus (extra)
 * product_slug, start_at and subscribers (the current subscriber count).
 */
export function customerSubscriptionWire(store: Store, subscription: SubscriptionRecord, customerId: string) {
  const { index, plan, renewPlan } = plansOf(store, subscription);
  // A customer that is not (or no longer) a member reads as a plain non-member.
  const membership = subscription.members.get(customerId) ?? { customerId, isAdministrator: false, isSubscriber: false, metadata: {} };
  return {
    ...membershipWire(subscription, membership),
    max_subscribers: subscription.maxSubscribers,
    auto_renew: subscription.autoRenew,
    is_active: subscription.isActive,
    renew_at: iso(subscription.renewAt),
    last_renewed_at: iso(subscription.lastRenewedAt),
    plan: idNameSlugWire(index, plan),
    renew_plan: idNameSlugWire(index, renewPlan),
    product_slug: subscription.productSlug,
    start_at: iso(subscription.startAt),
    subscribers: store.subscriberCount(subscription),
  };
}

export function meteringRecordWire(record: UsageRecordResult) {
  return {
    id: record.id,
    usage: record.usage,
    metering_id: record.meteringId,
    customer_id: record.customerId,
    product_id: record.productId,
    is_allocated: true,
    subscription_id: record.subscriptionId,
    bucket: record.bucket,
  };
}
