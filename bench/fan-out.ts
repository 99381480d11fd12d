// Fan-out: many sockets on one customer's entitlements, one usage report, and the time from
// sending the report until each socket has the new frame.
import { startServer } from '../src/server/index.ts';
import { DEMO_CATALOG, PRODUCT, backendFor } from './api.ts';
import { epochNow, sleep, summarize, type Summary } from './stats.ts';
import { nextMessage, startTsWorker } from './ts-worker.ts';
import type { FanOutJob, FanOutMessage } from './fanout-worker.ts';

export interface FanOutResult {
  sockets: number;
  opened: number;
  received: number;
  missing: number;
  openErrors: string[];
  /** Milliseconds from sending the report to each socket's frame. */
  latencyMs: Summary;
}

type Of<T extends FanOutMessage['type']> = Extract<FanOutMessage, { type: T }>;

export async function measureFanOut({ sockets = 1000 } = {}): Promise<FanOutResult> {
  const server = await startServer({ catalog: DEMO_CATALOG });
  try {
    const backend = backendFor(server.url);
    const customer = await backend.createCustomer('business');
    const token = await backend.customerToken(customer);
    const socketUrl =
      `${server.wsUrl}/api/v1/ws/customers/${customer}/products/${PRODUCT}/entitlements?token=${encodeURIComponent(token)}`;
    const job: FanOutJob = { socketUrl, sockets };
    const worker = startTsWorker(new URL('./fanout-worker.ts', import.meta.url), job);
    try {
      const open = await nextMessage<Of<'open'>>(worker, 'open');
      await sleep(300); // let any greeting frames pass before arming
      const armed = nextMessage<Of<'armed'>>(worker, 'armed');
      worker.postMessage({ type: 'arm', timeoutMs: 10_000 });
      await armed;
      const frames = nextMessage<Of<'frames'>>(worker, 'frames');
      const sentAt = epochNow();
      await backend.reportUsage(customer, 'api-calls', 1);
      const { arrivals, missing } = await frames;
      return {
        sockets,
        opened: open.opened,
        received: arrivals.length,
        missing,
        openErrors: open.errors,
        latencyMs: summarize(arrivals.map((arrival) => arrival - sentAt)),
      };
    } finally {
      worker.postMessage({ type: 'close' });
      await Promise.race([new Promise((resolve) => worker.once('exit', resolve)), sleep(2000)]);
      await worker.terminate();
    }
  } finally {
    await server.close();
  }
}
