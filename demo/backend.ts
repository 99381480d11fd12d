// The demo host backend: the part of a customer's own app that holds the Planship client
// credentials. On each page load it finds the Planship customer by the app's own user id (the
// external id), creates it on the first visit, and mints a short-lived token scoped to that one
// customer for the page. This is the pattern to copy.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlanshipAdmin, PlanshipApiError, PlanshipCustomer } from '../src/client/admin.ts';

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

/** How long a page's token lives; the page's token getter asks again when it runs out. */
const PAGE_TOKEN_SECONDS = 900;

export async function startDemoBackend(options: DemoBackendOptions) {
  const credentials = { clientId: options.clientId, clientSecret: options.clientSecret };
  const planship = new PlanshipAdmin(options.productSlug, credentials, { baseUrl: options.apiUrl });
  /** Backend-side clients of single customers (usage, plan changes), one per customer. */
  const customerClients = new Map<string, PlanshipCustomer>();

  function customerClient(customerId: string): PlanshipCustomer {
    let client = customerClients.get(customerId);
    if (!client) {
      client = new PlanshipCustomer(options.productSlug, customerId, credentials, { baseUrl: options.apiUrl });
      customerClients.set(customerId, client);
    }
    return client;
  }

  /** The Planship customer of our user: found by our own user id, created on the first visit. */
  async function ensureCustomer(userId: string): Promise<string> {
    try {
      return (await planship.getCustomerByExternalId(userId)).id;
    } catch (error) {
      if (!(error instanceof PlanshipApiError && error.kind === 'not_found')) throw error;
    }
    const user = DEMO_USERS.find((candidate) => candidate.id === userId);
    try {
      const created = await planship.createCustomer({ alternativeId: userId, email: userId, name: user?.name ?? userId });
      return created.id;
    } catch (error) {
      // Two first requests at once: the other one created it (409), so it can be found now.
      if (error instanceof PlanshipApiError && (error.kind === 'conflict' || error.kind === 'validation')) {
        return (await planship.getCustomerByExternalId(userId)).id;
      }
      throw error;
    }
  }

  /** Customer ids may be external ids, so a returning user costs one call; a new one is created first. */
  async function mintPageToken(userId: string) {
    try {
      return await planship.createCustomerToken(userId, { expiresIn: PAGE_TOKEN_SECONDS });
    } catch (error) {
      if (!(error instanceof PlanshipApiError && error.kind === 'not_found')) throw error;
    }
    return planship.createCustomerToken(await ensureCustomer(userId), { expiresIn: PAGE_TOKEN_SECONDS });
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
      const token = await mintPageToken(user);
      return send(response, 200, { access_token: token.accessToken, expires_in: token.expiresIn });
    }
    if (url.pathname === '/api/demo/usage' && request.method === 'POST') {
      // Usage is reported by the backend, where the metering happens, never by the page.
      const { metering_id: meteringId = 'api-calls', usage = 100 } = await readJson(request);
      const customer = customerClient(await ensureCustomer(user));
      return send(response, 200, await customer.reportUsage(meteringId, usage));
    }
    if (url.pathname === '/api/demo/checkout' && request.method === 'POST') {
      // The host-checkout example: the host takes payment, then changes the plan from its backend.
      const { subscription_id: subscriptionId, plan_slug: planSlug } = await readJson(request);
      const customer = customerClient(await ensureCustomer(user));
      // The page chose the plan, so check it is one the host sells on its own checkout.
      const plan = await customer.getPlan(String(planSlug));
      if (!plan.isPublic || !plan.isSelfServe) return send(response, 403, { detail: 'That plan is not sold through checkout' });
      const changed = subscriptionId
        ? await customer.changeSubscriptionPlan(subscriptionId, planSlug)
        : await customer.createSubscription(planSlug);
      return send(response, 200, changed);
    }
    send(response, 404, { detail: 'Not Found' });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // API errors keep their status and detail (never a token: the client's errors carry none).
      if (error instanceof PlanshipApiError && error.status) return send(response, error.status, { detail: error.detail ?? error.message });
      send(response, error instanceof SyntaxError ? 400 : 500, { detail: 'Demo backend error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
