// POST /api/v1/auth/token (client credentials -> product token) and
// POST /api/v1/auth/customer-token (product credentials -> customer-scoped token).
import { requireProduct } from '../auth.ts';
import { badRequest, found, HttpError } from '../errors.ts';
import type { Route } from '../http.ts';
import { BodyFields } from '../validate.ts';
import type { Services } from './common.ts';

const MAX_CUSTOMER_TOKEN_SECONDS = 86_400;

export function authRoutes({ store, auth, tokenTtlSeconds }: Services, options: { customerTokens: boolean }): Route[] {
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/api/v1/auth/token',
      auth: false,
      dataUnchanged: true,
      handler({ headers, body }) {
        // HTTP Basic (what Planship's SDKs send), or a standard client_credentials form/JSON body.
        let client = auth.clientFromBasic(headers.authorization);
        if (!client && body && typeof body === 'object') {
          const form = body as Record<string, unknown>;
          if (form.grant_type !== undefined && form.grant_type !== 'client_credentials') {
            throw badRequest('unsupported_grant_type');
          }
          if (typeof form.client_id === 'string' && typeof form.client_secret === 'string') {
            client = auth.clientFromCredentials(form.client_id, form.client_secret);
          }
        }
        if (!client) throw new HttpError(401, 'Invalid client credentials', { 'www-authenticate': 'Basic' });
        return { body: auth.issueProductToken(client) };
      },
    },
  ];
  if (!options.customerTokens) return routes;
  routes.push(
    {
      method: 'POST',
      path: '/api/v1/auth/customer-token',
      auth: true,
      credentialAnswer: true,
      dataUnchanged: true,
      handler({ principal, body }) {
        requireProduct(principal, 'customers:write');
        const fields = new BodyFields(body);
        const customerId = fields.string('customer_id', { required: true });
        const expiresIn = fields.integer('expires_in', { min: 1, max: MAX_CUSTOMER_TOKEN_SECONDS, nullable: true });
        fields.done();
        const customer = found(store.findCustomer(customerId!), 'Customer not found');
        const issued = auth.issueCustomerToken(customer.id, expiresIn ?? tokenTtlSeconds);
        return { body: { ...issued, customer_id: customer.id } };
      },
    },
  );
  return routes;
}
