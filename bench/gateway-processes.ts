// The money races across processes (test/fixtures/gateway-cluster.ts), counted: violations per
// race at 1, 2, 4 and 8 gateway processes behind a round-robin proxy, with no shared lock (each
// process's own queue), redisWriteLock and postgresWriteLock, and a gateway made per request; the
// write lock's wait (p50, p99) as the processes report it; and upstream calls per request for a
// warm gateway and a cold one (a fresh gateway per request, as on serverless). Starts its own
// Redis and PostgreSQL (scripts/stores.mjs) and our server in the hosted profile; each upstream
// call waits UPSTREAM_DELAY_MS first, as a network between the gateway and Planship would.
import { startPostgres, startRedis } from '../scripts/stores.mjs';
import { startServer } from '../src/server/index.ts';
import { RACES, newSignedInUser, pageCall, startCluster, type Cluster, type ClusterOptions } from '../test/fixtures/gateway-cluster.ts';
import { testCatalog } from '../test/fixtures/test-catalog.ts';
import { summarize } from './stats.ts';

const TRIALS = 10;
const PROCESS_COUNTS = [1, 2, 4, 8];
/** Gateway to Planship, each way and back: loopback is ~0.2 ms, a real network tens of ms. */
const UPSTREAM_DELAY_MS = 10;

export interface ProcessesResult {
  trials: number;
  upstreamDelayMs: number;
  /** `${lock} ${processes}` -> race -> violations (of `trials`). */
  violations: Record<string, Record<string, number>>;
  /** Lock waits of the locked writes, ms, by lock. */
  lockWaitMs: Record<string, { p50: number; p99: number; samples: number }>;
  /** Upstream calls per request (median, max) for a read and a write, warm and cold. */
  upstreamCalls: Record<string, { median: number; max: number }>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function withCluster<T>(options: ClusterOptions, work: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = await startCluster(options);
  try {
    return await work(cluster);
  } finally {
    await cluster.close();
  }
}

export async function measureProcesses(): Promise<ProcessesResult> {
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const api = await startServer({ profile: 'hosted', catalog: testCatalog() });
  try {
    const locks: [string, Omit<ClusterOptions, 'apiUrl' | 'processes'>][] = [
      ['none', { lock: 'none' }],
      ['redis', { lock: 'redis', storeUrl: redis.url }],
      ['postgres', { lock: 'postgres', storeUrl: postgres.url }],
    ];
    const violations: ProcessesResult['violations'] = {};
    const waits: Record<string, number[]> = {};
    const configurations = [
      ...locks.flatMap(([name, lock]) => PROCESS_COUNTS.map((processes) => [`${name} ${processes}`, name, { ...lock, processes }] as const)),
      ['none, 4 per request', 'none', { lock: 'none', processes: 4, perRequest: true }] as const,
      ['redis, 4 per request', 'redis', { lock: 'redis', storeUrl: redis.url, processes: 4, perRequest: true }] as const,
    ];
    for (const [label, lockName, options] of configurations) {
      violations[label] = {};
      await withCluster({ apiUrl: api.url, prefix: `bench:${label}:`, upstreamDelayMs: UPSTREAM_DELAY_MS, ...(options as Omit<ClusterOptions, 'apiUrl'>) }, async (cluster) => {
        for (const [race, run] of Object.entries(RACES)) {
          let count = 0;
          for (let trial = 0; trial < TRIALS; trial += 1) if ((await run(cluster)).violated) count += 1;
          violations[label][race] = count;
        }
        (waits[lockName] ??= []).push(...(await cluster.waits()).flat());
      });
      console.error(`  ${label}: ${JSON.stringify(violations[label])}`);
    }
    const lockWaitMs = Object.fromEntries(
      Object.entries(waits).map(([name, samples]) => {
        const { p50, p99 } = summarize(samples);
        return [name, { p50, p99, samples: samples.length }];
      }),
    );
    return { trials: TRIALS, upstreamDelayMs: UPSTREAM_DELAY_MS, violations, lockWaitMs, upstreamCalls: await measureUpstreamCalls(api.url) };
  } finally {
    await api.close();
    await Promise.all([redis.stop(), postgres.stop()]);
  }
}

/** One customer's reads and writes in turn (never two at once, so each request's calls are its own). */
async function measureUpstreamCalls(apiUrl: string): Promise<ProcessesResult['upstreamCalls']> {
  const result: ProcessesResult['upstreamCalls'] = {};
  for (const [label, perRequest] of [['warm', false], ['cold', true]] as const) {
    await withCluster({ apiUrl, processes: 1, lock: 'none', perRequest }, async (cluster) => {
      const user = newSignedInUser(`calls-${label}`);
      await pageCall(cluster, user.cookie, 'POST', '/products/acme-analytics/plans/starter/subscriptions', { customer_id: 'me' });
      // A warm gateway's first requests fill its caches: measure after them.
      for (let index = 0; index < 3; index += 1) await pageCall(cluster, user.cookie, 'GET', '/customers/me/subscriptions');
      const skip = (await cluster.calls())[0].length;
      for (let index = 0; index < 10; index += 1) await pageCall(cluster, user.cookie, 'GET', '/customers/me/subscriptions');
      const readCalls = (await cluster.calls())[0].slice(skip);
      const subscription = (await (await fetch(`${cluster.origin}/planship/api/v1/customers/me/subscriptions`, { headers: { cookie: user.cookie } })).json())[0];
      const afterRead = (await cluster.calls())[0].length;
      for (let index = 0; index < 10; index += 1) {
        await pageCall(cluster, user.cookie, 'PATCH', `/customers/me/subscriptions/${subscription.subscription_id}`, { auto_renew: index % 2 === 0 });
      }
      const writeCalls = (await cluster.calls())[0].slice(afterRead);
      result[`read, ${label}`] = { median: median(readCalls), max: Math.max(...readCalls) };
      result[`write, ${label}`] = { median: median(writeCalls), max: Math.max(...writeCalls) };
    });
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await measureProcesses(), null, 2));
