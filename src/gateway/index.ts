// planship-portal/gateway: the portal gateway the host mounts in its own backend. The page talks
// only to its own origin; the gateway finds the signed-in user's Planship customer, lets through
// only what the customer policy (src/policy) allows that customer, and calls Planship with the
// product credentials it alone holds. Works on hosted Planship, which has no customer tokens.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { Catalog } from './catalog.ts';
import { Customers } from './customers.ts';
import { bootstrap, createFetchHandler, withinBasePath, type Authorize, type HandlerParts, type Identify } from './fetch-handler.ts';
import type { PortalAnswer as PortalSnapshot } from './bootstrap.ts';
import { checkPrices, Pricing, type BillingPortal, type Checkout, type GatewayPrices } from './checkout.ts';
import type { InvitationOptions } from './invitations.ts';
import { createNodeHandler, createUpgradeHandler, fetchHeaders, namesBasePath, requestUrl } from './node-adapter.ts';
import { PortalRoutes, type OnCancel } from './portal-routes.ts';
import { Relay, type UpstreamSocketClass } from './relay.ts';
import { Upstream } from './upstream.ts';
import { positiveOption } from './time-limit.ts';
import { inProcessWriteLock, type WriteLock } from './write-lock.ts';

export type { AuthorizeContext, Authorize, Identify } from './fetch-handler.ts';
export type { PortalUser } from './customers.ts';
export type { PortalAnswer as PortalSnapshot } from './bootstrap.ts';
export { GatewayError } from './errors.ts';
export type { InvitationMail, InvitationOptions } from './invitations.ts';
export type { BillingPortal, Checkout, CheckoutAnswer, GatewayPrice, GatewayPrices, PlanChange } from './checkout.ts';
export type { CustomerAction, CancellationFeedback } from '../policy/index.ts';
export type { Cancellation, OnCancel } from './portal-routes.ts';
export { CLOSE_CUSTOMER_DELETED, CLOSE_SESSION_ENDED, CLOSE_TOO_MANY } from './relay.ts';

export interface PlanshipGatewayOptions {
  productSlug: string;
  clientId: string;
  clientSecret: string;
  /** Planship's API; default https://api.planship.io. */
  baseUrl?: string;
  /** Planship's entitlements socket base; default derived from baseUrl (wss://websockets-api.planship.io for Planship). */
  webSocketUrl?: string;
  /** Where the gateway is mounted on the host; the page's `api-url`. Default `/planship`. */
  basePath?: string;
  /**
   * The signed-in user of a request, from the host's own session: `{ id }` (the host's user id,
   * Planship's alternative id) with `email` and `name` for their customer; null when signed out.
   * Runs on every request and when a live connection opens (and again every `sessionCheckMs`).
   * A throw is answered 500 and logged by its type only (its message may hold a secret).
   */
  identify: Identify;
  /** Pages on other origins allowed to call the gateway (with credentials); default: same origin only. */
  allowedOrigins?: string[];
  /**
   * Visitors who are not signed in (`identify` answers null) read the public catalog: the plan
   * list (public plans, with their entitlements and `prices`), a plan, the levers and `/portal`,
   * nothing of any customer, and open no live connection. Default true; false answers them 401.
   */
  publicCatalog?: boolean;
  /** The host's own extra rules, after the customer policy allowed a request; false answers 403. */
  authorize?: Authorize;
  /**
   * One write at a time per customer (and subscription), across every process serving the
   * gateway: `redisWriteLock(client)` or `postgresWriteLock(pool)`. The gateway reads the facts it
   * decides on (subscriptions, seats, plans) inside it. Default: a queue in this process, which
   * holds only while one process serves all requests (a warning says so at start in production
   * and on serverless platforms).
   */
  writeLock?: WriteLock;
  /**
   * What each plan costs per billing period, by plan slug: one price or one per interval
   * (`{ amount, currency, interval, perSeat? }`, the picker's `Prices` shape). The plan list and
   * the first-render answer carry them (the picker shows them with no script), and a change that
   * costs more goes through `checkout`. Without it, plan changes are free as far as the gateway knows.
   */
  prices?: GatewayPrices;
  /**
   * Asked about a change that costs more (a pricier plan or interval, more seats on a per-seat
   * plan, a new or resumed subscription to a paid plan): answer `{ url }` (the customer pays
   * there; your payment webhook then makes the change with PlanshipAdmin), `true` (make it now:
   * free, or already paid) or `false`/`null` (refuse). Without it such a change is refused (402).
   */
  checkout?: Checkout;
  /** How long `checkout` may take (a 502 with words after); default 10 000. */
  checkoutTimeoutMs?: number;
  /** The URL of your billing portal for a user (payment method, invoices), e.g. a Stripe Billing Portal session. */
  billingPortal?: BillingPortal;
  /**
   * Told of each cancellation made through the portal (after Planship made it): the subscription,
   * its plan, now or at period end, and the reason and comment the customer gave in the cancel
   * dialog (`cancel-reasons`), if any. Planship has no place for them: keep them where you
   * analyse churn. Not awaited by the answer; a throw is logged by type.
   */
  onCancel?: OnCancel;
  /**
   * Team invitations by email (the members list's invite form). An invitation is an offer the
   * host mails (`send`) as a link to its portal page (`acceptUrl`); the invitee joins only by
   * accepting it there, signed in as the address it was sent to. Without it, no invite form.
   */
  invitations?: InvitationOptions;
  /**
   * Plans customers may choose on their own (public ones only). Hosted Planship's plan list does
   * not say which plans are self-serve: there, only the plans listed here are. Where the list
   * carries `is_self_serve` (our server), it narrows that flag. Default: Planship's flag alone.
   */
  selfServePlans?: string[];
  /**
   * Seats each plan allows (`max_subscribers`), by plan slug, for plans whose list entry does not
   * say (hosted Planship's). A plan with no known limit takes no more seats than it has now.
   */
  seatLimits?: Record<string, number>;
  /** Heartbeat to open pages (they treat 2 missed beats as a dead connection); default 15 000. */
  heartbeatMs?: number;
  /**
   * How often a live page's session is checked again with `identify`; default 10 000. A stateful
   * session that ends is noticed within this; a stateless signed cookie never ends by itself:
   * call `signOut(userId)` from your sign-out route.
   */
  sessionCheckMs?: number;
  /** How long catalog reads are shared; default 30 000. */
  catalogTtlMs?: number;
  /** Timeout of each call to Planship; default 15 000. */
  timeoutMs?: number;
  /** Live pages per customer; the oldest closes (4429) beyond it. Default 20. */
  maxPagesPerCustomer?: number;
  /** Live pages of this gateway process, all customers together; a new one beyond it is refused (503). Default 10 000. */
  maxPages?: number;
  /** How long a request body may take to arrive (408 after); default 10 000. */
  bodyTimeoutMs?: number;
  /** How long the upstream socket outlives a customer's last page; default 10 000. */
  idleMs?: number;
  fetch?: typeof fetch;
  /** A WebSocket client class for the upstream socket; default the `ws` package, else the runtime's. */
  WebSocket?: UpstreamSocketClass;
  /** Where problems are logged (never with tokens or cookies); default console.error. */
  log?: (message: string) => void;
}

export interface PlanshipGateway {
  /** Fetch: Next.js route handlers, Hono, Bun, Deno. Live updates come as Server-Sent Events here. */
  handleRequest(request: Request): Promise<Response>;
  /** node:http, or Express/Connect middleware (calls `next()` outside `basePath`). */
  nodeHandler(request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): void;
  /** For the Node server's 'upgrade' event: takes the live WebSocket; false when the path is not the gateway's. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Ends a user's live pages at once (they close with 4401) and forgets what this gateway cached
   * for them. Call it from your sign-out route: a page's session is otherwise only re-checked
   * every `sessionCheckMs`, and a stateless signed cookie stays valid until it expires.
   */
  signOut(userId: string): void;
  /**
   * What `GET {basePath}/portal` would answer for this request (a page request on your server):
   * the signed-in customer's portal, or the public catalog for a visitor. Give it to
   * `renderElements` (planship-portal/ssr) to render the elements into your HTML. Throws a
   * `GatewayError` (`status`, `detail`) when the gateway would refuse or cannot answer.
   */
  snapshot(request: Request | IncomingMessage): Promise<PortalSnapshot>;
  /** Upstream sockets open now (one per customer with live pages). */
  readonly upstreamSockets: number;
  /** Live pages open now. */
  readonly livePages: number;
  close(): Promise<void>;
}

/** Thrown by createPlanshipGateway for options it cannot use. */
export class GatewayOptionsError extends Error {
  override name = 'GatewayOptionsError';
}

const DEFAULT_BASE_URL = 'https://api.planship.io';

function required(options: PlanshipGatewayOptions, name: 'productSlug' | 'clientId' | 'clientSecret'): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new GatewayOptionsError(`${name} is required`);
  return value;
}

const positive = (name: string, value: number | undefined, fallback: number): number =>
  positiveOption(name, value, fallback, (message) => new GatewayOptionsError(message));

function seatLimits(limits: Record<string, number> | undefined): Map<string, number> | undefined {
  if (limits === undefined) return undefined;
  if (typeof limits !== 'object' || limits === null) throw new GatewayOptionsError('seatLimits must be an object of plan slug to seats');
  for (const [slug, seats] of Object.entries(limits)) {
    if (!Number.isSafeInteger(seats) || seats < 1) throw new GatewayOptionsError(`seatLimits.${slug} must be a whole number of seats, at least 1`);
  }
  return new Map(Object.entries(limits));
}

/** What this gateway offers beyond Planship's routes, as the header every answer carries. */
function features(offered: Record<string, boolean>): Record<string, string> {
  const names = Object.keys(offered).filter((name) => offered[name]);
  return names.length ? { 'planship-portal-features': names.join(', ') } : {};
}

function invitationOptions(options: InvitationOptions | undefined): InvitationOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options?.send !== 'function') throw new GatewayOptionsError('invitations.send(invitation) is required: it mails the invitation');
  let url: URL | undefined;
  try {
    url = new URL(options.acceptUrl);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new GatewayOptionsError('invitations.acceptUrl must be the absolute http(s) URL of your portal page');
  positive('invitations.ttlMs', options.ttlMs, 1);
  positive('invitations.maxPending', options.maxPending, 1);
  positive('invitations.maxPerDay', options.maxPerDay, 1);
  return options;
}

/** Where a platform runs a fresh instance per request (or several at once), by the variables it sets. */
const SERVERLESS = ['VERCEL', 'NETLIFY', 'AWS_LAMBDA_FUNCTION_NAME', 'FUNCTIONS_WORKER_RUNTIME', 'K_SERVICE', 'FUNCTION_TARGET'];

/** In production, state kept in this process (writes in turn, pending invitations) holds for this process only: say so once. */
function warnIfOneProcessOnly(options: PlanshipGatewayOptions, log: (message: string) => void): void {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const platform = SERVERLESS.find((name) => env[name]);
  if (env.NODE_ENV !== 'production' && !platform) return;
  const where = platform ? `a serverless platform (${platform} is set)` : 'production (NODE_ENV=production)';
  const inMemory = [
    !options.writeLock && 'writes of a customer run in turn in this process only (pass writeLock: redisWriteLock(client) or postgresWriteLock(pool))',
    options.invitations && !options.invitations.store && 'pending invitations live in this process only (pass invitations.store: redisInvitationStore(client) or postgresInvitationStore(pool))',
  ].filter(Boolean);
  if (inMemory.length) log(`planship gateway: in ${where}, ${inMemory.join('; and ')}. See the README, "More than one process, and serverless".`);
}

function webSocketBase(baseUrl: string, explicit?: string): string {
  if (explicit) return explicit.replace(/\/+$/, '');
  if (new URL(baseUrl).host === 'api.planship.io') return 'wss://websockets-api.planship.io';
  return baseUrl.replace(/^http/, 'ws');
}

/** `ws` is an optional peer: loaded on Node when there, else the runtime's WebSocket (Node 22+, Bun, Deno). */
const wsModule = import('ws').catch(() => undefined);

export function createPlanshipGateway(options: PlanshipGatewayOptions): PlanshipGateway {
  const productSlug = required(options, 'productSlug');
  if (typeof options.identify !== 'function') throw new GatewayOptionsError('identify(request) is required: it says who is signed in');
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  try {
    new URL(baseUrl);
  } catch {
    throw new GatewayOptionsError(`baseUrl is not a URL: ${baseUrl}`);
  }
  const basePath = `/${(options.basePath ?? '/planship').replace(/^\/+|\/+$/g, '')}`;
  const log = options.log ?? ((message: string) => console.error(message));
  const upstream = new Upstream({
    baseUrl,
    clientId: required(options, 'clientId'),
    clientSecret: required(options, 'clientSecret'),
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: positive('timeoutMs', options.timeoutMs, 15_000),
  });
  const catalog = new Catalog(upstream, {
    productSlug,
    ttlMs: positive('catalogTtlMs', options.catalogTtlMs, 30_000),
    selfServePlans: options.selfServePlans,
    seatLimits: seatLimits(options.seatLimits),
  });

  let ws: typeof import('ws') | undefined;
  let wss: WebSocketServer | undefined;
  let loaded = false;
  const ready = wsModule.then((module) => {
    ws = module;
    // Pages send nothing on this socket: tiny frames only.
    wss = module && new module.WebSocketServer({ noServer: true, maxPayload: 1024 });
    loaded = true;
  });
  const customers = new Customers(upstream);
  const relay = new Relay({
    upstream,
    webSocketUrl: webSocketBase(baseUrl, options.webSocketUrl),
    productSlug,
    WebSocket: () => options.WebSocket ?? (ws?.WebSocket as unknown as UpstreamSocketClass | undefined) ?? (globalThis as { WebSocket?: UpstreamSocketClass }).WebSocket,
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs, 15_000),
    idleMs: positive('idleMs', options.idleMs, 10_000),
    sessionCheckMs: positive('sessionCheckMs', options.sessionCheckMs, 10_000),
    maxPagesPerCustomer: positive('maxPagesPerCustomer', options.maxPagesPerCustomer, 20),
    maxPages: positive('maxPages', options.maxPages, 10_000),
    findCustomer: (userId) => customers.find({ id: userId }),
    log,
  });
  customers.onCreated = (userId, caller) => relay.customerFound(userId, caller);
  const invitations = invitationOptions(options.invitations);
  if (options.writeLock !== undefined && typeof options.writeLock !== 'function') throw new GatewayOptionsError('writeLock must be a function, e.g. redisWriteLock(client)');
  warnIfOneProcessOnly(options, log);
  const writeLock = options.writeLock ?? inProcessWriteLock();
  if (options.checkout !== undefined && typeof options.checkout !== 'function') throw new GatewayOptionsError('checkout must be a function (change, user) => { url } | true | false');
  if (options.billingPortal !== undefined && typeof options.billingPortal !== 'function') throw new GatewayOptionsError('billingPortal must be a function (user) => url');
  let prices: GatewayPrices | undefined;
  try {
    prices = checkPrices(options.prices);
  } catch (error) {
    throw new GatewayOptionsError((error as Error).message);
  }
  const pricing = new Pricing({ prices, checkout: options.checkout, timeoutMs: positive('checkoutTimeoutMs', options.checkoutTimeoutMs, 10_000), log });
  if (options.onCancel !== undefined && typeof options.onCancel !== 'function') throw new GatewayOptionsError('onCancel must be a function (cancellation, user) => void');
  const routes = new PortalRoutes(upstream, catalog, customers, { productSlug, invitations, writeLock, log, pricing, billingPortal: options.billingPortal, onCancel: options.onCancel });
  const parts: HandlerParts = {
    basePath,
    productSlug,
    allowedOrigins: options.allowedOrigins ?? [],
    identify: options.identify,
    authorize: options.authorize,
    customers,
    routes,
    relay,
    upstream,
    catalog,
    bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, 10_000),
    log,
    pricing,
    publicCatalog: options.publicCatalog !== false,
    featureHeaders: features({ invites: !!invitations, checkout: pricing.priced, 'billing-portal': !!options.billingPortal }),
  };
  const handleRequest = createFetchHandler(parts);
  const upgrade = createUpgradeHandler(parts, () => wss);
  return {
    handleRequest: (request) => handleRequest(request),
    nodeHandler: createNodeHandler(parts, handleRequest),
    handleUpgrade(request, socket, head) {
      if (loaded) return upgrade(request, socket, head);
      // In the first instant after start `ws` may still be loading: answer once it is.
      const url = requestUrl(request);
      const ours = url ? withinBasePath(url.pathname, basePath) : namesBasePath(request, basePath);
      if (ours) void ready.then(() => upgrade(request, socket, head));
      return ours;
    },
    snapshot(request) {
      if (request instanceof Request) return bootstrap(parts, request, undefined);
      const url = requestUrl(request) ?? new URL('http://localhost/');
      return bootstrap(parts, new Request(url, { headers: fetchHeaders(request) }), request);
    },
    signOut(userId) {
      relay.signOut(userId);
      routes.forget(userId);
    },
    get upstreamSockets() {
      return relay.upstreamSockets;
    },
    get livePages() {
      return relay.pages;
    },
    async close() {
      relay.close();
      await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    },
  };
}

// Shared state for hosts that run several gateway processes: a write lock per customer and the
// pending invitations. Redis and PostgreSQL clients are the host's (`redis`, `pg`: optional peers,
// never imported here).
export { WriteLockBusyError, WriteLockLostError, inProcessWriteLock, type WriteLock, type InProcessWriteLockOptions } from './write-lock.ts';
export { redisWriteLock, type RedisLockClient, type RedisWriteLockOptions } from './redis-write-lock.ts';
export { postgresWriteLock, type PgClient, type PgPool, type PostgresWriteLockOptions } from './postgres-write-lock.ts';
export {
  memoryInvitationStore,
  type AddResult,
  type InvitationLimits,
  type InvitationRecord,
  type InvitationStore,
  type MemoryInvitationStoreOptions,
} from './invitation-store.ts';
export { redisInvitationStore, type RedisInvitationStoreOptions, type RedisStoreClient } from './redis-invitation-store.ts';
export { postgresInvitationStore, type PostgresInvitationStoreOptions } from './postgres-invitation-store.ts';
export { StoreTimeoutError } from './time-limit.ts';
