// First render: a page with the provider and every element, counted from navigation until every
// element shows content and the network is quiet: HTTP requests per API resource, sockets, and
// the time it took.
import type { Browser } from 'playwright-core';
import { measureClockOffset, withBenchPage } from './browser.ts';
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
  /** ms after navigation start when every element first showed content. */
  contentMs: number;
  /** ms after navigation start when, in addition, the last API answer arrived (network quiet). */
  completeMs: number;
  errors: string[];
  /** Every request, socket and frame in order, in ms after navigation start. */
  timeline: string[];
}

/** Names an API path by its resource, with ids and slugs replaced. */
function resourceOf(method: string, path: string): string {
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

export async function measureFirstRender(browser: Browser, { quietMs = 500 } = {}): Promise<FirstRenderResult> {
  return withBenchPage(browser, async ({ apiUrl, backend, page, pageUrl }) => {
    // One page first, untimed, so the browser has compiled the script (a returning visitor's case).
    await page.goto(pageUrl('all', await backend.createCustomer('pro')));
    await page.waitForFunction(() => window.__bench?.completeAt, undefined, { timeout: 20_000, polling: 20 });
    const customer = await backend.createCustomer('pro');
    const apiOrigin = new URL(apiUrl).origin;
    const events: NetworkEvent[] = [];
    const note = (kind: NetworkEvent['kind'], name: string) => events.push({ at: epochNow(), kind, name });
    let inFlight = 0;
    let lastAnswerAt = 0;
    const isApi = (url: string) => new URL(url).origin === apiOrigin;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/token') note('token', 'token');
      if (url.origin !== apiOrigin) return;
      inFlight += 1;
      if (request.method() === 'OPTIONS') note('preflight', `OPTIONS ${url.pathname}`);
      else note('api', resourceOf(request.method(), url.pathname) + url.search);
    });
    const answered = (request: { url(): string }) => {
      if (!isApi(request.url())) return;
      inFlight -= 1;
      lastAnswerAt = epochNow();
    };
    page.on('requestfinished', answered);
    page.on('requestfailed', answered);
    page.on('websocket', (socket) => {
      note('socket', 'socket opened');
      socket.on('framereceived', () => note('frame', 'socket frame'));
    });
    await page.goto(pageUrl('all', customer));
    const handle = await page.waitForFunction(() => window.__bench?.completeAt, undefined, { timeout: 20_000, polling: 20 });
    const contentMs = Number(await handle.jsonValue());
    // Complete = every element shows content and the API has been quiet for `quietMs` (elements
    // may load details after their first content, e.g. plan entitlements or members).
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline && (inFlight > 0 || epochNow() - lastAnswerAt < quietMs)) await sleep(20);
    const { errors } = await page.evaluate(() => window.__bench.pending());
    // The page's navigation start on Node's clock, to place events on the page's time line.
    const clock = await measureClockOffset(page);
    const navigationStart = (await page.evaluate(() => performance.timeOrigin)) - clock.offsetMs;
    const completeMs = Math.max(contentMs, lastAnswerAt - navigationStart);

    const requestsPerResource: Record<string, number> = {};
    for (const event of events) {
      if (event.kind !== 'api') continue;
      const resource = event.name.replace(/\?.*$/, '');
      requestsPerResource[resource] = (requestsPerResource[resource] ?? 0) + 1;
    }
    const countOf = (kind: NetworkEvent['kind']) => events.filter((event) => event.kind === kind).length;
    return {
      requestsPerResource,
      apiRequests: countOf('api'),
      preflights: countOf('preflight'),
      tokenRequests: countOf('token'),
      sockets: countOf('socket'),
      repeated: Object.entries(requestsPerResource).filter(([, count]) => count > 1).map(([name]) => name),
      contentMs: round(contentMs, 1),
      completeMs: round(completeMs, 1),
      errors,
      timeline: events.map((event) => `${(event.at - navigationStart).toFixed(0)} ms ${event.name}`),
    };
  });
}
