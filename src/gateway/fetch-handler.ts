// The gateway's Fetch handler: one function from a `Request` to a `Response`, used as it is by
// Fetch hosts (Next.js route handlers, Hono, Bun, Deno) and under the Node adapter. Order of
// checks: a request target for this host, our path at all, the page's origin (reads, streams and
// sockets too), JSON for writes, who is signed in (401), what the customer policy allows
// (403/404), the body (bounded, after the session), the host's own rules, then the policy's
// rules with facts from Planship (403/404/409/422), then Planship with the product token.
import type { IncomingMessage } from 'node:http';
import { isOwnCustomer, matchCustomerRoute, pathSegments, PolicyRefusal, type Caller, type CustomerAction, type CustomerRouteMatch } from '../policy/index.ts';
import { portalBootstrap } from './bootstrap.ts';
import type { Catalog, PlanPrices } from './catalog.ts';
import { checkUser, type Customers, type PortalUser } from './customers.ts';
import type { Upstream } from './upstream.ts';
import { GatewayError, refuse } from './errors.ts';
import { errorType } from './invitations.ts';
import { EventStreamPage } from './page-sinks.ts';
import type { PortalRoutes } from './portal-routes.ts';
import type { Relay } from './relay.ts';
import { checkOrigin, checkWriteType, corsHeaders, HOST_HEADER, preflightHeaders, readJsonBody } from './request-guard.ts';

export type Identify = (request: Request, native?: IncomingMessage) => Promise<PortalUser | null> | PortalUser | null;

export interface AuthorizeContext {
  /** The signed-in user, as `identify` answered. */
  user: PortalUser;
  /** Their Planship customer id; null until their first write creates the customer. */
  customerId: string | null;
  /** The route's path parameters (decoded): product, plan, subscription, member, lever... */
  params: CustomerRouteMatch['params'];
  /** The JSON body the page sent (before the policy keeps only the allowed fields). */
  body: unknown;
  request: Request;
}

/** The host's own extra rules, asked after the customer policy allowed a request. */
export type Authorize = (action: CustomerAction, context: AuthorizeContext) => boolean | Promise<boolean>;

export interface HandlerParts {
  basePath: string;
  productSlug: string;
  allowedOrigins: readonly string[];
  identify: Identify;
  authorize?: Authorize;
  customers: Customers;
  routes: PortalRoutes;
  relay: Relay;
  upstream: Upstream;
  catalog: Catalog;
  /** How long a request body may take to arrive. */
  bodyTimeoutMs: number;
  /** Plans' prices, which the first-render answer carries. */
  pricing: PlanPrices;
  /** Visitors who are not signed in read the public catalog (else 401). */
  publicCatalog: boolean;
  log: (message: string) => void;
  /** What this gateway offers beyond Planship's routes, told to the page on every answer. */
  featureHeaders: Record<string, string>;
}

/** Who the request is from, with their customer (null: none yet), once the policy let the request through. */
export interface Admitted {
  match: CustomerRouteMatch;
  user: PortalUser;
  caller: Caller | null;
  body: unknown;
}

/** A visitor who is not signed in, reading the public catalog. */
export interface Visitor {
  match: CustomerRouteMatch;
  user: null;
}

/** What a visitor may read: the product's public catalog, nothing of any customer. */
const PUBLIC_READS = new Set<CustomerAction>(['product.read', 'plans.list', 'plan.read', 'plan-entitlements.read', 'levers.list', 'lever.read']);

export function withinBasePath(pathname: string, basePath: string): boolean {
  return pathname === basePath || pathname.startsWith(`${basePath}/`);
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

/** The reads that make up the first-render answer (each must pass the host's rules too). */
const BOOTSTRAP_ACTIONS: CustomerAction[] = ['product.read', 'plans.list', 'plan.read', 'levers.list', 'subscriptions.list', 'entitlements.read', 'usage.read'];

/**
 * The signed-in user, or null. A throw from the host's `identify` is logged by its type alone: its
 * message may carry a secret (a connection string, a token).
 */
export async function identifyUser(parts: HandlerParts, request: Request, native: IncomingMessage | undefined): Promise<PortalUser | null> {
  let user: PortalUser | null;
  try {
    user = await parts.identify(request, native);
  } catch (error) {
    throw new GatewayError(500, 'Internal Server Error', `planship gateway: identify() threw ${errorType(error)}`);
  }
  if (user) checkUser(user);
  return user ?? null;
}

/** For the relay's re-checks: whether the request's session still names this user. */
export async function stillSignedIn(parts: HandlerParts, request: Request, native: IncomingMessage | undefined, userId: string): Promise<boolean> {
  return (await identifyUser(parts, request, native))?.id === userId;
}

async function authorized(parts: HandlerParts, action: CustomerAction, context: AuthorizeContext): Promise<void> {
  if (parts.authorize && !(await parts.authorize(action, context))) throw refuse(403, 'Not allowed.');
}

/** GET {basePath}/portal: who is signed in, then everything the elements read first, in one answer. */
export async function bootstrap(parts: HandlerParts, request: Request, native: IncomingMessage | undefined) {
  const user = await identifyUser(parts, request, native);
  if (!user) {
    // A visitor: the public catalog (and its prices), nothing of any customer; no customer made.
    if (!parts.publicCatalog) throw refuse(401, 'Sign in to see your billing.');
    const { product, plans, plan_details, levers } = await portalBootstrap(parts.upstream, parts.catalog, parts.productSlug, null, parts.pricing);
    return { signed_in: false, product, plans, plan_details, levers };
  }
  const caller = await parts.customers.find(user);
  for (const action of BOOTSTRAP_ACTIONS) {
    await authorized(parts, action, { user, customerId: caller?.id ?? null, params: {}, body: undefined, request });
  }
  try {
    return await portalBootstrap(parts.upstream, parts.catalog, parts.productSlug, caller, parts.pricing);
  } catch (error) {
    // Planship no longer has the customer this process remembered: forget it, answer for what it has now.
    if (!(caller && error instanceof GatewayError && error.upstreamStatus === 404)) throw error;
    parts.customers.forget(user.id);
    return portalBootstrap(parts.upstream, parts.catalog, parts.productSlug, await parts.customers.find(user), parts.pricing);
  }
}

/**
 * What every request of a page must pass, HTTP or socket: a session, a route the policy knows, its
 * own customer, the host's rules. The body is read only once the session is known, so nobody
 * unknown makes the gateway wait for or buffer one.
 */
export async function admit(parts: HandlerParts, request: Request, native: IncomingMessage | undefined, pathname: string): Promise<Admitted | Visitor> {
  const segments = pathSegments(pathname.slice(parts.basePath.length));
  const match = segments && matchCustomerRoute(request.method, segments);
  const user = await identifyUser(parts, request, native);
  if (!user && !(parts.publicCatalog && match && PUBLIC_READS.has(match.action))) throw refuse(401, 'Sign in to see your billing.');
  if (!match) throw refuse(403, 'Not available through the billing portal.');
  if (match.params.product !== undefined && match.params.product !== parts.productSlug) throw refuse(404, 'Product not found');
  if (!user) return { match, user: null };
  const caller = await parts.customers.find(user);
  // Until their customer exists, a user is named by `me` or their own id only.
  if (match.params.customer !== undefined && !isOwnCustomer(match.params.customer, caller ?? { id: '', alternativeId: user.id })) {
    throw new PolicyRefusal(403, 'You can only see and change your own billing.');
  }
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await readJsonBody(request, parts.bodyTimeoutMs);
  await authorized(parts, match.action, { user, customerId: caller?.id ?? null, params: match.params, body, request });
  return { match, user, caller, body };
}

/** A refusal or failure as the page sees it; unexpected errors are logged in one line. */
export function errorResponse(parts: HandlerParts, error: unknown, what: string, headers: Record<string, string> = {}): Response {
  const known = GatewayError.from(error);
  if (known) {
    if (known.logMessage) parts.log(known.logMessage);
    return jsonResponse(known.status, { detail: known.detail, ...known.fields }, headers);
  }
  parts.log(`planship gateway: unexpected ${errorType(error)} on ${what}`);
  return jsonResponse(500, { detail: 'Internal Server Error' }, headers);
}

/**
 * A Fetch host parses the request target itself; what is left of a network-path reference
 * (`//evil.example/...`) or a Host header that is no host at all is refused. (A URL built from an
 * absolute-form target names another host, but the origin check reads the Host header.)
 */
function plausibleTarget(request: Request, url: URL): boolean {
  const host = request.headers.get('host');
  return !url.pathname.startsWith('//') && (host === null || HOST_HEADER.test(host));
}

export function createFetchHandler(parts: HandlerParts) {
  return async function handleRequest(request: Request, native?: IncomingMessage): Promise<Response> {
    const url = new URL(request.url);
    if (!plausibleTarget(request, url)) return jsonResponse(400, { detail: 'Bad Request' });
    const cors = corsHeaders(request, parts.allowedOrigins);
    if (!withinBasePath(url.pathname, parts.basePath)) return jsonResponse(404, { detail: 'Not Found' });
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: preflightHeaders(request, parts.allowedOrigins) });
    try {
      checkOrigin(request, parts.allowedOrigins);
      checkWriteType(request);
      if (url.pathname === `${parts.basePath}/portal` && request.method === 'GET') {
        return jsonResponse(200, await bootstrap(parts, request, native), { ...cors, ...parts.featureHeaders });
      }
      const admitted = await admit(parts, request, native, url.pathname);
      if (!admitted.user) {
        const answer = await parts.routes.serveCatalog(admitted.match);
        return jsonResponse(answer.status, answer.body, { ...cors, ...parts.featureHeaders, vary: 'Cookie' });
      }
      if (admitted.match.action === 'entitlements.live' && (request.headers.get('accept') ?? '').includes('text/event-stream')) {
        return eventStream(parts, admitted, request, native, cors);
      }
      const answer = await parts.routes.serve({ ...admitted, idempotencyKey: request.headers.get('idempotency-key') });
      return jsonResponse(answer.status, answer.body, { ...cors, ...parts.featureHeaders });
    } catch (error) {
      return errorResponse(parts, error, `${request.method} ${url.pathname}`, cors);
    }
  };
}

/** Live frames as Server-Sent Events, for hosts that cannot take WebSocket upgrades. */
function eventStream(parts: HandlerParts, { user, caller }: Admitted, request: Request, native: IncomingMessage | undefined, cors: Record<string, string>): Response {
  parts.relay.reserve();
  let detach = () => {};
  const page = new EventStreamPage(() => detach());
  detach = parts.relay.attach(caller, user.id, page, () => stillSignedIn(parts, request, native, user.id));
  request.signal?.addEventListener('abort', () => detach(), { once: true });
  return new Response(page.stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no', ...cors },
  });
}
