// Shared helpers for the server's Node tests: a real server on port 0, raw HTTP calls that keep
// status, headers and body, fresh customers, and an entitlements socket with a frame queue.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/index.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';

export const PRODUCT = 'acme-analytics';
export { BASIC } from '../fixtures/backend-call.ts';
import { BASIC } from '../fixtures/backend-call.ts';

/** The demo product's entitlements with no active subscription: every lever at its default. */
export const DEFAULT_ENTITLEMENTS = {
  'api-calls': 0,
  'api-burst': 0,
  'ai-insights': 0,
  dashboards: 0,
  'data-retention-days': 0,
  'export-formats': [],
  sso: false,
  'priority-support': false,
};

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  /** A bearer token, 'basic' for the demo client credentials, or a full Authorization value via `authorization`. */
  token?: string;
  authorization?: string;
  body?: unknown;
  /** Sent as is (no JSON encoding). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export class TestApi {
  private counter = 0;

  constructor(readonly server: RunningServer) {}

  get url(): string {
    return this.server.url;
  }

  async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    else if (options.token === 'basic') headers.authorization = BASIC;
    else if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.server.url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  /** Calls with the demo client's Basic credentials (the host backend's view). */
  admin<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>> {
    return this.call<T>(method, path, { token: 'basic', body, headers });
  }

  async productToken(): Promise<string> {
    const answer = await this.call('POST', '/api/v1/auth/token', { authorization: BASIC });
    if (answer.status !== 200) throw new Error(`token answered ${answer.status}`);
    return answer.body.access_token;
  }

  async customerToken(customerId: string, expiresIn?: number): Promise<string> {
    const answer = await this.admin('POST', '/api/v1/auth/customer-token', {
      customer_id: customerId,
      ...(expiresIn ? { expires_in: expiresIn } : {}),
    });
    if (answer.status !== 200) throw new Error(`customer-token answered ${answer.status}: ${answer.text}`);
    return answer.body.access_token;
  }

  /** A fresh customer, optionally subscribed to a plan; returns its ids. */
  async createCustomer(options: { plan?: string; product?: string; maxSubscribers?: number } = {}) {
    const alternativeId = `node-${process.pid}-${(this.counter += 1)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const created = await this.admin('POST', '/api/v1/customers', { alternative_id: alternativeId, name: 'Test Customer', email: alternativeId });
    if (created.status !== 200) throw new Error(`create customer answered ${created.status}`);
    let subscriptionId: string | undefined;
    if (options.plan) {
      const body: Record<string, unknown> = { customer_id: created.body.id };
      if (options.maxSubscribers !== undefined) body.max_subscribers = options.maxSubscribers;
      const subscribed = await this.admin('POST', `/api/v1/products/${options.product ?? PRODUCT}/plans/${options.plan}/subscriptions`, body);
      if (subscribed.status !== 200) throw new Error(`subscribe answered ${subscribed.status}: ${subscribed.text}`);
      subscriptionId = subscribed.body.id;
    }
    return { id: created.body.id as string, alternativeId, subscriptionId: subscriptionId as string };
  }

  reportUsage(customerId: string, meteringId: string, usage: number, extra: Record<string, unknown> = {}) {
    return this.admin('POST', `/api/v1/customers/${encodeURIComponent(customerId)}/products/${PRODUCT}/usage/${meteringId}`, { usage, ...extra });
  }

  /**
   * Many usage reports of one customer, `concurrency` at a time over keep-alive connections
   * (node:http is several times faster than fetch for thousands of small calls); their statuses.
   */
  async reportMany(customerId: string, meteringId: string, reports: Record<string, unknown>[], concurrency = 64): Promise<number[]> {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const { hostname, port } = new URL(this.url);
    const path = `/api/v1/customers/${encodeURIComponent(customerId)}/products/${PRODUCT}/usage/${meteringId}`;
    const post = (body: string) =>
      new Promise<number>((resolve, reject) => {
        const headers = { authorization: BASIC, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
        request({ agent, hostname, port, method: 'POST', path, headers }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        }).on('error', reject).end(body);
      });
    const statuses: number[] = [];
    try {
      for (let start = 0; start < reports.length; start += concurrency) {
        statuses.push(...(await Promise.all(reports.slice(start, start + concurrency).map((report) => post(JSON.stringify(report))))));
      }
    } finally {
      agent.destroy();
    }
    return statuses;
  }

  entitlements(customerId: string) {
    return this.admin('GET', `/api/v1/customers/${encodeURIComponent(customerId)}/products/${PRODUCT}/entitlements`);
  }

  advanceClock(seconds: number) {
    return this.admin('POST', '/__emulator/clock', { advance_seconds: seconds });
  }
}

export async function startTestServer(options: StartServerOptions = {}): Promise<TestApi> {
  const server = await startServer({ catalog: testCatalog(), log: () => {}, ...options });
  return new TestApi(server);
}

/** An entitlements socket that queues every frame it receives. */
export class EntitlementsSocket {
  readonly frames: any[] = [];
  private waiting: ((frame: any) => void)[] = [];
  private read = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      this.frames.push(frame);
      this.waiting.shift()?.(frame);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static async open(api: TestApi, customer: string, token: string, product = PRODUCT): Promise<EntitlementsSocket> {
    const wsUrl = `${api.server.wsUrl}/api/v1/ws/customers/${customer}/products/${product}/entitlements?token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(wsUrl);
    const wrapper = new EntitlementsSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return wrapper;
  }

  /** The next frame not read yet (waits up to `timeoutMs`). */
  next(timeoutMs = 5000): Promise<any> {
    if (this.read < this.frames.length) return Promise.resolve(this.frames[this.read++]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame arrived')), timeoutMs);
      this.waiting.push((frame) => {
        clearTimeout(timer);
        this.read += 1;
        resolve(frame);
      });
    });
  }

  /**
   * Pings the server and waits for its pong (or the socket's close): frames are read in order, so
   * whatever the server sent this socket before answering is here by then. A sentinel, instead of
   * waiting a while to see that nothing arrives.
   */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState !== WebSocket.OPEN) return resolve();
      this.socket.once('pong', () => resolve());
      this.closed.then(() => resolve());
      this.socket.ping();
    });
  }

  /** Frames received and not read yet. */
  get unread(): number {
    return this.frames.length - this.read;
  }

  close(): void {
    this.socket.close();
  }
}

/** The HTTP status a refused upgrade answered with. */
export async function upgradeStatus(api: TestApi, customer: string, token: string, product = PRODUCT): Promise<number> {
  return (await upgradeRefusal(api, customer, token, product)).status;
}

/** The answer to a refused WebSocket upgrade: status, headers and the FastAPI-shaped body. */
export function upgradeRefusal(api: TestApi, customer: string, token: string, product = PRODUCT): Promise<{ status: number; headers: IncomingHttpHeaders; body: any }> {
  const wsUrl = `${api.server.wsUrl}/api/v1/ws/customers/${customer}/products/${product}/entitlements?token=${encodeURIComponent(token)}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl);
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) });
        socket.terminate();
      });
    });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('error', () => {
      /* reported through unexpected-response */
    });
  });
}
