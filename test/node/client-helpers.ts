// Shared helpers for the client's Node tests: a real server, the host backend's admin calls,
// fresh customers, a fetch that records what the client sends, and polling.
import WebSocket from 'ws';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/index.ts';
import { PlanshipCustomer, PlanshipProduct, type PlanshipOptions, type WebSocketConstructor } from '../../src/client/index.ts';
import type { WebSocketLike } from '../../src/client/live.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { PRODUCT_CLIENT, testCatalog } from '../fixtures/test-catalog.ts';

export const PRODUCT = 'acme-analytics';
export const CREDENTIALS = { clientId: PRODUCT_CLIENT.clientId, clientSecret: PRODUCT_CLIENT.clientSecret };
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

export function startTestServer(options: StartServerOptions = {}): Promise<RunningServer> {
  return startServer({ catalog: testCatalog(), log: () => {}, ...options });
}

/** The host backend's call with product credentials. */
export function admin(server: RunningServer, method: string, path: string, body?: unknown) {
  return backendCall(server.url, method, path, body);
}

export async function customerToken(server: RunningServer, customerId: string, expiresIn?: number): Promise<string> {
  const answer = await admin(server, 'POST', '/api/v1/auth/customer-token', { customer_id: customerId, expires_in: expiresIn });
  if (answer.status !== 200) throw new Error(`customer-token answered ${answer.status}`);
  return answer.body.access_token;
}

let counter = 0;

/** A fresh customer (tests never share state), subscribed to `plan` of acme-analytics when given. */
export async function freshCustomer(server: RunningServer, plan?: string, maxSubscribers?: number): Promise<string> {
  const unique = `client-${process.pid}-${counter++}`;
  const created = await admin(server, 'POST', '/api/v1/customers', { name: `Test ${unique}`, email: `${unique}@example.com`, alternative_id: unique });
  if (created.status !== 200) throw new Error(`create customer answered ${created.status}`);
  if (plan) {
    const body: Record<string, unknown> = { customer_id: created.body.id };
    if (maxSubscribers) body.max_subscribers = maxSubscribers;
    const subscribed = await admin(server, 'POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, body);
    if (subscribed.status !== 200) throw new Error(`subscribe answered ${subscribed.status}`);
  }
  return created.body.id;
}

export function reportUsageAsAdmin(server: RunningServer, customerId: string, meteringId: string, usage: number) {
  return admin(server, 'POST', `/api/v1/customers/${customerId}/products/${PRODUCT}/usage/${meteringId}`, { usage });
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  body: unknown;
  headers: Record<string, string>;
  credentials?: RequestCredentials;
  /** The answer's status, once it came (undefined for a network failure). */
  status?: number;
}

/** A fetch that passes everything to the real one and records each request. */
export function recordingFetch(inner: typeof fetch = globalThis.fetch) {
  const requests: RecordedRequest[] = [];
  const recorder = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers = Object.fromEntries(new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).entries());
    const text = typeof init.body === 'string' ? init.body : undefined;
    const request: RecordedRequest = { method: init.method ?? 'GET', path: url.pathname, query: url.search, body: text ? JSON.parse(text) : undefined, headers, credentials: init.credentials };
    requests.push(request);
    const response = await inner(input, init);
    request.status = response.status;
    return response;
  };
  return Object.assign(recorder, { requests, count: (method: string, pathPart: string) => requests.filter((r) => r.method === method && r.path.includes(pathPart)).length });
}

export function customerClient(server: RunningServer, customerId: string, options: PlanshipOptions = {}) {
  return new PlanshipCustomer(PRODUCT, customerId, CREDENTIALS, { baseUrl: server.url, WebSocket: NodeWebSocket, ...options });
}

export function productClient(server: RunningServer, options: PlanshipOptions = {}) {
  return new PlanshipProduct(PRODUCT, CREDENTIALS, { baseUrl: server.url, ...options });
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(check: () => T | Promise<T>, what = 'condition', timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A token getter like a host page's, recording the forceRefresh flag of each call in `flags`. */
export function recordingGetter<T>(source: (forceRefresh: boolean) => Promise<T>) {
  const flags: boolean[] = [];
  const getter = async (forceRefresh?: boolean) => {
    flags.push(!!forceRefresh);
    return source(!!forceRefresh);
  };
  return Object.assign(getter, { flags });
}

/**
 * A `ws` socket that shows only what a browser's WebSocket shows (no ping, no event-emitter API):
 * the client then behaves as it does in a page.
 */
export class BrowserLikeWebSocket implements WebSocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly #socket: WebSocket;

  constructor(url: string) {
    this.#socket = new WebSocket(url);
    this.#socket.onopen = (event) => this.onopen?.(event);
    this.#socket.onmessage = (event) => this.onmessage?.({ data: event.data });
    this.#socket.onclose = (event) => this.onclose?.({ code: event.code });
    this.#socket.onerror = (event) => this.onerror?.(event);
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }
}
