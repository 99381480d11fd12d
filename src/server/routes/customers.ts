// Customers: create, get (by uuid or alternative_id), delete (soft; see Store.deleteCustomer).
// Management beyond the seed (list, export, update, state, by external id) is in customer-admin.ts.
import { customerFor } from '../access.ts';
import { requireProduct } from '../auth.ts';
import { readCustomerFields } from '../customer-fields.ts';
import { notFound } from '../errors.ts';
import type { Route } from '../http.ts';
import { customerWire, customerWithSubscriptionsWire, deletedCustomerWire } from '../serialize.ts';
import type { CustomerRecord, Store } from '../store.ts';
import { BodyFields, queryBoolean } from '../validate.ts';
import type { Services } from './common.ts';

/**
 * DELETE by id or external id, `?anonymize=true|false`. Deleting a deleted customer is a 404,
 * except `anonymize=true` by uuid: that scrubs a customer deleted earlier (idempotent).
 * `reference` names such a customer; there is none for a released external id.
 */
export function deleteCustomerReply(store: Store, query: URLSearchParams, live: CustomerRecord | undefined, reference?: string) {
  const anonymize = queryBoolean(query, 'anonymize', false);
  if (live) return { body: deletedCustomerWire(store, store.deleteCustomer(live, { anonymize })) };
  const deleted = anonymize && reference !== undefined ? store.customers.findDeleted(reference) : undefined;
  if (!deleted) throw notFound('Customer not found');
  return { body: deletedCustomerWire(store, store.anonymizeDeletedCustomer(deleted)) };
}

export function customerRoutes({ store }: Services): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/customers',
      auth: true,
      handler({ principal, body }) {
        requireProduct(principal, 'customers:write');
        const fields = new BodyFields(body, ['body'], { optionalBody: true });
        const alternativeId = fields.string('alternative_id', { nullable: true, maxLength: 256 });
        const { name, email, metadata } = readCustomerFields(fields, store);
        if (alternativeId === '') fields.fail('alternative_id', 'String should have at least 1 character', 'string_too_short');
        fields.done();
        const customer = store.createCustomer({
          alternativeId: alternativeId ?? null,
          name: name ?? '',
          email: email ?? '',
          metadata: metadata ?? {},
        });
        return { body: customerWithSubscriptionsWire(store, customer, principal) };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/customers/:customer',
      auth: true,
      handler: ({ principal, params }) => ({
        body: customerWire(store, customerFor(store, principal, params.customer, 'customers:read')),
      }),
    },
    {
      method: 'DELETE',
      path: '/api/v1/customers/:customer',
      auth: true,
      handler({ principal, params, query }) {
        requireProduct(principal, 'customers:write');
        return deleteCustomerReply(store, query, store.findCustomer(params.customer), params.customer);
      },
    },
  ];
}
