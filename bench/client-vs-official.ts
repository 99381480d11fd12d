// Our PlanshipCustomer against the official @planship/fetch on the same server, in Node: the same
// 200 calls (reads and writes), interleaved in blocks so drift hits both alike.
import { PlanshipCustomer as OfficialCustomer } from '@planship/fetch';
import { PlanshipCustomer } from '../src/client/index.ts';
import { startServer } from '../src/server/index.ts';
import { DEMO_CATALOG, PRODUCT, backendFor } from './api.ts';
import { median, round, summarize, type Summary } from './stats.ts';

/** The methods both clients share (seed names and argument order). */
interface CustomerCalls {
  getEntitlements(): Promise<unknown>;
  reportUsage(meteringId: string, usage: number): Promise<unknown>;
  getMeteringIdUsage(meteringId: string): Promise<unknown>;
  listSubscriptions(): Promise<unknown>;
  getLeverUsage(leverSlug: string): Promise<unknown>;
  setSubscriptionAutoRenew(subscriptionId: string, autoRenew: boolean): Promise<unknown>;
  listPlans(): Promise<unknown>;
  getProduct(): Promise<unknown>;
}

type Step = { name: string; write: boolean; run: (client: CustomerCalls, subscriptionId: string, index: number) => Promise<unknown> };

/** One block of the sequence: 6 reads and 2 writes, each write followed by reads it affects. */
const BLOCK: Step[] = [
  { name: 'getEntitlements', write: false, run: (c) => c.getEntitlements() },
  { name: 'reportUsage', write: true, run: (c) => c.reportUsage('api-calls', 1) },
  { name: 'getMeteringIdUsage', write: false, run: (c) => c.getMeteringIdUsage('api-calls') },
  { name: 'listSubscriptions', write: false, run: (c) => c.listSubscriptions() },
  { name: 'getLeverUsage', write: false, run: (c) => c.getLeverUsage('api-calls') },
  { name: 'setSubscriptionAutoRenew', write: true, run: (c, id, index) => c.setSubscriptionAutoRenew(id, index % 2 === 0) },
  { name: 'listPlans', write: false, run: (c) => c.listPlans() },
  { name: 'getProduct', write: false, run: (c) => c.getProduct() },
];

export interface ClientRun {
  medianMs: number;
  perCallMs: Summary;
  readMedianMs: number;
  writeMedianMs: number;
  httpRequests: number;
  byMethodMedianMs: Record<string, number>;
}

export interface ClientComparison {
  calls: number;
  ours: ClientRun;
  official: ClientRun;
  /** ours / official, medians per call (below 1: ours is faster). */
  medianRatio: number;
  readMedianRatio: number;
  writeMedianRatio: number;
}

interface Contender {
  client: CustomerCalls;
  subscriptionId: string;
  samples: { name: string; write: boolean; ms: number }[];
  requests: number;
}

/** Counts the HTTP requests each client makes by wrapping the global fetch both use. */
function countingFetch(contenders: () => Contender | undefined): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    const current = contenders();
    if (current) current.requests += 1;
    return original(...args);
  }) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}

function summarizeRun(contender: Contender): ClientRun {
  const all = contender.samples.map((sample) => sample.ms);
  const byMethod: Record<string, number> = {};
  for (const step of BLOCK) {
    byMethod[step.name] = round(median(contender.samples.filter((s) => s.name === step.name).map((s) => s.ms)), 3);
  }
  return {
    medianMs: round(median(all), 3),
    perCallMs: summarize(all),
    readMedianMs: round(median(contender.samples.filter((s) => !s.write).map((s) => s.ms)), 3),
    writeMedianMs: round(median(contender.samples.filter((s) => s.write).map((s) => s.ms)), 3),
    httpRequests: contender.requests,
    byMethodMedianMs: byMethod,
  };
}

export async function compareClients({ calls = 200, warmupBlocks = 2 } = {}): Promise<ClientComparison> {
  const server = await startServer({ catalog: DEMO_CATALOG });
  let active: Contender | undefined;
  const restoreFetch = countingFetch(() => active);
  try {
    const backend = backendFor(server.url);
    async function contender(make: (customerId: string, getToken: () => Promise<string>) => CustomerCalls): Promise<Contender> {
      const customerId = await backend.createCustomer('business');
      // A product token, as a host backend holds: the sequence reports usage, which a customer may not.
      const token = await backend.productToken();
      const subscriptions = await backend.call('GET', `/api/v1/customers/${customerId}/subscriptions`);
      const subscriptionId: string = subscriptions.body[0].subscription_id;
      return { client: make(customerId, async () => token), subscriptionId, samples: [], requests: 0 };
    }
    const ours = await contender(
      (customerId, getToken) => new PlanshipCustomer(PRODUCT, customerId, server.url, getToken) as unknown as CustomerCalls,
    );
    const official = await contender(
      (customerId, getToken) => new OfficialCustomer(PRODUCT, customerId, getToken, { baseUrl: server.url }) as unknown as CustomerCalls,
    );

    async function runBlock(target: Contender, blockIndex: number, record: boolean) {
      for (const step of BLOCK) {
        active = target;
        const started = performance.now();
        await step.run(target.client, target.subscriptionId, blockIndex);
        const ms = performance.now() - started;
        active = undefined;
        if (record) target.samples.push({ name: step.name, write: step.write, ms });
      }
    }

    for (let block = 0; block < warmupBlocks; block++) {
      await runBlock(official, block, false);
      await runBlock(ours, block, false);
    }
    ours.requests = 0;
    official.requests = 0;
    const blocks = Math.ceil(calls / BLOCK.length);
    for (let block = 0; block < blocks; block++) {
      // Alternate who goes first, so neither always runs on a warmer server.
      const [first, second] = block % 2 === 0 ? [official, ours] : [ours, official];
      await runBlock(first, block, true);
      await runBlock(second, block, true);
    }
    const oursRun = summarizeRun(ours);
    const officialRun = summarizeRun(official);
    return {
      calls: blocks * BLOCK.length,
      ours: oursRun,
      official: officialRun,
      medianRatio: round(oursRun.medianMs / officialRun.medianMs, 3),
      readMedianRatio: round(oursRun.readMedianMs / officialRun.readMedianMs, 3),
      writeMedianRatio: round(oursRun.writeMedianMs / officialRun.writeMedianMs, 3),
    };
  } finally {
    restoreFetch();
    await server.close();
  }
}
