// Usage-report throughput: keep-alive POSTs from worker threads for a fixed time against the
// real server. Counts only 200 answers; every other answer is reported as a failure.
import { availableParallelism } from 'node:os';
import { startServer } from '../src/server/index.ts';
import { DEMO_CATALOG, PRODUCT, backendFor } from './api.ts';
import { round } from './stats.ts';
import { nextMessage, startTsWorker } from './ts-worker.ts';
import type { LoadJob, LoadReport } from './load-worker.ts';

export interface ThroughputResult {
  reportsPerSecond: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  connections: number;
  workers: number;
  customers: number;
  durationMs: number;
}

export async function measureServerThroughput(
  { durationMs = 10_000, connections = 50, customers = 10 } = {},
): Promise<ThroughputResult> {
  const server = await startServer({ catalog: DEMO_CATALOG });
  try {
    const backend = backendFor(server.url);
    const token = await backend.productToken();
    const ids: string[] = [];
    for (let index = 0; index < customers; index++) ids.push(await backend.createCustomer('business'));
    const paths = ids.map((id) => `/api/v1/customers/${id}/products/${PRODUCT}/usage/api-calls`);
    // One core serves, the rest generate load (at least one worker).
    const workers = Math.max(1, availableParallelism() - 1);
    const perWorker = Math.ceil(connections / workers);
    const reports = await Promise.all(
      Array.from({ length: workers }, () => {
        const job: LoadJob = { url: server.url, paths, body: JSON.stringify({ usage: 1 }), token, connections: perWorker, durationMs };
        const worker = startTsWorker(new URL('./load-worker.ts', import.meta.url), job);
        return nextMessage<LoadReport>(worker, 'done').finally(() => worker.terminate());
      }),
    );
    const ok = reports.reduce((sum, report) => sum + report.ok, 0);
    const statuses: Record<string, number> = {};
    for (const report of reports) {
      for (const [status, count] of Object.entries(report.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
    }
    const measuredMs = Math.max(...reports.map((report) => report.elapsedMs), 1);
    return {
      reportsPerSecond: round(ok / (measuredMs / 1000), 0),
      ok,
      failed: reports.reduce((sum, report) => sum + report.failed, 0),
      statuses,
      connections: perWorker * workers,
      workers,
      customers,
      durationMs: round(measuredMs, 0),
    };
  } finally {
    await server.close();
  }
}
