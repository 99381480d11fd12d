// Chromium for the browser measurements, and a tiny host: the bench page, its script (the
// elements bundled from source by esbuild) and a token route, as a customer's own site would.
import { build } from 'esbuild';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPlanshipGateway, type PlanshipGateway } from '../src/gateway/index.ts';
import { startServer } from '../src/server/index.ts';
import { hostedPlanOptions, PRODUCT_CLIENT } from '../test/fixtures/test-catalog.ts';
import { DEMO_CATALOG, PRODUCT, backendFor, type Backend } from './api.ts';
import { fromRoot } from './root.ts';
import { epochNow, sleep } from './stats.ts';

/** One meter, every element in one provider, or the minimal page (one tiny Lit element, no portal). */
export type PageVariant = 'meter' | 'all' | 'minimal';

export interface PageOptions {
  /** `<link rel="preload">` of the gateway's first-render answer in the head (the README's snippet; gateway only). */
  preload?: boolean;
  /** Rendered on the server from the gateway's snapshot, hydrated by the script (gateway only). */
  ssr?: boolean;
}

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

/** The bench pages' scripts by path: the portal's, the server-rendered page's (with hydration support), the minimal page's. */
const SCRIPTS = {
  '/bench.js': 'bench/page/entry.ts',
  '/bench-ssr.js': 'bench/page/ssr-entry.ts',
  '/bench-minimal.js': 'bench/page/minimal-entry.ts',
} as const;
type ScriptPath = keyof typeof SCRIPTS;

const pageScripts = new Map<ScriptPath, Promise<Uint8Array>>();

/** A bench page's script, bundled once per run (every measurement serves the same bytes). */
function buildPageScript(path: ScriptPath): Promise<Uint8Array> {
  let script = pageScripts.get(path);
  if (!script) pageScripts.set(path, (script = bundlePageScript(SCRIPTS[path])));
  return script;
}

/**
 * Bundled and minified by esbuild, which leaves the text of template literals as written: Lit's
 * hydration compares the page's templates with those the server rendered.
 */
async function bundlePageScript(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [fromRoot(entry)],
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

/** The provider as the page writes it: through the gateway (no customer, no token) or direct. */
function providerTag(apiUrl: string, customerId: string, gateway: boolean, wsUrl?: string): string {
  // Through the gateway the page names no customer and holds no token: its cookie says who it is.
  return gateway
    ? `<planship-provider product-slug="${PRODUCT}" api-url="/planship">`
    : `<planship-provider product-slug="${PRODUCT}" customer-id="${customerId}" api-url="${apiUrl}"${wsUrl ? ` ws-url="${wsUrl}"` : ''}
  token-url="/token?customer=${encodeURIComponent(customerId)}">`;
}

/** The portal markup of a page: the provider and its elements. */
function portalMarkup(apiUrl: string, variant: 'meter' | 'all', customerId: string, gateway: boolean, wsUrl?: string): string {
  const body = variant === 'meter' ? '<planship-usage-meter lever="api-calls"></planship-usage-meter>' : ALL_ELEMENTS;
  return `${providerTag(apiUrl, customerId, gateway, wsUrl)}${body}
</planship-provider>`;
}

/**
 * A bench page: `content` in the body, `script` in the head (after the preload line, if any), and
 * at the end of the body the moment the HTML was parsed (first content of a server-rendered page).
 */
function pageHtml(content: string, script: ScriptPath, preload: boolean): string {
  // No favicon: the browser asks for none (one request less, no 404 in the console).
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>planship-portal bench</title><link rel="icon" href="data:,">
${preload ? '<link rel="preload" href="/planship/portal" as="fetch" crossorigin="use-credentials">\n' : ''}<script type="module" src="${script}"></script></head><body><main>
${content}
</main><script>window.__htmlParsedAt = performance.now()</script></body></html>`;
}

interface PageHost {
  pageUrl(variant: PageVariant, customerId: string, options?: PageOptions): string;
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

/** How far away the page's servers are: every request waits `ms` before it is answered (read per request). */
export interface Delay {
  ms: number;
}

/** One request a bench server received (Node's epoch clock). */
export interface RequestRecord {
  /** The page's host (document, scripts, token route, gateway) or the API's delaying proxy. */
  server: 'host' | 'api';
  method: string;
  /** Path and query. */
  path: string;
  arrivedAt: number;
  /** When the answer's last byte was handed to the socket; undefined while on its way (or never). */
  endedAt?: number;
}

/** Notes a request as it arrives and its answer's end (when it ends). */
function recordRequest(records: RequestRecord[], server: RequestRecord['server'], request: IncomingMessage, response: ServerResponse) {
  const record: RequestRecord = { server, method: request.method ?? 'GET', path: request.url ?? '/', arrivedAt: epochNow() };
  records.push(record);
  response.once('finish', () => (record.endedAt = epochNow()));
}

interface PageHostOptions {
  gateway?: PlanshipGateway;
  /** Every request the host gets waits this long before it is answered (a network this far away). */
  delay: Delay;
  records: RequestRecord[];
  /** The API's URL as the page should use it (a delaying proxy in front of it), and its socket URL. */
  pageApiUrl: string;
  wsUrl?: string;
}

async function startPageHost(backend: Backend, { gateway, delay, records, pageApiUrl, wsUrl }: PageHostOptions): Promise<PageHost> {
  await Promise.all(Object.keys(SCRIPTS).map((path) => buildPageScript(path as ScriptPath)));
  // The host's sessions: a customer's alternative id is the host's user id (looked up once).
  const userIds = new Map<string, Promise<string>>();
  const userIdOf = (customerId: string) => {
    let userId = userIds.get(customerId);
    if (!userId) {
      userId = backend.call('GET', `/api/v1/customers/${customerId}`).then((answer) => answer.body.alternative_id as string);
      userIds.set(customerId, userId);
    }
    return userId;
  };
  const server = createServer(async (request, response) => {
    recordRequest(records, 'host', request, response);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const customerId = url.searchParams.get('customer') ?? '';
    if (delay.ms) await sleep(delay.ms);
    if (gateway && url.pathname.startsWith('/planship/')) return gateway.nodeHandler(request, response);
    try {
      if (url.pathname in SCRIPTS) {
        const script = await buildPageScript(url.pathname as ScriptPath);
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
        const variant = url.searchParams.get('variant');
        const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
        if (variant === 'minimal') {
          response.writeHead(200, headers);
          response.end(pageHtml('<bench-minimal></bench-minimal>', '/bench-minimal.js', false));
          return;
        }
        const markup = portalMarkup(pageApiUrl, variant === 'all' ? 'all' : 'meter', customerId, gateway !== undefined, wsUrl);
        let content = markup;
        let script: ScriptPath = '/bench.js';
        if (gateway) {
          const cookie = `${BENCH_USER_COOKIE}=${encodeURIComponent(await userIdOf(customerId))}`;
          headers['set-cookie'] = `${cookie}; Path=/; HttpOnly`;
          if (url.searchParams.has('ssr')) {
            // The page host renders the elements into its HTML from the gateway's snapshot of this
            // (signed-in) request, as a site's server would.
            const { renderElements } = await import('../src/ssr/index.ts');
            const snapshot = await gateway.snapshot(new Request(new URL(request.url ?? '/', 'http://127.0.0.1'), { headers: { cookie } }));
            content = await renderElements(markup, { snapshot });
            script = '/bench-ssr.js';
          }
        }
        response.writeHead(200, headers);
        response.end(pageHtml(content, script, gateway !== undefined && url.searchParams.has('preload')));
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
    pageUrl: (variant, customerId, { preload = false, ssr = false } = {}) =>
      `${origin}/?variant=${variant}&customer=${encodeURIComponent(customerId)}${preload ? '&preload' : ''}${ssr ? '&ssr' : ''}`,
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
  /**
   * From now on every request to the page's host (document, scripts, token, gateway) and to the
   * API's delaying proxy (preflights too) waits `ms` before it is answered; the servers keep running.
   */
  setDelay(ms: number): void;
  /** The requests the host and the proxy received since the last call, in order of arrival. */
  takeRequests(): RequestRecord[];
}

export interface BenchPageOptions {
  /** The page goes through the portal gateway on its own origin, to the server in the hosted profile. */
  gateway?: boolean;
  /** Direct mode: the page reaches the API through a delaying proxy (which records its requests). */
  proxy?: boolean;
}

/** Runs `measure` against a fresh server and a new page, then closes them all. */
export async function withBenchPage<T>(
  browser: Browser,
  measure: (bench: BenchPage) => Promise<T>,
  { gateway = false, proxy: useProxy = false }: BenchPageOptions = {},
): Promise<T> {
  const server = await startServer({ catalog: DEMO_CATALOG, profile: gateway ? 'hosted' : 'extended' });
  const backend = backendFor(server.url);
  const delay: Delay = { ms: 0 };
  const records: RequestRecord[] = [];
  // The page's HTTP requests to the API go through the proxy (the socket does not).
  const proxy = useProxy && !gateway ? await delayingProxy(server.url, delay, records) : undefined;
  const host = await startPageHost(backend, {
    gateway: gateway ? benchGateway(server.url) : undefined,
    delay,
    records,
    pageApiUrl: proxy?.url ?? server.url,
    wsUrl: proxy ? server.wsUrl : undefined,
  });
  const page = await browser.newPage();
  try {
    return await measure({
      apiUrl: proxy?.url ?? server.url,
      backend,
      page,
      pageUrl: host.pageUrl,
      setDelay: (ms) => void (delay.ms = ms),
      takeRequests: () => records.splice(0, records.length),
    });
  } finally {
    await page.close();
    await host.close();
    await proxy?.close();
    await server.close();
  }
}

/** A reverse proxy that holds each request `delay.ms` before passing it on: a far-away API. */
async function delayingProxy(target: string, delay: Delay, records: RequestRecord[]) {
  const server = createServer((request, response) => {
    recordRequest(records, 'api', request, response);
    setTimeout(() => {
      const upstream = httpRequest(target + request.url, { method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    }, delay.ms);
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
