// First render: a page with the provider and every element, counted from navigation until every
// element shows content: HTTP requests per API resource, sockets, and the time it took.
import type { Browser } from 'playwright-core';
import { startServer } from '../src/server/index.ts';
import { DEMO_CATALOG, backendFor } from './api.ts';
import { startPageHost } from './browser.ts';
import { round } from './stats.ts';

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
  errors: string[];
  /** Every API request in order: ms after navigation started (Node clock) and resource. */
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

export async function measureFirstRender(browser: Browser): Promise<FirstRenderResult> {
  const server = await startServer({ catalog: DEMO_CATALOG });
  const backend = backendFor(server.url);
  const host = await startPageHost(server.url, backend);
  const page = await browser.newPage();
  try {
    const customer = await backend.createCustomer('pro');
    const apiOrigin = new URL(server.url).origin;
    const requestsPerResource: Record<string, number> = {};
    let preflights = 0;
    let tokenRequests = 0;
    let sockets = 0;
    let counting = true;
    const timeline: string[] = [];
    let navigationStarted = performance.now();
    page.on('request', (request) => {
      if (!counting) return;
      const url = new URL(request.url());
      if (url.pathname === '/token') tokenRequests += 1;
      if (url.origin !== apiOrigin) return;
      if (request.method() === 'OPTIONS') {
        preflights += 1;
        return;
      }
      const name = resourceOf(request.method(), url.pathname);
      requestsPerResource[name] = (requestsPerResource[name] ?? 0) + 1;
      timeline.push(`${(performance.now() - navigationStarted).toFixed(0)} ms ${name}`);
    });
    page.on('websocket', (socket) => {
      if (!counting) return;
      sockets += 1;
      timeline.push(`${(performance.now() - navigationStarted).toFixed(0)} ms socket opened`);
      socket.on('framereceived', () => {
        if (counting) timeline.push(`${(performance.now() - navigationStarted).toFixed(0)} ms socket frame`);
      });
    });
    navigationStarted = performance.now();
    await page.goto(host.pageUrl('all', customer));
    const handle = await page.waitForFunction(() => window.__bench?.completeAt, undefined, { timeout: 20_000, polling: 50 });
    const completeMs = Number(await handle.jsonValue());
    counting = false;
    const { errors } = await page.evaluate(() => window.__bench.pending());
    const apiRequests = Object.values(requestsPerResource).reduce((sum, count) => sum + count, 0);
    return {
      requestsPerResource,
      apiRequests,
      preflights,
      tokenRequests,
      sockets,
      repeated: Object.entries(requestsPerResource).filter(([, count]) => count > 1).map(([name]) => name),
      completeMs: round(completeMs, 1),
      errors,
      timeline,
    };
  } finally {
    await page.close();
    await host.close();
    await server.close();
  }
}
