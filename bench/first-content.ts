// First content and round trips, truthfully: five kinds of page showing the same elements (the
// provider and every element) to a signed-in customer on plan pro, each on a warm gateway and
// server (one untimed visit first: the gateway's Planship token and customer lookup are done, the
// browser has compiled the script).
//
// - First content: ms from navigation start until every element shows content (for a page whose
//   content came in the HTML: when the HTML was parsed), never before the first contentful paint;
//   median of visits at no added delay.
// - Critical chain: the requests in series before first content, from what the page's host and
//   the API's proxy received (preflights included): the longest r1, r2, ... where each arrived
//   after the previous one's answer ended, among those whose answer ended before first content.
//   Counted on the 1 s visits, where series are unambiguous.
// - Round trips: (first content with every answer 2 s late - with 1 s late) / 1 s. Every request
//   the browser makes waits: the document, the scripts, the token, the gateway, the API and its
//   preflights. The delay changes between visits with the servers running (the gateway stays warm).
import type { Browser, Page } from 'playwright-core';
import { measureClockOffset, withBenchPage, type BenchPage, type PageOptions, type PageVariant, type RequestRecord } from './browser.ts';
import { median, round, sleep } from './stats.ts';

export interface FirstContentResult {
  /** Timed visits at no added delay, and visits at each added delay. */
  runs: number;
  delayedRuns: number;
  delaysMs: [number, number];
  ssr: PageKindResult;
  gatewayPreload: PageKindResult;
  gateway: PageKindResult;
  direct: PageKindResult;
  minimalLit: PageKindResult;
}

export interface PageKindResult {
  /** Median ms from navigation start to first content, at no added delay. */
  contentMs: number;
  /** Median first content at each added delay (delaysMs). */
  delayedContentMs: [number, number];
  /** (second - first) / (delay difference): the round trips first content waits for, one after another. */
  roundTrips: number;
  /** Requests in series before first content (median of the first-delay visits): all, and the API's alone. */
  chain: number;
  apiChain: number;
  /** One visit's critical chain, e.g. ["GET /", "GET /bench.js", "GET /planship/portal"]. */
  chainRequests: string[];
  /** Requests for the gateway's first-render answer (/planship/portal) per visit, fewest and most. */
  portalRequests: [number, number];
  /** Every timed visit's content came in the HTML (shown at the script's first look). */
  fromHtml: boolean;
  /** The page's console warnings and errors (and uncaught errors), each once. */
  console: string[];
}

type Kind = Exclude<keyof FirstContentResult, 'runs' | 'delayedRuns' | 'delaysMs'>;

interface Visit {
  contentMs: number;
  fromHtml: boolean;
  records: RequestRecord[];
  /** First content on Node's clock (only when the clock offset was measured). */
  contentAtNode?: number;
}

/** One visit from a blank page: first content, and the requests the servers received for it. */
async function visit(bench: BenchPage, url: string, onNodeClock: boolean): Promise<Visit> {
  const { page } = bench;
  await page.goto('about:blank');
  bench.takeRequests();
  await page.goto(url);
  const handle = await page.waitForFunction(
    () => {
      const bench = window.__bench;
      return bench?.completeAt !== undefined && { completeAt: bench.completeAt, fromHtml: bench.fromHtml, timeOrigin: performance.timeOrigin };
    },
    undefined,
    { timeout: 60_000, polling: 20 },
  );
  const shown = (await handle.jsonValue()) as { completeAt: number; fromHtml: boolean; timeOrigin: number };
  const contentAtNode = onNodeClock ? shown.timeOrigin + shown.completeAt - (await measureClockOffset(page, 10)).offsetMs : undefined;
  return { contentMs: shown.completeAt, fromHtml: shown.fromHtml, records: bench.takeRequests(), contentAtNode };
}

/** The longest sequence of requests each arriving after the previous one's answer ended. */
export function criticalChain(records: readonly RequestRecord[]): RequestRecord[] {
  const ended = records.filter((record) => record.endedAt !== undefined).sort((a, b) => a.endedAt! - b.endedAt!);
  const longest: RequestRecord[][] = [];
  for (const [index, record] of ended.entries()) {
    let best: RequestRecord[] = [];
    for (let before = 0; before < index; before += 1) {
      if (ended[before].endedAt! <= record.arrivedAt && longest[before].length > best.length) best = longest[before];
    }
    longest.push([...best, record]);
  }
  return longest.reduce<RequestRecord[]>((a, b) => (b.length > a.length ? b : a), []);
}

const isApi = (record: RequestRecord) => record.server === 'api' || record.path.startsWith('/planship/');
const named = (record: RequestRecord) =>
  `${record.method} ${record.server === 'api' ? 'api:' : ''}${record.path.replace(/\?.*$/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`;

interface KindSpec {
  variant: PageVariant;
  options?: PageOptions;
  /** Stay on the warm-up page this long (for console messages that come late). */
  lingerMs?: number;
}

async function measureKind(bench: BenchPage, customer: string, { variant, options, lingerMs }: KindSpec, consoleLog: string[], runs: number, delayedRuns: number, delaysMs: [number, number]): Promise<PageKindResult> {
  const url = bench.pageUrl(variant, customer, options);
  bench.setDelay(0);
  await visit(bench, url, false); // untimed: the gateway and the browser warm up
  // Chromium says a preload was not used a few seconds after the page loaded: stay that long.
  if (lingerMs) await sleep(lingerMs);
  const visits: Visit[] = [];
  const plain: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const once = await visit(bench, url, false);
    visits.push(once);
    plain.push(once.contentMs);
  }
  const delayed: [number[], number[]] = [[], []];
  const chains: RequestRecord[][] = [];
  const apiChains: number[] = [];
  try {
    for (let run = 0; run < delayedRuns; run += 1) {
      for (const [index, delayMs] of delaysMs.entries()) {
        bench.setDelay(delayMs);
        const once = await visit(bench, url, index === 0);
        visits.push(once);
        delayed[index].push(once.contentMs);
        if (index !== 0) continue;
        const beforeContent = once.records.filter((record) => record.endedAt !== undefined && record.endedAt <= once.contentAtNode!);
        chains.push(criticalChain(beforeContent));
        apiChains.push(criticalChain(beforeContent.filter(isApi)).length);
      }
    }
  } finally {
    bench.setDelay(0);
  }
  const [first, second] = delayed.map(median);
  const portal = visits.map((once) => once.records.filter((record) => record.path.startsWith('/planship/portal')).length);
  const chain = median(chains.map((requests) => requests.length));
  return {
    contentMs: round(median(plain), 1),
    delayedContentMs: [round(first, 1), round(second, 1)],
    roundTrips: round((second - first) / (delaysMs[1] - delaysMs[0]), 2),
    chain,
    apiChain: median(apiChains),
    chainRequests: (chains.find((requests) => requests.length === chain) ?? []).map(named),
    portalRequests: [Math.min(...portal), Math.max(...portal)],
    fromHtml: visits.every((once) => once.fromHtml),
    console: [...new Set(consoleLog)],
  };
}

/** Collects the page's console warnings and errors into `into` (the kind measured now). */
function listenToConsole(page: Page, into: () => string[]) {
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') {
      const { url } = message.location();
      into().push(`${message.type()}: ${message.text()}${url ? ` (${url.replace(/\?.*$/, '')})` : ''}`);
    }
  });
  page.on('pageerror', (error) => into().push(`uncaught: ${error.message}`));
}

export async function measureFirstContent(
  browser: Browser,
  { runs = 5, delayedRuns = 3, delaysMs = [1000, 2000] as [number, number] } = {},
): Promise<FirstContentResult> {
  const kinds: Partial<Record<Kind, PageKindResult>> = {};
  let consoleLog: string[] = [];
  const measure = (bench: BenchPage, customer: string, spec: KindSpec) => measureKind(bench, customer, spec, consoleLog, runs, delayedRuns, delaysMs);
  // One gateway, server and page for the four pages on the host's own origin.
  await withBenchPage(
    browser,
    async (bench) => {
      listenToConsole(bench.page, () => consoleLog);
      const customer = await bench.backend.createCustomer('pro');
      const pages: [Kind, KindSpec][] = [
        ['ssr', { variant: 'all', options: { ssr: true } }],
        ['gatewayPreload', { variant: 'all', options: { preload: true }, lingerMs: 4000 }],
        ['gateway', { variant: 'all' }],
        ['minimalLit', { variant: 'minimal' }],
      ];
      for (const [kind, spec] of pages) {
        consoleLog = [];
        kinds[kind] = await measure(bench, customer, spec);
      }
    },
    { gateway: true },
  );
  // Direct: a token from the host, then the API on its own origin behind the delaying proxy.
  await withBenchPage(
    browser,
    async (bench) => {
      consoleLog = [];
      listenToConsole(bench.page, () => consoleLog);
      kinds.direct = await measure(bench, await bench.backend.createCustomer('pro'), { variant: 'all' });
    },
    { proxy: true },
  );
  const { ssr, gatewayPreload, gateway, direct, minimalLit } = kinds as Record<Kind, PageKindResult>;
  return { runs, delayedRuns, delaysMs, ssr, gatewayPreload, gateway, direct, minimalLit };
}
