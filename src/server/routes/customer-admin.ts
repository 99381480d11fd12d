// Customer management for the host's backend (Polar's Customers API over Planship's customers):
// list, CSV export, update, state, and get / update / delete / state by external id
// (= alternative_id). Product credentials only: reads and export need customers:read (or
// :write), writes customers:write; a customer token gets 403.
// Registered before customers.ts, literal paths first, so `/customers/export` and
// `/customers/external/...` win over `/customers/{c}` (an alternative_id "export" or "external"
// is still reachable by uuid).
import { requireProduct } from '../auth.ts';
import { readAlternativeIdChange, readCustomerFields } from '../customer-fields.ts';
import { parseCustomerQuery, queryCustomers } from '../customer-query.ts';
import { customerStateWire } from '../customer-state.ts';
import { customerExportChunks } from '../csv.ts';
import { found } from '../errors.ts';
import type { Route } from '../http.ts';
import { customerWire } from '../serialize.ts';
import type { CustomerRecord, Store } from '../store.ts';
import { BodyFields } from '../validate.ts';
import type { Services } from './common.ts';
import { deleteCustomerReply } from './customers.ts';

const EXTERNAL = '/api/v1/customers/external/:external';

const live = (customer: CustomerRecord | undefined): CustomerRecord => found(customer, 'Customer not found');

/** PATCH: only the fields sent change; every problem comes back in one 422. */
function updateReply(store: Store, customer: CustomerRecord, body: unknown) {
  const fields = new BodyFields(body, ['body'], { optionalBody: true });
  const patch = readCustomerFields(fields, store, customer);
  const alternativeId = readAlternativeIdChange(fields, store, customer);
  fields.done();
  if (alternativeId !== undefined) patch.alternativeId = alternativeId;
  return { body: customerWire(store, store.updateCustomer(customer, patch)) };
}

export function customerAdminRoutes({ store, clock }: Services): Route[] {
  const byId = (reference: string) => live(store.findCustomer(reference));
  const byExternalId = (external: string) => live(store.customers.findByAlternativeId(external));
  return [
    {
      method: 'GET',
      path: '/api/v1/customers',
      auth: true,
      handler({ principal, query }) {
        requireProduct(principal, 'customers:read');
        const page = queryCustomers(store, parseCustomerQuery(query));
        return {
          body: {
            items: page.items.map((customer) => customerWire(store, customer)),
            pagination: { total_count: page.totalCount, max_page: page.maxPage },
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/customers/export',
      auth: true,
      handler({ principal }) {
        requireProduct(principal, 'customers:read');
        return {
          body: undefined,
          stream: {
            contentType: 'text/csv; charset=utf-8',
            headers: { 'content-disposition': 'attachment; filename="planship-customers.csv"' },
            chunks: customerExportChunks(store),
          },
        };
      },
    },
    {
      method: 'GET',
      path: EXTERNAL,
      auth: true,
      handler({ principal, params }) {
        requireProduct(principal, 'customers:read');
        return { body: customerWire(store, byExternalId(params.external)) };
      },
    },
    {
      method: 'PATCH',
      path: EXTERNAL,
      auth: true,
      handler({ principal, params, body }) {
        requireProduct(principal, 'customers:write');
        return updateReply(store, byExternalId(params.external), body);
      },
    },
    {
      method: 'DELETE',
      path: EXTERNAL,
      auth: true,
      handler({ principal, params, query }) {
        requireProduct(principal, 'customers:write');
        // A released external id names nobody: deleting it again is a 404, anonymize or not.
        return deleteCustomerReply(store, query, byExternalId(params.external));
      },
    },
    {
      method: 'GET',
      path: `${EXTERNAL}/state`,
      auth: true,
      handler({ principal, params }) {
        requireProduct(principal, 'customers:read');
        return { body: customerStateWire(store, byExternalId(params.external), clock.now()) };
      },
    },
    {
      method: 'PATCH',
      path: '/api/v1/customers/:customer',
      auth: true,
      handler({ principal, params, body }) {
        requireProduct(principal, 'customers:write');
        return updateReply(store, byId(params.customer), body);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/customers/:customer/state',
      auth: true,
      handler({ principal, params }) {
        requireProduct(principal, 'customers:read');
        return { body: customerStateWire(store, byId(params.customer), clock.now()) };
      },
    },
  ];
}
