// Memory: the page's JS heap (after a forced GC) once the first 100 live pushes have shown, and
// again after 10,000. Growth between the two would be a leak in the live path.
import type { Browser, Page } from 'playwright-core';
import type { Backend } from './api.ts';
import { waitForMeter, withBenchPage } from './browser.ts';
import { round, sleep } from './stats.ts';

export interface MemoryResult {
  pushes: number;
  framesReceived: number;
  heapAfterFirstBytes: number;
  heapAfterAllBytes: number;
  /** after all / after the first 100 (1.0 = no growth). */
  ratio: number;
  reportSeconds: number;
}

async function heapAfterGc(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  try {
    await sleep(250); // let pending renders and fetches finish
    for (let round = 0; round < 3; round++) await session.send('HeapProfiler.collectGarbage');
    const usage = await session.send('Runtime.getHeapUsage');
    return usage.usedSize;
  } finally {
    await session.detach();
  }
}

/** `count` reports of usage 1, `parallel` at a time (usage adds up in any order). */
async function reportMany(backend: Backend, customer: string, count: number, parallel: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next += 1;
        await backend.reportUsage(customer, 'api-calls', 1);
      }
    }),
  );
}

export async function measureMemory(browser: Browser, { first = 100, total = 10_000, parallel = 4 } = {}): Promise<MemoryResult> {
  return withBenchPage(browser, async ({ backend, page, pageUrl }) => {
    let framesReceived = 0;
    page.on('websocket', (socket) => socket.on('framereceived', () => (framesReceived += 1)));
    const customer = await backend.createCustomer('business');
    await page.goto(pageUrl('meter', customer));
    const start = await waitForMeter(page);
    // One push first, so the socket is surely live before counting.
    await backend.reportUsage(customer, 'api-calls', 1);
    await waitForMeter(page, start + 1);
    await reportMany(backend, customer, first - 1, 1);
    await waitForMeter(page, start + first, 30_000);
    const heapAfterFirstBytes = await heapAfterGc(page);
    const started = performance.now();
    await reportMany(backend, customer, total - first, parallel);
    const reportSeconds = (performance.now() - started) / 1000;
    await waitForMeter(page, start + total, 60_000);
    const heapAfterAllBytes = await heapAfterGc(page);
    return {
      pushes: total,
      framesReceived,
      heapAfterFirstBytes,
      heapAfterAllBytes,
      ratio: round(heapAfterAllBytes / heapAfterFirstBytes, 3),
      reportSeconds: round(reportSeconds, 1),
    };
  });
}
