// `npm run bench`: every performance measurement, one table, bench/results.json.
//   --only size,latency,...   run some parts (names below)
//   --update-budget           write the current sizes to bench/size-budget.json (the ratchet)
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { compareClients } from './client-vs-official.ts';
import { measureFanOut } from './fan-out.ts';
import { measureFirstContent } from './first-content.ts';
import { measureFirstRender } from './first-render.ts';
import { measureGateway } from './gateway.ts';
import { measureProcesses } from './gateway-processes.ts';
import { measureLiveLatency } from './live-latency.ts';
import { measureMemory } from './memory.ts';
import { fromRoot } from './root.ts';
import { measureServerThroughput } from './server-throughput.ts';
import { BUDGET_TOLERANCE, SIZE_BUDGET_FILE, kB, measureSizes, readBudget, type SizeResult } from './size.ts';
import { markdownTable, readmeSection, tableRows, type BenchResults, type Machine } from './table.ts';

let browser: Browser | undefined;
const needBrowser = async () => (browser ??= await launchBrowser());

const PARTS: Record<string, { key: keyof BenchResults; run: () => Promise<unknown> }> = {
  size: { key: 'size', run: measureSizes },
  latency: { key: 'liveLatency', run: async () => measureLiveLatency(await needBrowser()) },
  'first-render': { key: 'firstRender', run: async () => measureFirstRender(await needBrowser()) },
  throughput: { key: 'serverThroughput', run: () => measureServerThroughput() },
  'fan-out': { key: 'fanOut', run: () => measureFanOut() },
  clients: { key: 'clientVsOfficial', run: () => compareClients() },
  memory: { key: 'memory', run: async () => measureMemory(await needBrowser()) },
  gateway: { key: 'gateway', run: async () => measureGateway(await needBrowser()) },
  'first-content': { key: 'firstContent', run: async () => measureFirstContent(await needBrowser()) },
  processes: { key: 'processes', run: () => measureProcesses() },
};

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Where the bytes of the portal and the client go, largest first. */
function printBreakdown(size: SizeResult) {
  for (const [name, { breakdown }] of [['Portal', size.portal], ['Client', size.client]] as const) {
    if (!breakdown) continue;
    console.log(`${name}, by part: gzip bytes it adds (minified bytes)`);
    for (const [part, { gzipBytes, minifiedBytes }] of Object.entries(breakdown)) {
      console.log(`  ${String(gzipBytes).padStart(6)} (${String(minifiedBytes).padStart(6)})  ${part}`);
    }
  }
}

function checkBudget(size: SizeResult) {
  if (process.argv.includes('--update-budget') || !existsSync(SIZE_BUDGET_FILE)) {
    const next = { portalGzipBytes: size.portal.gzipBytes, clientGzipBytes: size.client.gzipBytes };
    writeFileSync(SIZE_BUDGET_FILE, JSON.stringify(next, null, 2) + '\n');
    console.log(`Size budget updated: portal ${kB(next.portalGzipBytes)}, client ${kB(next.clientGzipBytes)}.`);
    return;
  }
  const budget = readBudget();
  for (const [name, now, allowed] of [
    ['portal', size.portal.gzipBytes, budget.portalGzipBytes],
    ['client', size.client.gzipBytes, budget.clientGzipBytes],
  ] as const) {
    if (now < allowed * (1 - BUDGET_TOLERANCE)) {
      console.log(`The ${name} shrank to ${kB(now)} (budget ${kB(allowed)}): lower the ratchet with --update-budget.`);
    }
  }
}

const selected = option('only')?.split(',') ?? Object.keys(PARTS);
const unknown = selected.filter((name) => !(name in PARTS));
if (unknown.length) {
  console.error(`Unknown part(s): ${unknown.join(', ')}. Parts: ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}

const results: BenchResults = {};
const errors: Record<string, string> = {};
const started = performance.now();
for (const name of selected) {
  const part = PARTS[name];
  const partStarted = performance.now();
  process.stdout.write(`${name}... `);
  try {
    (results as Record<string, unknown>)[part.key] = await part.run();
    console.log(`${((performance.now() - partStarted) / 1000).toFixed(1)} s`);
  } catch (error) {
    errors[name] = (error as Error).message.split('\n')[0];
    console.log(`failed: ${errors[name]}`);
  }
}
const chromium = browser?.version();
await browser?.close();

const date = new Date().toISOString();
const machine: Machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.versions.node,
  platform: `${process.platform}-${process.arch}`,
  chromium,
};
const table = markdownTable(tableRows(results, errors));
console.log(`\n${table}\n`);
console.log(`${date}, ${machine.cores} cores (${machine.cpu}), Node ${machine.node}; ` +
  `bench took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
if (results.size) {
  printBreakdown(results.size);
  checkBudget(results.size);
}

const everything = selected.length === Object.keys(PARTS).length;
const outputFile = everything ? fromRoot('bench/results.json') : fromRoot('bench/results.partial.json');
writeFileSync(outputFile, JSON.stringify({ date, machine, results, errors }, null, 2) + '\n');
if (everything && Object.keys(errors).length === 0) {
  writeFileSync(fromRoot('bench/README-section.md'), readmeSection(table, date, machine));
}
process.exit(Object.keys(errors).length ? 1 : 0);
