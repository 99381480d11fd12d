// Turns the results into one markdown table (goal and verdict per row) and the README section.
import type { SizeResult } from './size.ts';
import { kB } from './size.ts';
import type { LiveLatencyResult } from './live-latency.ts';
import type { FirstRenderResult } from './first-render.ts';
import type { ThroughputResult } from './server-throughput.ts';
import type { FanOutResult } from './fan-out.ts';
import type { ClientComparison } from './client-vs-official.ts';
import type { MemoryResult } from './memory.ts';
import type { GatewayResult } from './gateway.ts';
import type { FirstContentResult } from './first-content.ts';
import type { ProcessesResult } from './gateway-processes.ts';

export interface BenchResults {
  size?: SizeResult;
  liveLatency?: LiveLatencyResult;
  firstRender?: FirstRenderResult;
  serverThroughput?: ThroughputResult;
  fanOut?: FanOutResult;
  clientVsOfficial?: ClientComparison;
  memory?: MemoryResult;
  gateway?: GatewayResult;
  firstContent?: FirstContentResult;
  processes?: ProcessesResult;
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  platform: string;
  chromium?: string;
}

type Row = [measure: string, result: string, goal: string, met: string];

const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
const ms = (value: number) => `${value.toFixed(1)} ms`;
const KB = 1024;

export function tableRows(results: BenchResults, errors: Record<string, string>): Row[] {
  const rows: Row[] = [];
  const { size, liveLatency, firstRender, serverThroughput, fanOut, clientVsOfficial, memory, gateway, firstContent, processes } = results;
  if (size) {
    rows.push(['Portal bundle (min + gzip)', kB(size.portal.gzipBytes), '≤ 20 kB', yes(size.portal.gzipBytes <= 20 * KB)]);
    rows.push(['Client alone (min + gzip)', kB(size.client.gzipBytes), '≤ 5 kB', yes(size.client.gzipBytes <= 5 * KB)]);
    rows.push([
      '@planship/fetch (min + gzip)',
      `${kB(size.official.gzipBytes)} (PlanshipCustomer only: ${kB(size.officialCustomerOnly.gzipBytes)}); ` +
        `our client = ${(size.client.gzipBytes / size.officialCustomerOnly.gzipBytes).toFixed(2)}×`,
      'reference',
      '',
    ]);
    rows.push([
      'Portal, other minifiers (min + gzip)',
      Object.entries(size.minifiers).map(([name, bytes]) => `${name} ${kB(bytes)}`).join('; '),
      'smallest ships',
      yes(Object.values(size.minifiers).every((bytes) => bytes >= size.portal.gzipBytes)),
    ]);
  }
  if (liveLatency) {
    const { p50, p95, p99 } = liveLatency.latencyMs;
    rows.push([
      `Live latency, report answer → meter in DOM (${liveLatency.seen}/${liveLatency.reports} shown` +
        (liveLatency.coalesced ? `, ${liveLatency.coalesced} together with the next` : '') + ')',
      `p50 ${ms(p50)}, p95 ${ms(p95)}, p99 ${ms(p99)}`,
      'p50 ≤ 15 ms, p95 ≤ 50 ms',
      yes(p50 <= 15 && p95 <= 50 && liveLatency.unseen === 0),
    ]);
  }
  if (firstRender) {
    const counts = Object.values(firstRender.requestsPerResource);
    const resources = counts.length;
    rows.push([
      'First render, provider + every element',
      `${firstRender.apiRequests} API requests for ${resources} resources (max ${Math.max(0, ...counts)} per resource), ` +
        `${firstRender.sockets} socket, ${firstRender.tokenRequests} token fetch; content at ${ms(firstRender.contentMs)}, ` +
        `complete at ${ms(firstRender.completeMs)}` +
        (firstRender.repeated.length
          ? `; repeated: ${firstRender.repeated.map((name) => `${name} ×${firstRender.requestsPerResource[name]}`).join(', ')}`
          : ''),
      'one request per resource, one socket',
      yes(firstRender.repeated.length === 0 && firstRender.sockets === 1 && firstRender.errors.length === 0),
    ]);
  }
  if (serverThroughput) {
    rows.push([
      `Server: usage reports, keep-alive, ${serverThroughput.connections} connections, ${(serverThroughput.durationMs / 1000).toFixed(0)} s`,
      `${serverThroughput.reportsPerSecond.toLocaleString('en-US')} reports/s (${serverThroughput.failed} failed)`,
      '≥ 5,000/s',
      yes(serverThroughput.reportsPerSecond >= 5000 && serverThroughput.failed === 0),
    ]);
  }
  if (fanOut) {
    rows.push([
      `Fan-out: ${fanOut.opened} sockets, one change`,
      `p50 ${ms(fanOut.latencyMs.p50)}, p99 ${ms(fanOut.latencyMs.p99)} (${fanOut.received}/${fanOut.sockets} got it)`,
      'p99 ≤ 250 ms',
      yes(fanOut.latencyMs.p99 <= 250 && fanOut.missing === 0),
    ]);
  }
  if (clientVsOfficial) {
    const c = clientVsOfficial;
    rows.push([
      `Client vs @planship/fetch, same ${c.calls} calls`,
      `median ${c.ours.medianMs.toFixed(2)} vs ${c.official.medianMs.toFixed(2)} ms per call = ${c.medianRatio.toFixed(2)}× ` +
        `(reads ${c.readMedianRatio.toFixed(2)}×, writes ${c.writeMedianRatio.toFixed(2)}×); ` +
        `HTTP requests ${c.ours.httpRequests} vs ${c.official.httpRequests}`,
      'reference (ratio < 1: ours faster)',
      '',
    ]);
  }
  if (memory) {
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
    rows.push([
      `Page heap data after ${memory.pushes.toLocaleString('en-US')} live pushes vs after 100 (objects, strings, arrays, closures)`,
      `${mb(memory.dataAfterAllBytes)} vs ${mb(memory.dataAfterFirstBytes)} = ${memory.dataRatio.toFixed(3)}×`,
      '≤ 1.05×',
      yes(memory.dataRatio <= 1.05),
    ]);
    rows.push([
      `Page heap as a whole, same moments (V8 used size; compiled code ${mb(memory.codeAfterFirstBytes)} → ${mb(memory.codeAfterAllBytes)})`,
      `${mb(memory.heapAfterAllBytes)} vs ${mb(memory.heapAfterFirstBytes)} = ${memory.ratio.toFixed(3)}×`,
      'reference: the difference is the hot path compiled by V8 (flat after ~1,000 pushes)',
      '',
    ]);
  }
  if (firstContent) {
    const { runs, delayedRuns, delaysMs: [low, high] } = firstContent;
    const pages = [
      ['server-rendered (ssr)', firstContent.ssr, { chain: 1, slope: 1.5 }],
      ['through the gateway, preload in the head', firstContent.gatewayPreload, { slope: 2.5 }],
      ['through the gateway, no preload', firstContent.gateway, undefined],
      ['direct (token first, API on its own origin)', firstContent.direct, undefined],
      ['minimal Lit page (one static element)', firstContent.minimalLit, undefined],
    ] as const;
    for (const [name, result, goal] of pages) {
      const goals = goal && [...('chain' in goal ? [`chain ${goal.chain}`] : []), `slope ≤ ${goal.slope}`];
      rows.push([
        `First content, ${name} (warm gateway; median of ${runs}; chain and slope from ${delayedRuns} visits at +${low / 1000} s and +${high / 1000} s per request)`,
        `${ms(result.contentMs)}; critical chain ${result.chain} (API ${result.apiChain}) requests; ` +
          `slope ${result.roundTrips.toFixed(2)} round trips (${ms(result.delayedContentMs[0])} → ${ms(result.delayedContentMs[1])})`,
        goals ? goals.join(', ') : 'reference',
        goal ? yes(result.roundTrips <= goal.slope && (!('chain' in goal) || result.chain === goal.chain)) : '',
      ]);
    }
  }
  if (processes) {
    const { trials, violations, lockWaitMs, upstreamCalls, upstreamDelayMs } = processes;
    for (const [label, races] of Object.entries(violations)) {
      const locked = !label.startsWith('none');
      rows.push([
        `Money races, ${label} process${label.endsWith(' 1') ? '' : 'es'} (violations of ${trials}, 20 requests each, +${upstreamDelayMs} ms per upstream call)`,
        Object.entries(races).map(([race, count]) => `${race} ${count}`).join('; '),
        locked ? '0' : 'reference',
        locked ? yes(Object.values(races).every((count) => count === 0)) : '',
      ]);
    }
    rows.push([
      'Write lock wait with 20 writes queued (p50 / p99)',
      Object.entries(lockWaitMs).map(([name, wait]) => `${name} ${ms(wait.p50)} / ${ms(wait.p99)}`).join('; '),
      'reference',
      '',
    ]);
    rows.push([
      'Upstream calls per request (median), warm gateway vs a fresh one per request',
      Object.entries(upstreamCalls).map(([name, calls]) => `${name} ${calls.median}`).join('; '),
      'reference',
      '',
    ]);
  }
  if (gateway) {
    rows.push([
      'Live latency through the gateway vs direct (100 reports each)',
      `p50 ${ms(gateway.latencyGateway.p50)} vs ${ms(gateway.latencyDirect.p50)} = ${gateway.latencyRatio.toFixed(2)}× ` +
        `(p95 ${ms(gateway.latencyGateway.p95)} vs ${ms(gateway.latencyDirect.p95)})`,
      'reference (one more hop)',
      '',
    ]);
    rows.push([
      `Gateway overhead per request (${gateway.requests} reads each way, interleaved)`,
      `p50 ${ms(gateway.gatewayMs.p50)} vs ${ms(gateway.directMs.p50)} direct = +${ms(gateway.overheadMs)}`,
      'reference',
      '',
    ]);
    rows.push([
      `Upstream sockets for ${gateway.pages.toLocaleString('en-US')} pages of ${gateway.customers} customers`,
      String(gateway.upstreamSockets),
      `${gateway.customers} (one per customer)`,
      yes(gateway.upstreamSockets === gateway.customers),
    ]);
  }
  for (const [part, message] of Object.entries(errors)) rows.push([part, `did not run: ${message}`, '', '**no**']);
  return rows;
}

export function markdownTable(rows: Row[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [
    '| Measure | Result | Goal | Met |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export function readmeSection(table: string, date: string, machine: Machine): string {
  return `## Performance

\`npm run bench\` measures every performance goal in about eight minutes (\`--only part,...\` for some) and writes
\`bench/results.json\`. Numbers below are from one run on ${date.slice(0, 10)}, on a shared
${machine.cores}-core ${machine.cpu} machine (Node ${machine.node}, headless Chromium
${machine.chromium ?? ''}); expect noise of a few milliseconds between runs. Latencies are
medians and percentiles; comparisons are ratios (below 1: ours is smaller or faster).

${table}

- Sizes: the drop-in bundle as \`npm run build\` makes it (Vite's library mode, Lit's template
  minifier, terser then Oxc), and the client alone through the same pipeline, then gzip -9. The
  portal includes lit and the English messages (other languages are files of their own).
  \`npm test\` fails when the portal or the client grows more than 5% past
  \`bench/size-budget.json\`, or sits more than 5% under it (lower the budget then).
- Live latency: headless Chromium, a page with \`<planship-provider>\` and
  \`<planship-usage-meter>\` against the local server; 200 usage reports made by the server side,
  50 ms apart; the time from each report's HTTP answer to the meter's new \`aria-valuenow\` in the
  DOM, both on the wall clock (the page's clock offset is measured and removed). A push can beat
  the HTTP answer, so the fastest samples can be slightly negative.
- First render: requests and sockets a page with the provider and every element makes until all
  elements show content.
- First content: the same page (the provider and every element, a customer on plan pro) five
  ways in one run and one browser: rendered on the host's server from the gateway's snapshot and
  hydrated (ssr), through the gateway with and without the README's preload line, direct (a
  customer token from the host, then the API on its own origin) and, as the floor, a page with one
  tiny Lit element. Each on a warm gateway and server (one untimed visit first: the gateway has its
  Planship token and the customer, the browser has compiled the script). First content is when
  every element shows content (for the ssr page: when its HTML was parsed), never before the first
  contentful paint, in ms from navigation start. The critical chain is the longest run of requests
  each sent after the previous one's answer ended, among those answered before first content, as
  the page's host and the API's proxy recorded them (so CORS preflights, which the browser's
  request events do not show, count); all requests, and the API's alone. The slope: every request
  the browser makes (the document and scripts too, the token, the gateway, the API and its
  preflights) is answered 1 s late, then 2 s late, alternating on the same warm servers; the
  difference of the medians over 1 s is the number of round trips the page waits for, one after
  another, the document's included. Smaller delays left the slope at the mercy of the machine's
  own variation (about ±100 ms on a shared 2-core machine).
- Gateway: live latency measured as above through the gateway and direct (100 reports each); the
  overhead per request is the same customer read through the gateway and straight to the API
  with a customer token, 300 each, interleaved; upstream sockets are counted for 1,000 page
  sockets of 100 customers.
- Memory: the page's heap after a forced GC once 100 live pushes have shown and again after
  10,000. Its data (a heap snapshot's objects, arrays, strings, closures) is the leak check; the
  heap as a whole also holds V8's compiled code, which grows while the hot path gets optimized
  over the first ~1,000 pushes and then stays flat.
- Server: a raw keep-alive load loop (50 connections) in a worker thread on the same machine, so
  load and server share the cores; fan-out is timed from sending the report to each socket's frame.
- Client vs \`@planship/fetch\`: both in Node on the same server, the same 200 calls (6 reads,
  2 writes per block), blocks interleaved; ours answers repeated catalog reads from its cache.
`;
}
