// The checks every host-framework recipe passes, through the real framework: our server in the
// hosted profile (only what hosted Planship has) behind the recipe's gateway, and requests made
// the way a page makes them (session cookie, the browser's Origin and Sec-Fetch-Site headers).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { RecipeOptions, RunningHost } from '../../examples/gateway/common.ts';
import { SESSION_COOKIE, signSession } from '../../src/gateway/session.ts';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { PRODUCT_CLIENT, testCatalog } from '../fixtures/test-catalog.ts';

/** Ada's session cookie (every request's by default), as the host's sign-in sets it. */
export const adaCookie = () => `${SESSION_COOKIE}=${signSession(ADA, SESSION_SECRET)}`;

export type LiveTransport = 'websocket' | 'server-sent events';

const PRODUCT = 'acme-analytics';
const SESSION_SECRET = 'recipe-tests-session-secret-0123456789';
const ADA = { id: 'ada@example.com', email: 'ada@example.com', name: 'Ada Lovelace' };
const GRACE_ID = 'grace@example.com';
const LIVE_WAIT_MS = 5_000;
/** What a Planship token looks like on our server (and anything shaped like a bearer credential). */
const TOKEN_SHAPES = [/\b(?:pt|ct)_[A-Za-z0-9_-]{20,}/, /access_token/i, /bearer\s+\S/i];

/** Everything the page got (headers and bodies, frames too), for the "no token, no Set-Cookie" check. */
interface Seen {
  headers: Headers[];
  texts: string[];
}

interface PageAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, else the text. */
  body: any;
}

interface PageRequest {
  body?: unknown;
  /** A body sent as it is (with the JSON content type unless headers say otherwise). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** A Cookie header; default Ada's session, null for none. */
  session?: string | null;
}

/** What a framework's own checks get: the running host, and requests made the way its page makes them. */
export interface RecipeContext {
  host(): RunningHost;
  page(method: string, path: string, options?: PageRequest): Promise<PageAnswer>;
  adaSubscription(): Promise<{ subscription_id: string; auto_renew: boolean }>;
}

export function recipeSuite(name: string, start: (options: RecipeOptions) => Promise<RunningHost>, live: readonly LiveTransport[], frameworkChecks?: (context: RecipeContext) => void): void {
  describe(`${name} recipe`, () => {
    let api: RunningServer;
    let host: RunningHost;
    const seen: Seen = { headers: [], texts: [] };
    const cookie = (user = ADA, secret = SESSION_SECRET) => `${SESSION_COOKIE}=${signSession(user, secret)}`;
    const gatewayUrl = (path: string) => `${host.url}/planship/api/v1${path}`;

    /** A request as the page's own script makes it (same origin), with its session unless told otherwise. */
    async function page(method: string, path: string, options: PageRequest = {}): Promise<PageAnswer> {
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const headers: Record<string, string> = { 'sec-fetch-site': 'same-origin', ...(body !== undefined && { 'content-type': 'application/json' }), ...options.headers };
      const session = options.session === undefined ? cookie() : options.session;
      if (session) headers.cookie = session;
      if (method !== 'GET' && !headers.origin) headers.origin = host.url;
      const response = await fetch(gatewayUrl(path), { method, headers, body });
      const text = await response.text();
      seen.headers.push(response.headers);
      seen.texts.push(text);
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: the text */
      }
      return { status: response.status, headers: response.headers, body: parsed };
    }

    async function adaSubscription(): Promise<{ subscription_id: string; auto_renew: boolean }> {
      const { body } = await backendCall(api.url, 'GET', `/api/v1/customers/${ADA.id}/subscriptions?product_slug=${PRODUCT}`);
      return body.find((subscription: { is_active: boolean }) => subscription.is_active);
    }

    before(async () => {
      api = await startServer({ profile: 'hosted', catalog: testCatalog() });
      host = await start({ apiUrl: api.url, ...PRODUCT_CLIENT, sessionSecret: SESSION_SECRET });
    });
    after(async () => {
      await host?.close();
      await api?.close();
    });

    it('answers 401 without a session (the public catalog aside), and for a cookie signed with another secret', async () => {
      const none = await page('GET', `/customers/me/subscriptions`, { session: null });
      assert.equal(none.status, 401);
      assert.equal(typeof none.body.detail, 'string');
      assert.equal((await page('GET', `/products/${PRODUCT}/plans`, { session: null })).status, 200, 'a visitor reads the public plans');
      const forged = await page('GET', `/customers/me/subscriptions`, { session: cookie(ADA, 'another-secret-that-is-long-enough-000') });
      assert.equal(forged.status, 401);
    });

    it('reads the plans and the customer\'s own subscriptions (`me`) with 200', async () => {
      const plans = await page('GET', `/products/${PRODUCT}/plans`);
      assert.equal(plans.status, 200);
      assert.ok(plans.body.some((plan: { slug: string }) => plan.slug === 'pro'));
      const own = await page('GET', `/customers/me/subscriptions?product_slug=${PRODUCT}`);
      assert.equal(own.status, 200);
      assert.equal(own.headers.get('cache-control'), 'no-store');
      assert.deepEqual(own.body.filter((s: { is_active: boolean }) => s.is_active).map((s: { plan: { slug: string } }) => s.plan.slug), ['pro']);
    });

    it('refuses another customer by alternative id and by uuid with 403', async () => {
      assert.equal((await page('GET', `/customers/${GRACE_ID}/subscriptions`)).status, 403);
      const grace = await backendCall(api.url, 'GET', `/api/v1/customers/${GRACE_ID}`);
      assert.equal((await page('GET', `/customers/${grace.body.id}/products/${PRODUCT}/entitlements`)).status, 403);
    });

    it('a first visit creates nothing; the first write creates the customer from the session\'s id, email and name', async () => {
      const newcomer = { id: `recipe-${name}-${process.pid}`.replace(/[^\w-]/g, '-'), email: `first-${process.pid}@example.com`, name: 'First Visit' };
      const first = await page('GET', '/customers/me/subscriptions', { session: cookie(newcomer) });
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, []);
      assert.equal((await backendCall(api.url, 'GET', `/api/v1/customers/${newcomer.id}`)).status, 404, 'a visit creates no customer');
      const subscribed = await page('POST', `/products/${PRODUCT}/plans/free/subscriptions`, { session: cookie(newcomer), body: { customer_id: 'me' } });
      assert.equal(subscribed.status, 200, JSON.stringify(subscribed.body));
      const created = await backendCall(api.url, 'GET', `/api/v1/customers/${newcomer.id}`);
      assert.equal(created.status, 200);
      assert.equal(created.body.email, newcomer.email);
    });

    it('takes a PATCH with a JSON body (200), and the change reaches Planship', async () => {
      const subscription = await adaSubscription();
      const answer = await page('PATCH', `/customers/me/subscriptions/${subscription.subscription_id}`, { body: { auto_renew: !subscription.auto_renew } });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.auto_renew, !subscription.auto_renew);
      assert.equal((await adaSubscription()).auto_renew, !subscription.auto_renew);
    });

    it('refuses a cross-site write with 403 and changes nothing', async () => {
      const before = await adaSubscription();
      const answer = await page('PATCH', `/customers/me/subscriptions/${before.subscription_id}`, {
        body: { auto_renew: !before.auto_renew },
        headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      });
      assert.equal(answer.status, 403);
      assert.equal(answer.headers.get('access-control-allow-origin'), null);
      assert.equal((await adaSubscription()).auto_renew, before.auto_renew);
    });

    for (const transport of live) {
      it(`pushes a usage report made with product credentials to the page over ${transport}`, async () => {
        const frames = transport === 'websocket' ? webSocketFrames(host.url, cookie()) : eventStreamFrames(host.url, cookie());
        try {
          const greeting = await frames.next((frame) => typeof frame['api-calls'] === 'number');
          const report = await backendCall(api.url, 'POST', `/api/v1/customers/${ADA.id}/products/${PRODUCT}/usage/api-calls`, { usage: 7 });
          assert.equal(report.status, 200);
          const pushed = await frames.next((frame) => frame['api-calls'] === greeting['api-calls'] - 7);
          assert.equal(pushed['api-calls'], greeting['api-calls'] - 7);
        } finally {
          frames.close();
          seen.texts.push(...frames.raw);
        }
      });
    }

    frameworkChecks?.({ host: () => host, page, adaSubscription });

    it('hands the page no Set-Cookie and no Planship token', () => {
      // Every answer of the checks above (9), and the live frames.
      assert.ok(seen.headers.length >= 9 && seen.texts.length > seen.headers.length, `${seen.headers.length} answers`);
      for (const headers of seen.headers) {
        assert.equal(headers.get('set-cookie'), null);
        assert.equal(headers.get('authorization'), null);
      }
      for (const text of [...seen.texts, ...seen.headers.map((headers) => JSON.stringify([...headers]))]) {
        for (const shape of TOKEN_SHAPES) assert.doesNotMatch(text, shape);
        assert.ok(!text.includes(PRODUCT_CLIENT.clientSecret), text);
      }
    });
  });
}

/** Live frames as the page receives them, waited for by condition (never by a fixed sleep). */
interface FrameReader {
  next(wanted: (frame: Record<string, any>) => boolean): Promise<Record<string, any>>;
  /** Every raw frame text received. */
  raw: string[];
  close(): void;
}

function frameReader(subscribe: (onFrame: (text: string) => void, onFail: (error: Error) => void) => () => void): FrameReader {
  const raw: string[] = [];
  const waiting: { wanted: (frame: Record<string, any>) => boolean; resolve: (frame: Record<string, any>) => void; reject: (error: Error) => void }[] = [];
  const frames: Record<string, any>[] = [];
  const deliver = () => {
    for (const waiter of [...waiting]) {
      const index = frames.findIndex(waiter.wanted);
      if (index < 0) continue;
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(frames.splice(0, index + 1).pop()!);
    }
  };
  const unsubscribe = subscribe(
    (text) => {
      raw.push(text);
      if (text === 'ping') return;
      frames.push(JSON.parse(text));
      deliver();
    },
    (error) => waiting.splice(0).forEach((waiter) => waiter.reject(error)),
  );
  return {
    raw,
    next: (wanted) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such live frame within ${LIVE_WAIT_MS} ms; got ${raw.length} frames`)), LIVE_WAIT_MS);
        waiting.push({ wanted, resolve: (frame) => (clearTimeout(timer), resolve(frame)), reject: (error) => (clearTimeout(timer), reject(error)) });
        deliver();
      }),
    close: unsubscribe,
  };
}

const LIVE_PATH = `/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`;

function webSocketFrames(origin: string, cookie: string): FrameReader {
  return frameReader((onFrame, onFail) => {
    const socket = new WebSocket(origin.replace(/^http/, 'ws') + LIVE_PATH, { headers: { cookie, origin } });
    socket.on('message', (data) => onFrame(String(data)));
    socket.on('unexpected-response', (_request, response) => onFail(new Error(`upgrade refused: ${response.statusCode}`)));
    socket.on('error', onFail);
    return () => socket.close();
  });
}

function eventStreamFrames(origin: string, cookie: string): FrameReader {
  const aborted = new AbortController();
  return frameReader((onFrame, onFail) => {
    void (async () => {
      const response = await fetch(origin + LIVE_PATH, { headers: { cookie, accept: 'text/event-stream', 'sec-fetch-site': 'same-origin' }, signal: aborted.signal });
      if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
        throw new Error(`event stream refused: ${response.status} ${response.headers.get('content-type')}`);
      }
      const decoder = new TextDecoder();
      let buffered = '';
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = event.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          if (data && !/^event: (ping|close)$/m.test(event)) onFrame(data);
        }
      }
    })().catch((error: Error) => {
      if (error.name !== 'AbortError') onFail(error);
    });
    return () => aborted.abort();
  });
}
