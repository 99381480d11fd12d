// Fan-out: many sockets on one team's entitlements (50 teammates of one subscription, 20 sockets
// each: the server allows 20 per customer and product), one usage report, and the time from
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

const TEAM = 50;

export async function measureFanOut({ sockets = 1000 } = {}): Promise<FanOutResult> {
  const server = await startServer({ catalog: DEMO_CATALOG });
  try {
    const backend = backendFor(server.url);
    const customer = await backend.createCustomer('business');
    const [subscription] = (await backend.call('GET', `/api/v1/customers/${customer}/subscriptions`)).body;
    const team = [customer];
    while (team.length < TEAM) {
      const teammate = await backend.createCustomer('free');
      await backend.call('POST', `/api/v1/customers/${customer}/subscriptions/${subscription.subscription_id}/customers`, { customer_id: teammate });
      team.push(teammate);
    }
    const tokens = await Promise.all(team.map((member) => backend.customerToken(member)));
    const socketUrls = Array.from({ length: sockets }, (_, index) => {
      const member = index % TEAM;
      return `${server.wsUrl}/api/v1/ws/customers/${team[member]}/products/${PRODUCT}/entitlements?token=${encodeURIComponent(tokens[member])}`;
    });
    const job: FanOutJob = { socketUrls };
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
