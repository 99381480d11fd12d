// Live latency: usage reported on the server side, spaced out; for each report, the time from
// its HTTP answer (in Node) to the meter's new aria-valuenow in the page's DOM, on one clock.
import type { Browser } from 'playwright-core';
import { measureClockOffset, waitForMeter, withBenchPage, type ClockOffset } from './browser.ts';
import { epochNow, sleep, summarize, type Summary } from './stats.ts';
import type { MeterRecord } from './page/probe.ts';

export interface LiveLatencyResult {
  reports: number;
  spacingMs: number;
  seen: number;
  /** Reports the meter never caught up with. */
  unseen: number;
  /** Reports whose value showed only together with a later one (timed by that later render). */
  coalesced: number;
  latencyMs: Summary;
  /** Also from the moment the report was sent (includes the report's own round trip). */
  fromSendMs: Summary;
  clock: ClockOffset;
  sockets: number;
}

export async function measureLiveLatency(
  browser: Browser,
  { reports = 200, spacingMs = 50, warmups = 5, gateway = false } = {},
): Promise<LiveLatencyResult> {
  return withBenchPage(browser, async ({ backend, page, pageUrl }) => {
    let sockets = 0;
    page.on('websocket', () => (sockets += 1));
    const customer = await backend.createCustomer('business');
    await page.goto(pageUrl('meter', customer));
    let value = await waitForMeter(page);
    // Warm-up reports prove the live path works end to end before anything is timed.
    for (let index = 0; index < warmups; index++) {
      await backend.reportUsage(customer, 'api-calls', 1);
      value = await waitForMeter(page, value + 1);
    }
    const clock = await measureClockOffset(page);
    await page.evaluate(() => window.__bench.recordMeterChanges());
    const sentAt = new Map<number, number>();
    const answeredAt = new Map<number, number>();
    for (let index = 1; index <= reports; index++) {
      const expected = value + index;
      sentAt.set(expected, epochNow());
      await backend.reportUsage(customer, 'api-calls', 1);
      answeredAt.set(expected, epochNow());
      await sleep(spacingMs);
    }
    await waitForMeter(page, value + reports).catch(() => undefined);
    const records: MeterRecord[] = await page.evaluate(() => window.__bench.takeMeterRecords());
    // A report counts as shown when the meter first shows its value or a later one (two reports
    // landing in one render show only the later value).
    records.sort((a, b) => a.at - b.at);
    const latencies: number[] = [];
    const fromSend: number[] = [];
    let coalesced = 0;
    for (const [expected, answered] of answeredAt) {
      const shown = records.find((record) => record.value >= expected);
      if (!shown) continue;
      if (shown.value !== expected) coalesced += 1;
      const shownAt = shown.at - clock.offsetMs; // page clock -> Node clock
      latencies.push(shownAt - answered);
      fromSend.push(shownAt - sentAt.get(expected)!);
    }
    return {
      reports,
      spacingMs,
      seen: latencies.length,
      unseen: reports - latencies.length,
      coalesced,
      latencyMs: summarize(latencies),
      fromSendMs: summarize(fromSend),
      clock,
      sockets,
    };
  }, { gateway });
}
