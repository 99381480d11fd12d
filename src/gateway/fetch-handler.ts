// The gateway's Fetch handler: one function from a `Request` to a `Response`, used as it is by
// Fetch hosts (Next.js route handlers, Hono, Bun, Deno) and under the Node adapter. Order of
// checks: our path at all, CSRF guard, who is signed in (401), what the customer policy allows
// (403/404/409/422), the host's own rules, then Planship with the product token.
import type { IncomingMessage } from 'node:http';
import { matchCustomerRoute, pathSegments, requireOwnCustomer, type Caller, type CustomerAction, type CustomerRouteMatch } from '../policy/index.ts';
import { portalBootstrap } from './bootstrap.ts';
import type { Catalog } from './catalog.ts';
import type { Customers, PortalUser } from './customers.ts';
import type { Upstream } from './upstream.ts';
import { GatewayError, refuse } from './errors.ts';
import { EventStreamPage } from './page-sinks.ts';
import type { PortalRoutes } from './portal-routes.ts';
import type { Relay } from './relay.ts';
import { checkWrite, corsHeaders, preflightHeaders, readJsonBody } from './request-guard.ts';

export type Identify = (request: Request, native?: IncomingMessage) => Promise<PortalUser | null> | PortalUser | null;

export interface AuthorizeContext {
  /** The signed-in user, as `identify` answered. */
  user: PortalUser;
  /** Their Planship customer id. */
  customerId: string;
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
  log: (message: string) => void;
  /** What this gateway offers beyond Planship's routes, told to the page on every answer. */
  featureHeaders: Record<string, string>;
}

/** Who the request is from, with their customer, once the policy let the request through. */
export interface Admitted {
  match: CustomerRouteMatch;
  user: PortalUser;
  caller: Caller;
}

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

/** GET {basePath}/portal: who is signed in, then everything the elements read first, in one answer. */
async function bootstrap(parts: HandlerParts, request: Request, native: IncomingMessage | undefined) {
  const user = await parts.identify(request, native);
  if (!user) throw refuse(401, 'Sign in to see your billing.');
  const caller = await parts.customers.resolve(user);
  for (const action of BOOTSTRAP_ACTIONS) {
    if (parts.authorize && !(await parts.authorize(action, { user, customerId: caller.id, params: {}, body: undefined, request }))) throw refuse(403, 'Not allowed.');
  }
  return portalBootstrap(parts.upstream, parts.catalog, parts.productSlug, caller);
}

/** What every request of a page must pass, HTTP or socket: a route the policy knows, a session, its own customer, the host's rules. */
export async function admit(parts: HandlerParts, method: string, pathname: string, request: Request, native: IncomingMessage | undefined, body?: unknown): Promise<Admitted> {
  const segments = pathSegments(pathname.slice(parts.basePath.length));
  const match = segments && matchCustomerRoute(method, segments);
  const user = await parts.identify(request, native);
  if (!user) throw refuse(401, 'Sign in to see your billing.');
  if (!match) throw refuse(403, 'Not available through the billing portal.');
  if (match.params.product !== undefined && match.params.product !== parts.productSlug) throw refuse(404, 'Product not found');
  const caller = await parts.customers.resolve(user);
  if (match.params.customer !== undefined) requireOwnCustomer(match.params.customer, caller);
  if (parts.authorize && !(await parts.authorize(match.action, { user, customerId: caller.id, params: match.params, body, request }))) {
    throw refuse(403, 'Not allowed.');
  }
  return { match, user, caller };
}

/** A refusal or failure as the page sees it; unexpected errors are logged in one line. */
export function errorResponse(parts: HandlerParts, error: unknown, what: string, headers: Record<string, string> = {}): Response {
  const known = GatewayError.from(error);
  if (known) {
    if (known.logMessage) parts.log(known.logMessage);
    return jsonResponse(known.status, { detail: known.detail }, headers);
  }
  parts.log(`planship gateway: unexpected error on ${what}: ${(error as Error)?.message ?? String(error)}`);
  return jsonResponse(500, { detail: 'Internal Server Error' }, headers);
}

export function createFetchHandler(parts: HandlerParts) {
  return async function handleRequest(request: Request, native?: IncomingMessage): Promise<Response> {
    const url = new URL(request.url);
    const cors = corsHeaders(request, parts.allowedOrigins);
    if (!withinBasePath(url.pathname, parts.basePath)) return jsonResponse(404, { detail: 'Not Found' });
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: preflightHeaders(request, parts.allowedOrigins) });
    try {
      if (url.pathname === `${parts.basePath}/portal` && request.method === 'GET') {
        return jsonResponse(200, await bootstrap(parts, request, native), { ...cors, ...parts.featureHeaders });
      }
      checkWrite(request, parts.allowedOrigins);
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await readJsonBody(request);
      const admitted = await admit(parts, request.method, url.pathname, request, native, body);
      if (admitted.match.action === 'entitlements.live' && (request.headers.get('accept') ?? '').includes('text/event-stream')) {
        return eventStream(parts, admitted, request, native, cors);
      }
      const answer = await parts.routes.serve({ ...admitted, body, idempotencyKey: request.headers.get('idempotency-key') });
      return jsonResponse(answer.status, answer.body, { ...cors, ...parts.featureHeaders });
    } catch (error) {
      return errorResponse(parts, error, `${request.method} ${url.pathname}`, cors);
    }
  };
}

/** Live frames as Server-Sent Events, for hosts that cannot take WebSocket upgrades. */
function eventStream(parts: HandlerParts, { user, caller }: Admitted, request: Request, native: IncomingMessage | undefined, cors: Record<string, string>): Response {
  let detach = () => {};
  const page = new EventStreamPage(() => detach());
  detach = parts.relay.attach(caller.id, page, async () => (await parts.identify(request, native))?.id === user.id);
  request.signal?.addEventListener('abort', () => detach(), { once: true });
  return new Response(page.stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no', ...cors },
  });
}
