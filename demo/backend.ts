// The demo host backend: the part of a customer's own app that holds the Planship client
// credentials. It finds or creates the Planship customer for the signed-in user and mints a
// short-lived customer-scoped token for the page. This is the pattern to copy.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoBackendOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  productSlug: string;
  port?: number;
}

/** The demo's "users": in a real app these come from your session, never from the query. */
export const DEMO_USERS = [
  { id: 'ada@example.com', name: 'Ada Lovelace' },
  { id: 'grace@example.com', name: 'Grace Hopper' },
  { id: 'linus@example.com', name: 'Linus Torvalds' },
  { id: 'margaret@example.com', name: 'Margaret Hamilton' },
  { id: 'newcomer@example.com', name: 'New Customer' },
];

export async function startDemoBackend(options: DemoBackendOptions) {
  const basic = 'Basic ' + Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');

  async function planship(method: string, path: string, body?: unknown) {
    const response = await fetch(options.apiUrl + path, {
      method,
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    return { status: response.status, body: answer as any };
  }

  /** Finds the Planship customer by our own user id (alternative_id) or creates it on first visit. */
  async function ensureCustomer(userId: string): Promise<string> {
    const found = await planship('GET', `/api/v1/customers/${encodeURIComponent(userId)}`);
    if (found.status === 200) return found.body.id;
    const user = DEMO_USERS.find((candidate) => candidate.id === userId);
    const created = await planship('POST', '/api/v1/customers', {
      alternative_id: userId,
      email: userId,
      name: user?.name ?? userId,
    });
    if (created.status !== 200) throw new Error(`could not create the customer (${created.status})`);
    return created.body.id;
  }

  function signedInUser(request: IncomingMessage, url: URL): string | undefined {
    // A real app reads its session here. The demo lets the page pick one of its demo users.
    void request;
    const user = url.searchParams.get('user') ?? DEMO_USERS[0].id;
    return DEMO_USERS.some((candidate) => candidate.id === user) ? user : undefined;
  }

  async function readJson(request: IncomingMessage): Promise<any> {
    let text = '';
    for await (const chunk of request) text += chunk;
    return text ? JSON.parse(text) : {};
  }

  function send(response: ServerResponse, status: number, body: unknown) {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const user = signedInUser(request, url);
    if (url.pathname === '/api/demo/users' && request.method === 'GET') {
      return send(response, 200, DEMO_USERS);
    }
    if (!user) return send(response, 401, { detail: 'Not signed in' });
    if (url.pathname === '/api/planship/token' && request.method === 'GET') {
      const customerId = await ensureCustomer(user);
      const minted = await planship('POST', '/api/v1/auth/customer-token', { customer_id: customerId, expires_in: 900 });
      if (minted.status !== 200) return send(response, 502, { detail: 'Could not mint a token' });
      return send(response, 200, { access_token: minted.body.access_token, expires_in: minted.body.expires_in });
    }
    if (url.pathname === '/api/demo/usage' && request.method === 'POST') {
      // Usage is reported by the backend, where the metering happens, never by the page.
      const { metering_id: meteringId = 'api-calls', usage = 100 } = await readJson(request);
      const customerId = await ensureCustomer(user);
      const reported = await planship(
        'POST',
        `/api/v1/customers/${customerId}/products/${options.productSlug}/usage/${encodeURIComponent(meteringId)}`,
        { usage },
      );
      return send(response, reported.status, reported.body);
    }
    if (url.pathname === '/api/demo/checkout' && request.method === 'POST') {
      // The host-checkout example: the host takes payment, then changes the plan from its backend.
      const { subscription_id: subscriptionId, plan_slug: planSlug } = await readJson(request);
      const customerId = await ensureCustomer(user);
      const path = subscriptionId
        ? `/api/v1/customers/${customerId}/subscriptions/${encodeURIComponent(subscriptionId)}`
        : `/api/v1/products/${options.productSlug}/plans/${encodeURIComponent(planSlug)}/subscriptions`;
      const changed = subscriptionId
        ? await planship('PATCH', path, { plan_slug: planSlug })
        : await planship('POST', path, { customer_id: customerId });
      return send(response, changed.status, changed.body);
    }
    send(response, 404, { detail: 'Not Found' });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500, { detail: 'Demo backend error' }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
