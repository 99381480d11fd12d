// A host backend for the gateway's tests: our server in the hosted profile (only what hosted
// Planship has), the gateway mounted on a node:http server at /planship, and sessions as a
// cookie the test hands out. Calls go through the gateway the way a page makes them.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createPlanshipGateway, type PlanshipGateway, type PlanshipGatewayOptions } from '../../src/gateway/index.ts';
import { startServer, type RunningServer, type RequestRecord } from '../../src/server/index.ts';
import { hostedPlanOptions, PRODUCT_CLIENT, testCatalog } from '../fixtures/test-catalog.ts';
import { backendCall } from '../fixtures/backend-call.ts';

export const PRODUCT = 'acme-analytics';

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface GatewayHost {
  api: RunningServer;
  gateway: PlanshipGateway;
  /** The host's origin, like http://127.0.0.1:1234. */
  origin: string;
  /** Every API request the gateway made (method, path, query, body; never headers). */
  upstream: RequestRecord[];
  /** Upstream request headers the gateway sent, by path (to prove what never goes upstream). */
  upstreamHeaders: { path: string; headers: Headers }[];
  /** Users by session cookie value; delete one to end that session. */
  sessions: Map<string, { id: string; email?: string; name?: string }>;
  signIn(user: { id: string; email?: string; name?: string }): string;
  call<T = any>(method: string, path: string, options?: { session?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string }): Promise<Answer<T>>;
  /** The product-credentials view of the API (the host backend's own calls, or the test's). */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  socket(session: string | undefined, options?: { origin?: string; customer?: string }): WebSocket;
  close(): Promise<void>;
}

let userCounter = 0;
export const newUserId = () => `user-${process.pid}-${++userCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`;

export interface GatewayHostOptions extends Partial<PlanshipGatewayOptions> {
  tokenTtlSeconds?: number;
  catalog?: object;
  /** Whether the host takes WebSocket upgrades (a Fetch-only host does not: live comes as SSE). */
  upgrades?: boolean;
  /** Where to listen; default 127.0.0.1 (browser tests listen on every interface, for `localhost`). */
  listen?: string;
  /**
   * The API's profile: `hosted` (default; only what hosted Planship has, so the gateway gets
   * `selfServePlans` and `seatLimits` from the catalog, as a production host must pass them) or
   * `extended` (our server's plan list says which plans are self-serve and their seats).
   */
  profile?: 'hosted' | 'extended';
}

export async function startGatewayHost(options: GatewayHostOptions = {}): Promise<GatewayHost> {
  const upstream: RequestRecord[] = [];
  const upstreamHeaders: { path: string; headers: Headers }[] = [];
  const { tokenTtlSeconds, catalog = testCatalog(), upgrades = true, listen = '127.0.0.1', profile = 'hosted', ...gatewayOptions } = options;
  const api = await startServer({ profile, catalog, tokenTtlSeconds, onRequest: (record) => upstream.push(record) });
  const sessions = new Map<string, { id: string; email?: string; name?: string }>();
  const recordingFetch: typeof fetch = (input, init) => {
    upstreamHeaders.push({ path: new URL(String(input)).pathname, headers: new Headers(init?.headers) });
    return fetch(input, init);
  };
  const gateway = createPlanshipGateway({
    productSlug: PRODUCT,
    ...PRODUCT_CLIENT,
    baseUrl: api.url,
    identify: (request) => {
      const session = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
      return (session && sessions.get(session)) || null;
    },
    fetch: recordingFetch,
    log: () => {},
    ...(profile === 'hosted' ? hostedPlanOptions(catalog as Record<string, any>, gatewayOptions.productSlug ?? PRODUCT) : {}),
    ...gatewayOptions,
  });
  const server: Server = createServer((request, response) => gateway.nodeHandler(request, response));
  server.on('upgrade', (request, socket, head) => {
    if (!upgrades || !gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, listen, resolve));
  const origin = `http://${listen.includes(':') ? '127.0.0.1' : listen}:${(server.address() as AddressInfo).port}`;

  return {
    api,
    gateway,
    origin,
    upstream,
    upstreamHeaders,
    sessions,
    signIn(user) {
      const session = `s${Math.random().toString(36).slice(2)}`;
      sessions.set(session, user);
      return session;
    },
    async call(method, path, { session, body, headers = {}, rawBody } = {}) {
      const sent: Record<string, string> = { ...headers };
      if (session) sent.cookie = `session=${session}`;
      let payload = rawBody;
      if (body !== undefined) {
        payload = JSON.stringify(body);
        sent['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${origin}/planship${path}`, { method, headers: sent, body: payload });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep the text */
      }
      return { status: response.status, headers: response.headers, body: parsed as any, text };
    },
    admin: (method, path, body) => backendCall(api.url, method, path, body),
    socket(session, { origin: from = origin, customer = 'me' } = {}) {
      const product = gatewayOptions.productSlug ?? PRODUCT;
      return new WebSocket(`${origin.replace('http', 'ws')}/planship/api/v1/ws/customers/${customer}/products/${product}/entitlements`, {
        headers: { ...(session ? { cookie: `session=${session}` } : {}), origin: from },
      });
    },
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
}

export interface Person {
  userId: string;
  session: string;
  customerId: string;
  subscriptionId?: string;
}

/**
 * A signed-in user whose customer exists (created by the host backend with the product
 * credentials: a visit through the gateway creates none), optionally subscribed to `plan` by the
 * vendor with `subscription` fields (e.g. max_subscribers).
 */
export async function signedInPerson(host: GatewayHost, plan?: string, subscription: Record<string, unknown> = {}): Promise<Person> {
  const userId = newUserId();
  const session = host.signIn({ id: userId, email: userId, name: `Name of ${userId}` });
  const created = await host.admin('POST', '/api/v1/customers', { alternative_id: userId, email: userId, name: `Name of ${userId}` });
  if (created.status !== 200) throw new Error(`customer: ${created.status} ${JSON.stringify(created.body)}`);
  const customerId = created.body.id as string;
  let subscriptionId: string | undefined;
  if (plan) {
    const subscribed = await host.admin('POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { customer_id: customerId, ...subscription });
    if (subscribed.status !== 200) throw new Error(`subscribe: ${subscribed.status} ${JSON.stringify(subscribed.body)}`);
    subscriptionId = subscribed.body.id;
  }
  return { userId, session, customerId, subscriptionId };
}

/**
 * Frames a socket receives, with a way to wait for the next one: heartbeats are skipped, and the
 * gateway's word on its own upstream socket (`upstream:down`, `upstream:up`) is kept apart.
 */
export function frames(socket: WebSocket) {
  const queue: unknown[] = [];
  const waiters: ((frame: unknown) => void)[] = [];
  const upstream: string[] = [];
  socket.on('message', (data) => {
    const text = String(data);
    if (text === 'ping') return;
    if (text.startsWith('upstream:')) return void upstream.push(text);
    const frame = JSON.parse(text);
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else queue.push(frame);
  });
  return {
    upstream,
    next(timeoutMs = 5000): Promise<any> {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame')), timeoutMs);
        waiters.push((frame) => {
          clearTimeout(timer);
          resolve(frame);
        });
      });
    },
  };
}

/** How a refused upgrade ended: the HTTP status, or the close code of an accepted socket; rejects after `timeoutMs`. */
export function upgradeOutcome(socket: WebSocket, timeoutMs = 5000): Promise<{ status?: number; closeCode?: number; opened: boolean }> {
  return new Promise((resolve, reject) => {
    let opened = false;
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`the upgrade neither failed nor closed within ${timeoutMs} ms (opened: ${opened})`));
    }, timeoutMs);
    const done = (outcome: { status?: number; closeCode?: number; opened: boolean }) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    socket.on('open', () => (opened = true));
    socket.on('unexpected-response', (_request, response) => done({ status: response.statusCode, opened }));
    socket.on('close', (code) => done({ closeCode: code, opened }));
    socket.on('error', () => {});
  });
}

/**
 * Reads a Server-Sent Events body until `pattern` matches what arrived, the stream ends (an
 * error), or `timeoutMs` passes (an error): a test never hangs on a stream.
 */
export async function readEventsUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp, seen = { text: '' }, timeoutMs = 5000): Promise<string> {
  const decoder = new TextDecoder();
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(seen.text)) {
    const left = deadline - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(seen.text.slice(-200))}`)), Math.max(0, left))));
    try {
      const { done, value } = await Promise.race([reader.read(), late]);
      if (done) throw new Error(`the stream ended before ${pattern}; got ${JSON.stringify(seen.text.slice(-200))}`);
      seen.text += decoder.decode(value, { stream: true });
    } finally {
      clearTimeout(timer);
    }
  }
  return seen.text;
}

/**
 * Sends `text` on a fresh TCP connection; resolves with everything the server wrote and whether
 * the server ended the connection (false: still open after `timeoutMs`, so the test ended it).
 */
export function rawConversation(origin: string, text: string, timeoutMs = 5_000): Promise<{ received: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let received = '';
    let timedOut = false;
    socket.setEncoding('utf8');
    // A handler that never answers or never lets go: the test ends the connection instead of hanging.
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk) => (received += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closedByServer: !timedOut });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
  });
}

/** Sends `text` on a fresh TCP connection and resolves with everything the server wrote before closing it. */
export async function rawExchange(origin: string, text: string): Promise<string> {
  return (await rawConversation(origin, text)).received;
}
