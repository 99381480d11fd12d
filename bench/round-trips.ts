// Round trips to first content: the same page (the provider and every element) with no delay and
// with `delayMs` added to every API and token answer; the slope of first-content time against the
// delay is the number of round trips the page waits for, one after another. Direct (a token
// first, then the reads) and through the gateway (one origin, one first-render answer).
import type { Browser } from 'playwright-core';
import { withBenchPage } from './browser.ts';
import { median, round } from './stats.ts';

export interface RoundTripsResult {
  delayMs: number;
  runs: number;
  direct: ModeResult;
  gateway: ModeResult;
}

interface ModeResult {
  /** Median ms from navigation to first content, without and with the delay. */
  contentMs: number;
  delayedContentMs: number;
  /** (delayed - undelayed) / delay. */
  roundTrips: number;
  /** API requests started before the first API answer arrived (the first wave), at no delay. */
  firstWave: number;
}

async function firstContent(browser: Browser, gateway: boolean, delayMs: number): Promise<{ contentMs: number; firstWave: number }> {
  return withBenchPage(
    browser,
    async ({ apiUrl, backend, page, pageUrl }) => {
      const customer = await backend.createCustomer('pro');
      const apiOrigin = new URL(apiUrl).origin;
      const started: number[] = [];
      let firstAnswer = Number.POSITIVE_INFINITY;
      const isApi = (url: string) => (gateway ? new URL(url).pathname.startsWith('/planship/') : new URL(url).origin === apiOrigin);
      page.on('request', (request) => isApi(request.url()) && request.method() !== 'OPTIONS' && started.push(performance.now()));
      page.on('requestfinished', (request) => isApi(request.url()) && (firstAnswer = Math.min(firstAnswer, performance.now())));
      await page.goto(pageUrl('all', customer));
      const handle = await page.waitForFunction(() => window.__bench?.completeAt, undefined, { timeout: 30_000, polling: 20 });
      return { contentMs: Number(await handle.jsonValue()), firstWave: started.filter((at) => at < firstAnswer).length };
    },
    { gateway, delayMs },
  );
}

async function mode(browser: Browser, gateway: boolean, delayMs: number, runs: number): Promise<ModeResult> {
  const plain: number[] = [];
  const delayed: number[] = [];
  const waves: number[] = [];
  // One page first, untimed: the browser compiles the script once (a returning visitor's case).
  await firstContent(browser, gateway, 0);
  for (let run = 0; run < runs; run += 1) {
    const once = await firstContent(browser, gateway, 0);
    plain.push(once.contentMs);
    waves.push(once.firstWave);
    delayed.push((await firstContent(browser, gateway, delayMs)).contentMs);
  }
  const contentMs = median(plain);
  const delayedContentMs = median(delayed);
  return {
    contentMs: round(contentMs, 1),
    delayedContentMs: round(delayedContentMs, 1),
    roundTrips: round((delayedContentMs - contentMs) / delayMs, 2),
    firstWave: median(waves),
  };
}

export async function measureRoundTrips(browser: Browser, { delayMs = 400, runs = 5 } = {}): Promise<RoundTripsResult> {
  return { delayMs, runs, direct: await mode(browser, false, delayMs, runs), gateway: await mode(browser, true, delayMs, runs) };
}
