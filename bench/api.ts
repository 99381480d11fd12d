// The bench acts as the host's backend: product credentials from the demo catalog, used only in
// Node. Fresh customers per measurement so runs never share state.
import { backendCall } from '../test/fixtures/backend-call.ts';
import { fromRoot } from './root.ts';

export const PRODUCT = 'acme-analytics';
export const DEMO_CATALOG = fromRoot('demo/catalog.json');
export type { ApiAnswer } from '../test/fixtures/backend-call.ts';

let unique = 0;

export function backendFor(apiUrl: string) {
  const call = <T = any>(method: string, path: string, body?: unknown) => backendCall<T>(apiUrl, method, path, body);

  async function expectOk<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await call<T>(method, path, body);
    if (answer.status !== 200) throw new Error(`${method} ${path} answered ${answer.status}`);
    return answer.body;
  }

  return {
    call,
    async productToken(): Promise<string> {
      return (await expectOk<{ access_token: string }>('POST', '/api/v1/auth/token')).access_token;
    },
    async customerToken(customerId: string, expiresIn = 3600): Promise<string> {
      const body = { customer_id: customerId, expires_in: expiresIn };
      return (await expectOk<{ access_token: string }>('POST', '/api/v1/auth/customer-token', body)).access_token;
    },
    /** A fresh customer subscribed to `plan` of the demo product; returns its uuid. */
    async createCustomer(plan = 'business'): Promise<string> {
      const tag = `bench-${process.pid}-${Date.now().toString(36)}-${(unique++).toString(36)}`;
      const created = await expectOk<{ id: string }>('POST', '/api/v1/customers', {
        name: `Bench ${tag}`,
        email: `${tag}@example.com`,
        alternative_id: tag,
      });
      await expectOk('POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { customer_id: created.id });
      return created.id;
    },
    reportUsage(customerId: string, meteringId: string, usage: number) {
      return expectOk('POST', `/api/v1/customers/${customerId}/products/${PRODUCT}/usage/${meteringId}`, { usage });
    },
  };
}

export type Backend = ReturnType<typeof backendFor>;
