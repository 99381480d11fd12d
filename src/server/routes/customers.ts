// Customers: create, get (by uuid or alternative_id), delete (soft; see Store.deleteCustomer).
import { requireProduct } from '../auth.ts';
import type { Route } from '../http.ts';
import { customerWire, customerWithSubscriptionsWire } from '../serialize.ts';
import { BodyFields } from '../validate.ts';
import { customerFor, type Services } from './common.ts';

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
        const name = fields.string('name', { nullable: true, maxLength: 256 });
        const email = fields.string('email', { nullable: true, maxLength: 320 });
        const metadata = fields.object('metadata', { nullable: true });
        if (alternativeId === '') fields.fail('alternative_id', 'String should have at least 1 character', 'string_too_short');
        fields.done();
        const customer = store.createCustomer({
          alternativeId: alternativeId ?? null,
          name: name ?? '',
          email: email ?? '',
          metadata: metadata ?? {},
        });
        return { body: customerWithSubscriptionsWire(store, customer) };
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
      handler({ principal, params }) {
        requireProduct(principal, 'customers:write');
        const customer = customerFor(store, principal, params.customer, 'customers:write');
        return { body: customerWire(store, store.deleteCustomer(customer)) };
      },
    },
  ];
}
