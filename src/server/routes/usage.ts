// Entitlements and metered usage of a customer in a product.
// A report goes to the customer's active subscription with a lever of that metering id (see
// Store.usageTarget); with none, the answer is 409.
import { customerFor, productOr404 } from '../access.ts';
import { conflict, found, notFound } from '../errors.ts';
import { computeEntitlements, leverUsage } from '../entitlements.ts';
import type { Route } from '../http.ts';
import { meteringRecordWire } from '../serialize.ts';
import type { SubscriptionRecord } from '../store.ts';
import { MAX_USAGE_PER_REPORT } from '../usage.ts';
import { BodyFields } from '../validate.ts';
import type { Services } from './common.ts';

const BASE = '/api/v1/customers/:customer/products/:product';

export function usageRoutes({ store, clock }: Services): Route[] {
  return [
    {
      method: 'GET',
      path: `${BASE}/entitlements`,
      auth: true,
      handler({ principal, params }) {
        const customer = customerFor(store, principal, params.customer, 'entitlements:read');
        const index = productOr404(store, params.product);
        return { body: computeEntitlements(store, customer.id, index.product.slug, clock.now()) };
      },
    },
    {
      method: 'GET',
      path: `${BASE}/levers/:lever/usage`,
      auth: true,
      handler({ principal, params }) {
        const customer = customerFor(store, principal, params.customer, 'usage:read');
        const index = productOr404(store, params.product);
        const candidate = index.levers.get(params.lever);
        const lever = found(candidate?.type === 'metered' ? candidate : undefined, 'Metered lever not found');
        return { body: leverUsage(store, customer.id, index.product.slug, lever, clock.now()) };
      },
    },
    {
      method: 'GET',
      path: `${BASE}/usage/:metering`,
      auth: true,
      handler({ principal, params }) {
        const customer = customerFor(store, principal, params.customer, 'usage:read');
        const index = productOr404(store, params.product);
        const levers = found(index.leversByMeteringId.get(params.metering), 'Metering id not found');
        const now = clock.now();
        const body: Record<string, unknown> = {};
        for (const lever of levers) body[lever.slug] = leverUsage(store, customer.id, index.product.slug, lever, now);
        return { body };
      },
    },
    {
      method: 'POST',
      path: `${BASE}/usage/:metering`,
      auth: true,
      handler({ principal, params, body }) {
        const customer = customerFor(store, principal, params.customer, 'usage:write');
        const index = productOr404(store, params.product);
        const fields = new BodyFields(body);
        const usage = fields.integer('usage', { required: true, min: 0, max: MAX_USAGE_PER_REPORT });
        const bucket = fields.string('bucket', { nullable: true, maxLength: 256 });
        const subscriptionId = fields.string('subscription_id', { nullable: true });
        fields.done();
        if (!index.leversByMeteringId.has(params.metering)) throw notFound('Metering id not found');
        let subscription: SubscriptionRecord | undefined;
        if (typeof subscriptionId === 'string') {
          subscription = store.entitlingSubscriptions(customer.id, index.product.slug).find((candidate) => candidate.id === subscriptionId.toLowerCase());
          if (!subscription) {
            fields.fail('subscription_id', 'No active subscription of this customer and product with that id', 'value_error');
            fields.done();
          }
        } else {
          subscription = store.usageTarget(customer.id, index.product.slug, params.metering);
        }
        if (!subscription) {
          throw conflict(`The customer has no active subscription to "${index.product.slug}" with a lever metered by "${params.metering}"`);
        }
        const record = store.reportUsage({
          customerId: customer.id,
          productSlug: index.product.slug,
          meteringId: params.metering,
          usage: usage!,
          bucket: bucket ?? null,
          subscription,
        });
        return { body: meteringRecordWire(record) };
      },
    },
  ];
}
