// Subscriptions: create for a plan, list / get / partially update a customer's subscriptions,
// and the customers of a subscription (list / add / remove). What a customer token may do here
// (plans, fields, administrators) was checked by the customer policy before a handler runs.
import { customerFor, productOr404, subscriptionFor } from '../access.ts';
import { found, notFound } from '../errors.ts';
import type { Route } from '../http.ts';
import { customerSubscriptionWire, membershipWire, subscriptionCustomerWire, subscriptionWire } from '../serialize.ts';
import type { SubscriptionPatch } from '../store.ts';
import { BodyFields } from '../validate.ts';
import { isOwnCustomer } from '../../policy/index.ts';
import { callerOf } from '../customer-gate.ts';
import type { Services } from './common.ts';

const SUBSCRIPTION = '/api/v1/customers/:customer/subscriptions/:subscription';
/** Seats per subscription, for every caller: a team portal has no use for more. */
const MAX_SUBSCRIBERS = { min: 1, max: 1000 };

export function subscriptionRoutes({ store, extended }: Services): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/products/:product/plans/:plan/subscriptions',
      auth: true,
      handler({ principal, params, body }) {
        const index = productOr404(store, params.product);
        const fields = new BodyFields(body);
        const customerReference = fields.string('customer_id', { required: true });
        const isSubscriber = fields.boolean('is_subscriber', { nullable: true });
        const maxSubscribers = fields.integer('max_subscribers', { ...MAX_SUBSCRIBERS, nullable: true });
        const renewAt = fields.datetime('renew_at', { nullable: true });
        const metadata = fields.metadata();
        const autoRenew = fields.boolean('auto_renew', { nullable: true });
        fields.done();
        const customer = customerFor(store, principal, customerReference!, 'subscriptions:write');
        const plan = found(index.plans.get(params.plan), 'Plan not found');
        const subscription = store.createSubscription({
          productSlug: index.product.slug,
          planSlug: plan.slug,
          customerId: customer.id,
          isSubscriber: isSubscriber ?? true,
          maxSubscribers: maxSubscribers ?? null,
          autoRenew: autoRenew ?? null,
          renewAt: renewAt ?? null,
          metadata: metadata ?? {},
        });
        return { body: subscriptionWire(store, subscription) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/customers/:customer/subscriptions',
      auth: true,
      handler({ principal, params, query }) {
        const customer = customerFor(store, principal, params.customer, 'subscriptions:read');
        const productSlug = query.get('product_slug') ?? undefined;
        return {
          body: store.subscriptionsOf(customer.id, productSlug).map((subscription) => customerSubscriptionWire(store, subscription, customer.id)),
        };
      },
    },
    {
      method: 'GET',
      path: SUBSCRIPTION,
      auth: true,
      handler({ principal, params }) {
        const customer = customerFor(store, principal, params.customer, 'subscriptions:read');
        return { body: customerSubscriptionWire(store, subscriptionFor(store, customer, params.subscription), customer.id) };
      },
    },
    {
      method: 'PATCH',
      path: SUBSCRIPTION,
      auth: true,
      handler({ principal, params, body }) {
        const customer = customerFor(store, principal, params.customer, 'subscriptions:write');
        const subscription = subscriptionFor(store, customer, params.subscription);
        const index = store.products.get(subscription.productSlug)!;
        const fields = new BodyFields(body);
        const planFromId = (key: string) => {
          const id = fields.string(key, { nullable: true });
          if (typeof id !== 'string') return id;
          const slug = index.planSlugById.get(id.toLowerCase());
          if (!slug) fields.fail(key, `No plan with id "${id}" in product "${index.product.slug}"`, 'value_error');
          return slug;
        };
        const planSlugFrom = (key: string, nullable: boolean) => {
          const slug = fields.string(key, { nullable });
          if (typeof slug === 'string' && !index.plans.has(slug)) {
            fields.fail(key, `No plan "${slug}" in product "${index.product.slug}"`, 'value_error');
            return undefined;
          }
          return slug;
        };
        const planSlug = planSlugFrom('plan_slug', false) ?? planFromId('plan_id') ?? undefined;
        const renewPlanSlug = fields.has('renew_plan_slug') ? planSlugFrom('renew_plan_slug', true) : planFromId('renew_plan_id');
        const patch: SubscriptionPatch = {
          planSlug: planSlug ?? undefined,
          renewPlanSlug,
          maxSubscribers: fields.integer('max_subscribers', MAX_SUBSCRIBERS) ?? undefined,
          isActive: fields.boolean('is_active') ?? undefined,
          autoRenew: fields.boolean('auto_renew') ?? undefined,
          renewAt: fields.datetime('renew_at') ?? undefined,
        };
        // Ours only (hosted Planship's PATCH has no metadata): kept on the customer's own link to
        // the subscription, its `metadata_` (a cancellation's reason and comment, for one).
        const metadata = extended ? fields.metadata() : undefined;
        fields.done();
        store.updateSubscription(subscription, patch);
        if (metadata) store.addMembershipMetadata(subscription, customer.id, metadata);
        return { body: customerSubscriptionWire(store, subscription, customer.id) };
      },
    },
    {
      method: 'GET',
      path: `${SUBSCRIPTION}/customers`,
      auth: true,
      handler({ principal, params }) {
        const customer = customerFor(store, principal, params.customer, 'subscriptions:read');
        const subscription = subscriptionFor(store, customer, params.subscription);
        return { body: [...subscription.members.values()].map((member) => subscriptionCustomerWire(store, subscription, member, principal)) };
      },
    },
    {
      method: 'POST',
      path: `${SUBSCRIPTION}/customers`,
      auth: true,
      handler({ principal, params, body }) {
        const customer = customerFor(store, principal, params.customer, 'subscriptions:write');
        const subscription = subscriptionFor(store, customer, params.subscription);
        const fields = new BodyFields(body);
        const reference = fields.string('customer_id', { required: true });
        const isAdministrator = fields.boolean('is_administrator', { nullable: true });
        const isSubscriber = fields.boolean('is_subscriber', { nullable: true });
        const metadata = fields.metadata();
        fields.done();
        const added = found(store.findCustomer(reference!), 'Customer to add not found');
        const membership = store.addSubscriptionCustomer(subscription, {
          customerId: added.id,
          isAdministrator: isAdministrator ?? false,
          isSubscriber: isSubscriber ?? true,
          metadata: metadata ?? {},
        });
        return { body: subscriptionCustomerWire(store, subscription, membership, principal) };
      },
    },
    {
      method: 'DELETE',
      path: `${SUBSCRIPTION}/customers/:member`,
      auth: true,
      handler({ principal, params }) {
        const customer = customerFor(store, principal, params.customer, 'subscriptions:write');
        const subscription = subscriptionFor(store, customer, params.subscription);
        // The very predicate the customer policy used to let a non-administrator through ("the
        // member is the caller"): an alternative id that happens to be someone else's uuid names the caller.
        const member = principal.kind === 'customer' && isOwnCustomer(params.member, callerOf(customer)) ? customer : store.findCustomer(params.member);
        const removed = member && store.removeSubscriptionCustomer(subscription, member.id);
        if (!removed) throw notFound('The customer is not on this subscription');
        return { body: membershipWire(subscription, removed) };
      },
    },
  ];
}
