// The demo host backend: the part of a customer's own app that holds the Planship client
// credentials. It signs users in (a signed session cookie), mounts the portal gateway at
// /planship so the page talks only to this origin with no token at all, and does what only a
// backend may: report usage, and take payment for changes that cost more (the gateway's `prices`
// and `checkout`; the demo's own payment page stands in for Stripe's) before making them. This is
// the production pattern on hosted Planship; copy it (examples/gateway/stripe-checkout.ts has the
// same with Stripe).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlanshipApiError, PlanshipCustomer } from '../src/client/index.ts';
import { createPlanshipGateway, type GatewayPrices, type PlanChange } from '../src/gateway/index.ts';

export interface DemoBackendOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  productSlug: string;
  port?: number;
  /** The demo page, where invitation links lead. */
  pageUrl?: string;
}

/** The demo's "users": in a real app these come from your user database. */
export const DEMO_USERS = [
  { id: 'ada@example.com', name: 'Ada Lovelace' },
  { id: 'grace@example.com', name: 'Grace Hopper' },
  { id: 'linus@example.com', name: 'Linus Torvalds' },
  { id: 'margaret@example.com', name: 'Margaret Hamilton' },
  { id: 'newcomer@example.com', name: 'New Customer' },
];

const SESSION_COOKIE = 'demo_session';

/** Monthly and yearly prices (two months free yearly): the picker shows a Monthly/Yearly switch. */
export const DEMO_PRICES: GatewayPrices = Object.fromEntries(
  Object.entries({ free: 0, starter: 19, pro: 49, business: 199 }).map(([plan, monthly]) => [
    plan,
    [
      { amount: monthly, currency: 'USD', interval: 'month' },
      { amount: monthly * 10, currency: 'USD', interval: 'year' },
    ],
  ]),
);

/** A session cookie that names a user and cannot be forged without the backend's key. */
function sessions() {
  const key = randomBytes(32);
  const sign = (value: string) => createHmac('sha256', key).update(value).digest('base64url');
  return {
    issue: (userId: string) => `${Buffer.from(userId).toString('base64url')}.${sign(userId)}`,
    /** The signed-in user's id, or undefined. */
    read(cookieHeader: string | null | undefined): string | undefined {
      const cookie = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookieHeader ?? '')?.[1];
      const [encoded, signature] = cookie?.split('.') ?? [];
      if (!encoded || !signature) return undefined;
      const userId = Buffer.from(encoded, 'base64url').toString();
      const expected = Buffer.from(sign(userId));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given) ? userId : undefined;
    },
  };
}

/** A demo user as the gateway wants it (the demo's user ids are their emails), or null. */
function demoUser(id: string | undefined) {
  const user = DEMO_USERS.find((candidate) => candidate.id === id);
  return user ? { id: user.id, email: user.id, name: user.name } : null;
}

export async function startDemoBackend(options: DemoBackendOptions) {
  const credentials = { clientId: options.clientId, clientSecret: options.clientSecret };
  const session = sessions();
  const pageUrl = options.pageUrl ?? 'http://127.0.0.1:5173/';
  /** Checkouts opened and not paid yet, by id: who, and the change they are paying for. */
  const checkouts = new Map<string, { userId: string; change: PlanChange }>();
  /** The demo's "sent mail": invitations waiting in the invitees' inboxes. */
  const outbox: { to: string; url: string; from: string; plan: string }[] = [];
  const gateway = createPlanshipGateway({
    productSlug: options.productSlug,
    ...credentials,
    baseUrl: options.apiUrl,
    basePath: '/planship',
    // Who is signed in, from the host's own session: never from anything else the page sends.
    identify: (request) => demoUser(session.read(request.headers.get('cookie'))),
    // Hosted Planship's plan list does not say which plans customers may buy on their own, nor
    // how many seats each allows: name them (else no plan can be chosen, and seats cannot be raised).
    selfServePlans: ['free', 'starter', 'pro', 'business'],
    seatLimits: { free: 1, starter: 3, pro: 10, business: 50 },
    // Invitations by email (the members list's invite form): an offer the invitee accepts in their
    // own portal. A real app mails `url` with its email service; the demo keeps an outbox.
    invitations: {
      acceptUrl: pageUrl,
      send: (mail) => {
        outbox.unshift({ to: mail.to, url: mail.url, from: mail.inviter.name ?? mail.inviter.id, plan: mail.planName });
        outbox.splice(100);
      },
    },
    // What plans cost (the picker shows it with no script) and where a change that costs more is
    // paid for: the demo's payment page. The change is made once it is paid.
    prices: DEMO_PRICES,
    checkout: (change, user) => {
      const id = randomBytes(12).toString('base64url');
      checkouts.set(id, { userId: user.id, change });
      return { url: new URL(`api/demo/pay/${id}`, pageUrl).href };
    },
    billingPortal: () => new URL('api/demo/billing', pageUrl).href,
  });
  /** Backend-side clients of single customers (usage, plan changes after checkout), one per customer. */
  const customerClients = new Map<string, PlanshipCustomer>();
  const customerClient = (userId: string) => {
    let client = customerClients.get(userId);
    if (!client) customerClients.set(userId, (client = new PlanshipCustomer(options.productSlug, userId, credentials, { baseUrl: options.apiUrl })));
    return client;
  };

  async function readJson(request: IncomingMessage): Promise<any> {
    const text = await readText(request);
    return text ? JSON.parse(text) : {};
  }

  /** After payment: the change, made with the product credentials (a Stripe webhook does this in production). */
  async function applyPaidChange(userId: string, change: PlanChange) {
    const customer = customerClient(userId);
    if (change.subscriptionId) {
      const when = change.at === 'now' ? { planSlug: change.toPlan } : { renewPlanSlug: change.toPlan };
      await customer.modifySubscription(change.subscriptionId, { ...when, ...(change.seats !== undefined && { maxSubscribers: change.seats }), isActive: true, autoRenew: true });
    } else {
      await customer.createSubscription(change.toPlan, { maxSubscribers: change.seats });
    }
  }

  async function readText(request: IncomingMessage): Promise<string> {
    let text = '';
    for await (const chunk of request) {
      text += chunk;
      if (text.length > 10_000) throw new SyntaxError('body too large');
    }
    return text;
  }

  function page(response: ServerResponse, body: string) {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Analytics (demo)</title><link rel="stylesheet" href="/demo/demo.css"></head><body><main>${body}</main></body></html>`);
  }

  function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/demo/users' && request.method === 'GET') return send(response, 200, DEMO_USERS);
    if (url.pathname === '/api/demo/login' && request.method === 'POST') {
      // The demo's sign-in: pick a demo user. A real app checks a password or an identity provider here.
      const { user } = await readJson(request);
      if (!DEMO_USERS.some((candidate) => candidate.id === user)) return send(response, 404, { detail: 'No such demo user' });
      return send(response, 200, { user }, { 'set-cookie': `${SESSION_COOKIE}=${session.issue(user)}; Path=/; HttpOnly; SameSite=Lax` });
    }
    const userId = session.read(request.headers.cookie);
    if (!userId) return send(response, 401, { detail: 'Not signed in' });
    if (url.pathname === '/api/demo/inbox' && request.method === 'GET') {
      // The signed-in demo user's mail (their id is their address).
      return send(response, 200, outbox.filter((mail) => mail.to.toLowerCase() === userId));
    }
    if (url.pathname === '/api/demo/usage' && request.method === 'POST') {
      // Usage is reported by the backend, where the metering happens, never by the page.
      const { metering_id: meteringId = 'api-calls', usage = 100 } = await readJson(request);
      return send(response, 200, await customerClient(userId).reportUsage(String(meteringId), Number(usage)));
    }
    const paying = /^\/api\/demo\/pay\/([\w-]+)$/.exec(url.pathname);
    const checkout = paying && checkouts.get(paying[1]);
    if (checkout && checkout.userId === userId && request.method === 'GET') {
      // The demo's payment page (a real app sends the customer to Stripe Checkout).
      const { toPlan, at } = checkout.change;
      return page(response, `<h1>Demo payment page</h1><p>Pay for <strong>${toPlan}</strong>${at === 'renewal' ? ' from your next renewal' : ''}. No card needed: this is a demo.</p>
        <form method="post"><button name="pay" value="yes">Pay</button> <button name="pay" value="no">Cancel</button></form>`);
    }
    if (checkout && checkout.userId === userId && request.method === 'POST') {
      checkouts.delete(paying[1]);
      const paid = new URLSearchParams(await readText(request)).get('pay') === 'yes';
      if (paid) await applyPaidChange(userId, checkout.change);
      const back = new URL(pageUrl);
      if (paid) back.searchParams.set('planship-pending', checkout.change.toPlan);
      response.writeHead(303, { location: back.href }).end();
      return;
    }
    if (url.pathname === '/api/demo/billing' && request.method === 'GET') {
      return page(response, `<h1>Demo billing portal</h1><p>Payment method: Visa ending 4242. Invoices: none yet (Planship has no invoices: your billing provider keeps them).</p><p><a href="${pageUrl}">Back to your account</a></p>`);
    }
    send(response, 404, { detail: 'Not Found' });
  }

  const server = createServer((request, response) => {
    // The portal gateway answers everything under /planship; the rest is the demo app.
    gateway.nodeHandler(request, response, () =>
      handle(request, response).catch((error: unknown) => {
        // API errors keep their status and detail (never a token: the client's errors carry none).
        if (error instanceof PlanshipApiError && error.status) return send(response, error.status, { detail: error.detail ?? error.message });
        send(response, error instanceof SyntaxError ? 400 : 500, { detail: 'Demo backend error' });
      }),
    );
  });
  server.on('upgrade', (request, socket, head) => {
    if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
