// First render: a page with the provider and every element, counted from navigation until every
// element shows content: HTTP requests per API resource, sockets, and the time it took.
import type { Browser } from 'playwright-core';
import { startServer } from '../src/server/index.ts';
import { DEMO_CATALOG, backendFor } from './api.ts';
import { measureClockOffset, startPageHost } from './browser.ts';
import { epochNow, round, sleep } from './stats.ts';

export interface FirstRenderResult {
  /** "GET plans" -> count; API requests only (page, script and token are listed apart). */
  requestsPerResource: Record<string, number>;
  apiRequests: number;
  preflights: number;
  tokenRequests: number;
  sockets: number;
  /** Resources fetched more than once (the goal is none). */
  repeated: string[];
  completeMs: number;
  /** API requests in the settle time after completion (listed in the timeline, not counted). */
  requestsAfterComplete: number;
  errors: string[];
  /** Every request, socket and frame in order, in ms after navigation start. */
  timeline: string[];
}

/** Names an API path by its resource, with ids and slugs replaced. */
export function resourceOf(method: string, path: string): string {
  const rules: [RegExp, string][] = [
    [/^\/api\/v1\/customers\/[^/]+\/products\/[^/]+\/entitlements$/, 'entitlements'],
    [/^\/api\/v1\/customers\/[^/]+\/products\/[^/]+\/levers\/([^/]+)\/usage$/, 'lever usage ($1)'],
    [/^\/api\/v1\/customers\/[^/]+\/products\/[^/]+\/usage\/([^/]+)$/, 'metering usage ($1)'],
    [/^\/api\/v1\/customers\/[^/]+\/subscriptions\/[^/]+\/customers$/, 'subscription customers'],
    [/^\/api\/v1\/customers\/[^/]+\/subscriptions\/[^/]+$/, 'subscription'],
    [/^\/api\/v1\/customers\/[^/]+\/subscriptions$/, 'subscriptions'],
    [/^\/api\/v1\/customers\/[^/]+$/, 'customer'],
    [/^\/api\/v1\/products\/[^/]+\/plans\/([^/]+)$/, 'plan ($1)'],
    [/^\/api\/v1\/products\/[^/]+\/plans$/, 'plans'],
    [/^\/api\/v1\/products\/[^/]+\/levers$/, 'levers'],
    [/^\/api\/v1\/products\/[^/]+$/, 'product'],
  ];
  for (const [pattern, name] of rules) {
    const match = pattern.exec(path);
    if (match) return `${method} ${name.replace('$1', match[1] ?? '')}`;
  }
  return `${method} ${path}`;
}

interface NetworkEvent {
  /** Node's epoch clock when Playwright reported it. */
  at: number;
  kind: 'api' | 'preflight' | 'token' | 'socket' | 'frame';
  name: string;
}

export async function measureFirstRender(browser: Browser, { settleMs = 500 } = {}): Promise<FirstRenderResult> {
  const server = await startServer({ catalog: DEMO_CATALOG });
  const backend = backendFor(server.url);
  const host = await startPageHost(server.url, backend);
  const page = await browser.newPage();
  try {
    const customer = await backend.createCustomer('pro');
    const apiOrigin = new URL(server.url).origin;
    const events: NetworkEvent[] = [];
    const note = (kind: NetworkEvent['kind'], name: string) => events.push({ at: epochNow(), kind, name });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/token') note('token', 'token');
      if (url.origin !== apiOrigin) return;
      if (request.method() === 'OPTIONS') note('preflight', `OPTIONS ${url.pathname}`);
      else note('api', resourceOf(request.method(), url.pathname) + url.search);
    });
    page.on('websocket', (socket) => {
      note('socket', 'socket opened');
      socket.on('framereceived', () => note('frame', 'socket frame'));
    });
    await page.goto(host.pageUrl('all', customer));
    const handle = await page.waitForFunction(() => window.__bench?.completeAt, undefined, { timeout: 20_000, polling: 20 });
    const completeMs = Number(await handle.jsonValue());
    await sleep(settleMs); // what still comes after "complete" is listed, not counted
    const { errors } = await page.evaluate(() => window.__bench.pending());
    // The page's navigation start on Node's clock, to split events at the moment of completion.
    const clock = await measureClockOffset(page);
    const navigationStart = (await page.evaluate(() => performance.timeOrigin)) - clock.offsetMs;
    const completeAt = navigationStart + completeMs;

    const before = events.filter((event) => event.at <= completeAt);
    const requestsPerResource: Record<string, number> = {};
    for (const event of before) {
      if (event.kind !== 'api') continue;
      const resource = event.name.replace(/\?.*$/, '');
      requestsPerResource[resource] = (requestsPerResource[resource] ?? 0) + 1;
    }
    const countOf = (kind: NetworkEvent['kind'], list = before) => list.filter((event) => event.kind === kind).length;
    const after = events.filter((event) => event.at > completeAt);
    return {
      requestsPerResource,
      apiRequests: countOf('api'),
      preflights: countOf('preflight'),
      tokenRequests: countOf('token'),
      sockets: countOf('socket'),
      repeated: Object.entries(requestsPerResource).filter(([, count]) => count > 1).map(([name]) => name),
      completeMs: round(completeMs, 1),
      requestsAfterComplete: countOf('api', after),
      errors,
      timeline: events.map(
        (event) => `${(event.at - navigationStart).toFixed(0)} ms ${event.name}${event.at > completeAt ? ' (after complete)' : ''}`,
      ),
    };
  } finally {
    await page.close();
    await host.close();
    await server.close();
  }
}
