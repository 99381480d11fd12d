// Recipe: paid plan changes with Stripe. Planship has no prices or payments; the gateway asks
// `checkout` about every change that costs more. Here that is a Stripe Checkout Session for the
// change (promotion codes allowed, the change in its metadata). Stripe calls the webhook once the
// customer paid: its signature is verified, and the change is made with the product credentials
// (PlanshipAdmin), once per event. `billingPortal` opens Stripe's Billing Portal (payment method,
// invoices). The official `stripe` package; nothing else.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { PlanshipAdmin } from '../../src/client/admin.ts';
import { PlanshipCustomer } from '../../src/client/index.ts';
import type { BillingPortal, Checkout, GatewayPrices, PlanChange, PortalUser } from '../../src/gateway/index.ts';
import { createRecipeGateway, listen, stop, PRODUCT_SLUG, type RecipeOptions, type RunningHost } from './common.ts';

export interface StripeBillingOptions {
  stripe: Stripe;
  /** The webhook endpoint's signing secret (whsec_...). */
  webhookSecret: string;
  /** Planship's API and your product credentials: the webhook makes paid changes with them. */
  planship: { baseUrl: string; clientId: string; clientSecret: string; productSlug: string };
  /** Stripe Price ids per plan slug and interval: `{ pro: { month: 'price_...', year: 'price_...' } }`. */
  stripePrices: Record<string, Record<string, string>>;
  /** Your page with the portal: the customer comes back here from Stripe. */
  returnUrl: string;
}

/** What the gateway and your server need: the two hooks and the webhook route. */
export function stripeBilling(options: StripeBillingOptions) {
  const { stripe, planship } = options;
  const credentials = { clientId: planship.clientId, clientSecret: planship.clientSecret };
  const admin = new PlanshipAdmin(planship.productSlug, credentials, { baseUrl: planship.baseUrl });
  /** Events already applied: Stripe retries a webhook until it is answered, and may send it twice. Keep these in your database. */
  const applied = new Set<string>();
  /** Your users' Stripe customers, from their checkouts. Keep these in your database too. */
  const stripeCustomers = new Map<string, string>();

  const checkout: Checkout = async (change: PlanChange, user: PortalUser) => {
    const price = options.stripePrices[change.toPlan]?.[change.interval ?? 'month'];
    if (!price) return false; // not sold online: the page says "contact us"
    const back = new URL(options.returnUrl);
    back.searchParams.set('planship-pending', change.toPlan);
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price, quantity: change.seats ?? 1 }],
      allow_promotion_codes: true,
      client_reference_id: user.id,
      ...(stripeCustomers.has(user.id) ? { customer: stripeCustomers.get(user.id) } : { customer_email: user.email }),
      metadata: { planship_user: user.id, planship_change: JSON.stringify(change) },
      success_url: back.href,
      cancel_url: options.returnUrl,
    });
    return session.url ? { url: session.url } : false;
  };

  const billingPortal: BillingPortal = async (user) => {
    const customer = stripeCustomers.get(user.id);
    if (!customer) throw new Error('no Stripe customer for this user yet');
    const session = await stripe.billingPortal.sessions.create({ customer, return_url: options.returnUrl });
    return session.url;
  };

  /** Makes a paid change in Planship for the user who paid, as they asked for it. */
  async function apply(userId: string, change: PlanChange): Promise<void> {
    const customer = new PlanshipCustomer(planship.productSlug, userId, credentials, { baseUrl: planship.baseUrl });
    try {
      if (change.subscriptionId) {
        await customer.modifySubscription(change.subscriptionId, {
          ...(change.at === 'now' ? { planSlug: change.toPlan } : { renewPlanSlug: change.toPlan }),
          ...(change.seats !== undefined && { maxSubscribers: change.seats }),
          isActive: true,
          autoRenew: true,
        });
        return;
      }
      // A first purchase: the user's Planship customer may not exist yet.
      await admin.getCustomerByExternalId(userId).catch(async () => admin.createCustomer({ alternativeId: userId }));
      await customer.createSubscription(change.toPlan, { maxSubscribers: change.seats });
    } finally {
      customer.dispose();
    }
  }

  /** POST /stripe/webhook: the raw body and its Stripe-Signature; 400 unless Stripe signed it. */
  async function webhook(rawBody: string, signature: string | undefined): Promise<{ status: number; body: unknown }> {
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(rawBody, signature ?? '', options.webhookSecret);
    } catch {
      return { status: 400, body: { detail: 'Invalid signature' } };
    }
    if (applied.has(event.id)) return { status: 200, body: { received: true, replayed: true } };
    if (event.type === 'checkout.session.completed') {
      const session = event.data.object;
      const userId = session.metadata?.planship_user;
      const change = session.metadata?.planship_change;
      if (session.payment_status === 'paid' && userId && change) {
        if (typeof session.customer === 'string') stripeCustomers.set(userId, session.customer);
        await apply(userId, JSON.parse(change) as PlanChange);
      }
    }
    applied.add(event.id);
    return { status: 200, body: { received: true } };
  }

  return { checkout, billingPortal, webhook };
}

export interface StripeHostOptions extends RecipeOptions {
  stripe: Stripe;
  webhookSecret: string;
  stripePrices: Record<string, Record<string, string>>;
  prices: GatewayPrices;
  /** The page the customer returns to (the host's own account page). */
  returnPath: string;
  /** The app's own routes (its pages): true when one answered. */
  routes?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

/** Reads a request body as text, at most 1 MiB (a webhook's signature covers the exact bytes). */
async function rawBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 1024 * 1024) throw new Error('body too large');
  }
  return text;
}

/** A node:http host with the gateway at /planship (prices, Stripe checkout and billing portal) and Stripe's webhook. */
export async function startStripeHost(options: StripeHostOptions): Promise<RunningHost & { returnUrl: string }> {
  let origin = '';
  const server: Server = createServer();
  const url = await listen(server);
  origin = url;
  const billing = stripeBilling({
    stripe: options.stripe,
    webhookSecret: options.webhookSecret,
    planship: { baseUrl: options.apiUrl, clientId: options.clientId, clientSecret: options.clientSecret, productSlug: PRODUCT_SLUG },
    stripePrices: options.stripePrices,
    returnUrl: `${origin}${options.returnPath}`,
  });
  const gateway = createRecipeGateway({
    ...options,
    gateway: { ...options.gateway, prices: options.prices, checkout: billing.checkout, billingPortal: billing.billingPortal },
  });
  server.on('request', (request, response) =>
    gateway.nodeHandler(request, response, async () => {
      if (request.method === 'POST' && request.url === '/stripe/webhook') {
        const signature = request.headers['stripe-signature'];
        const answer = await billing.webhook(await rawBody(request), typeof signature === 'string' ? signature : undefined);
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      if (options.routes?.(request, response)) return;
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }),
  );
  server.on('upgrade', (request, socket, head) => {
    if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  return { url, returnUrl: `${origin}${options.returnPath}`, close: () => stop(server, gateway) };
}
