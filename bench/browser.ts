// Chromium for the browser measurements, and a tiny host: the bench page, its script (the
// elements bundled from source by esbuild) and a token route, as a customer's own site would.
import { build } from 'esbuild';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPlanshipGateway, type PlanshipGateway } from '../src/gateway/index.ts';
import { startServer } from '../src/server/index.ts';
import { hostedPlanOptions, PRODUCT_CLIENT } from '../test/fixtures/test-catalog.ts';
import { DEMO_CATALOG, PRODUCT, backendFor, type Backend } from './api.ts';
import { fromRoot } from './root.ts';
import { epochNow, sleep } from './stats.ts';

type PageVariant = 'meter' | 'all';

/** Every element a page can hold inside one provider (the "all" page). */
const ALL_ELEMENTS = `
  <planship-plan-picker></planship-plan-picker>
  <planship-subscription-manager></planship-subscription-manager>
  <planship-usage-meter lever="api-calls"></planship-usage-meter>
  <planship-usage-meter lever="ai-insights"></planship-usage-meter>
  <planship-entitlement lever="sso"><button>Configure SSO</button></planship-entitlement>
  <planship-entitlement lever="export-formats" includes="parquet"><button>Export Parquet</button></planship-entitlement>`;

interface BrowserFinder {
  locateBrowser(): Promise<string | undefined>;
  CHROMIUM_ARGS: string[];
}

export async function launchBrowser(): Promise<Browser> {
  // The project's own finder (plain JS, so imported by URL without type declarations).
  const finder: BrowserFinder = await import(new URL('../scripts/find-browser.mjs', import.meta.url).href);
  const { CHROMIUM_ARGS, locateBrowser } = finder;
  const executablePath = process.env.CHROME_PATH || (await locateBrowser());
  if (!executablePath) throw new Error('No Chromium found: set CHROME_PATH or install chromium.');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

let pageScript: Promise<Uint8Array> | undefined;

/** The bench page's script, bundled once per run (every measurement serves the same bytes). */
function buildPageScript(): Promise<Uint8Array> {
  pageScript ??= bundlePageScript();
  return pageScript;
}

async function bundlePageScript(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [fromRoot('bench/page/entry.ts')],
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    tsconfig: fromRoot('tsconfig.json'),
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
}

function pageHtml(apiUrl: string, variant: PageVariant, customerId: string, gateway: boolean, wsUrl?: string): string {
  const body = variant === 'meter' ? '<planship-usage-meter lever="api-calls"></planship-usage-meter>' : ALL_ELEMENTS;
  // Through the gateway the page names no customer and holds no token: its cookie says who it is.
  const provider = gateway
    ? `<planship-provider product-slug="${PRODUCT}" api-url="/planship">`
    : `<planship-provider product-slug="${PRODUCT}" customer-id="${customerId}" api-url="${apiUrl}"${wsUrl ? ` ws-url="${wsUrl}"` : ''}
  token-url="/token?customer=${encodeURIComponent(customerId)}">`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>planship-portal bench</title>
<script type="module" src="/bench.js"></script></head><body><main>
${provider}${body}
</planship-provider></main></body></html>`;
}

interface PageHost {
  pageUrl(variant: PageVariant, customerId: string): string;
  close(): Promise<void>;
}

const BENCH_USER_COOKIE = 'bench_user';

/** The portal gateway on the page's own origin, signing the page in by a cookie naming its user (bench only). */
function benchGateway(apiUrl: string) {
  return createPlanshipGateway({
    productSlug: PRODUCT,
    ...PRODUCT_CLIENT,
    baseUrl: apiUrl,
    identify: (request) => {
      const user = new RegExp(`${BENCH_USER_COOKIE}=([^;]+)`).exec(request.headers.get('cookie') ?? '')?.[1];
      return user ? { id: decodeURIComponent(user) } : null;
    },
    // A measurement ends by closing the API under requests still on their way: nothing to report.
    log: () => {},
    // What a host on hosted Planship says of its plans (the hosted profile's list does not).
    ...hostedPlanOptions(),
  });
}

interface PageHostOptions {
  gateway?: PlanshipGateway;
  /** Added to every answer of the host's token route and gateway (a network this far away). */
  delayMs: number;
  /** The API's URL as the page should use it (a delaying proxy in front of it), and its socket URL. */
  pageApiUrl: string;
  wsUrl?: string;
}

async function startPageHost(backend: Backend, { gateway, delayMs, pageApiUrl, wsUrl }: PageHostOptions): Promise<PageHost> {
  const script = await buildPageScript();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const customerId = url.searchParams.get('customer') ?? '';
    if (delayMs && (url.pathname === '/token' || url.pathname.startsWith('/planship/'))) await sleep(delayMs);
    if (gateway && url.pathname.startsWith('/planship/')) return gateway.nodeHandler(request, response);
    try {
      if (url.pathname === '/bench.js') {
        response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
        response.end(script);
        return;
      }
      if (url.pathname === '/token') {
        const token = await backend.customerToken(customerId);
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(JSON.stringify({ access_token: token, expires_in: 3600 }));
        return;
      }
      if (url.pathname === '/') {
        const variant = url.searchParams.get('variant') === 'all' ? 'all' : 'meter';
        const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
        if (gateway) {
          // The host's session: the customer's alternative id is the host's user id.
          const { alternative_id: userId } = (await backend.call('GET', `/api/v1/customers/${customerId}`)).body;
          headers['set-cookie'] = `${BENCH_USER_COOKIE}=${encodeURIComponent(userId)}; Path=/; HttpOnly`;
        }
        response.writeHead(200, headers);
        response.end(pageHtml(pageApiUrl, variant, customerId, gateway !== undefined, wsUrl));
        return;
      }
      response.writeHead(404).end();
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String((error as Error).message));
    }
  });
  server.on('upgrade', (request, socket, head) => {
    if (!gateway?.handleUpgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    pageUrl: (variant, customerId) => `${origin}/?variant=${variant}&customer=${encodeURIComponent(customerId)}`,
    close: async () => {
      await gateway?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** What a browser measurement works with: its own API server, host backend, page host and page. */
export interface BenchPage {
  apiUrl: string;
  backend: Backend;
  page: Page;
  /** The bench page's address showing `variant` to `customerId`. */
  pageUrl: PageHost['pageUrl'];
}

/**
 * Runs `measure` against a fresh server and a new page, then closes them all. `gateway`: the page
 * goes through the portal gateway on its own origin, to the server in the hosted profile.
 */
export async function withBenchPage<T>(
  browser: Browser,
  measure: (bench: BenchPage) => Promise<T>,
  { gateway = false, delayMs = 0 } = {},
): Promise<T> {
  const server = await startServer({ catalog: DEMO_CATALOG, profile: gateway ? 'hosted' : 'extended' });
  const backend = backendFor(server.url);
  // Every HTTP answer the page gets from the API comes `delayMs` late (the socket does not).
  const proxy = delayMs && !gateway ? await delayingProxy(server.url, delayMs) : undefined;
  const host = await startPageHost(backend, {
    gateway: gateway ? benchGateway(server.url) : undefined,
    delayMs,
    pageApiUrl: proxy?.url ?? server.url,
    wsUrl: proxy ? server.wsUrl : undefined,
  });
  const page = await browser.newPage();
  try {
    return await measure({ apiUrl: proxy?.url ?? server.url, backend, page, pageUrl: host.pageUrl });
  } finally {
    await page.close();
    await host.close();
    await proxy?.close();
    await server.close();
  }
}

/** A reverse proxy that holds each request `delayMs` before passing it on: a far-away API. */
async function delayingProxy(target: string, delayMs: number) {
  const server = createServer((request, response) => {
    setTimeout(() => {
      const upstream = httpRequest(target + request.url, { method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export interface ClockOffset {
  /** page clock minus Node clock, from the round trip with the smallest delay. */
  offsetMs: number;
  /** that round trip: the offset is exact to within half of it. */
  roundTripMs: number;
}

/** Compares the page's epoch clock with Node's (both timeOrigin + now) over a few round trips. */
export async function measureClockOffset(page: Page, samples = 25): Promise<ClockOffset> {
  let best: ClockOffset = { offsetMs: 0, roundTripMs: Number.POSITIVE_INFINITY };
  for (let index = 0; index < samples; index++) {
    const before = epochNow();
    const pageTime = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = epochNow();
    if (after - before < best.roundTripMs) best = { offsetMs: pageTime - (before + after) / 2, roundTripMs: after - before };
  }
  return best;
}

/** Waits until the page's meter shows `expected` (or any value when undefined). */
export async function waitForMeter(page: Page, expected?: number, timeout = 15_000): Promise<number> {
  const handle = await page.waitForFunction(
    (value) => {
      const current = window.__bench?.meterValue();
      // An object, because a value of 0 would read as "not yet".
      return current !== undefined && (value === undefined || current === value) ? { current } : false;
    },
    expected,
    { timeout, polling: 'raf' },
  );
  const shown = (await handle.jsonValue()) as { current: number };
  return shown.current;
}
