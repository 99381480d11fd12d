// Memory: the page's JS heap (after a forced GC) once the first 100 live pushes have shown, and
// again after 10,000. Growth between the two would be a leak in the live path. Two measures: V8's
// used heap as a whole, and its data (heap snapshot: objects, arrays, strings, closures; V8's
// compiled code left out, which grows as the hot path gets optimized over the first ~1,000
// pushes and then stays flat).
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
  /** The heap's data (compiled code left out), after the first 100 and after all. */
  dataAfterFirstBytes: number;
  dataAfterAllBytes: number;
  dataRatio: number;
  /** V8's compiled code, after the first 100 and after all. */
  codeAfterFirstBytes: number;
  codeAfterAllBytes: number;
  reportSeconds: number;
}

/** Snapshot node types that are the page's data (not code, not native/DOM, not V8 internals). */
const DATA_TYPES = new Set(['object', 'array', 'string', 'concatenated string', 'sliced string', 'closure', 'number', 'regexp', 'symbol', 'bigint']);

interface HeapMeasure {
  used: number;
  data: number;
  code: number;
}

async function heapAfterGc(page: Page): Promise<HeapMeasure> {
  const session = await page.context().newCDPSession(page);
  try {
    await sleep(250); // let pending renders and fetches finish
    for (let round = 0; round < 3; round++) await session.send('HeapProfiler.collectGarbage');
    const usage = await session.send('Runtime.getHeapUsage');
    let text = '';
    session.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => (text += chunk));
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const snapshot = JSON.parse(text);
    const fields: string[] = snapshot.snapshot.meta.node_fields;
    const types: string[] = snapshot.snapshot.meta.node_types[0];
    const typeAt = fields.indexOf('type');
    const sizeAt = fields.indexOf('self_size');
    let data = 0;
    let code = 0;
    for (let index = 0; index < snapshot.nodes.length; index += fields.length) {
      const type = types[snapshot.nodes[index + typeAt]];
      const size = snapshot.nodes[index + sizeAt];
      if (DATA_TYPES.has(type)) data += size;
      else if (type === 'code') code += size;
    }
    return { used: usage.usedSize, data, code };
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
    const afterFirst = await heapAfterGc(page);
    const started = performance.now();
    await reportMany(backend, customer, total - first, parallel);
    const reportSeconds = (performance.now() - started) / 1000;
    await waitForMeter(page, start + total, 60_000);
    const afterAll = await heapAfterGc(page);
    return {
      pushes: total,
      framesReceived,
      heapAfterFirstBytes: afterFirst.used,
      heapAfterAllBytes: afterAll.used,
      ratio: round(afterAll.used / afterFirst.used, 3),
      dataAfterFirstBytes: afterFirst.data,
      dataAfterAllBytes: afterAll.data,
      dataRatio: round(afterAll.data / afterFirst.data, 3),
      codeAfterFirstBytes: afterFirst.code,
      codeAfterAllBytes: afterAll.code,
      reportSeconds: round(reportSeconds, 1),
    };
  });
}
