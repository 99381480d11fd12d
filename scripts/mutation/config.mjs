// What `npm run mutate` measures: one Stryker run per runner (node:test for the server and the
// client, node:test again for the gateway and the policy, Chromium for the elements), each over a
// seeded sample of lines (sample.mjs).
import { readdirSync } from 'node:fs';
import { sampleLines, sourceFiles } from './sample.mjs';

const nodeTests = readdirSync('test/node')
  .filter((file) => file.endsWith('.test.ts'))
  // Bundle sizes and the README's recipes: neither runs the mutated code. The races across
  // processes run it in child processes, which never know which mutant is active.
  .filter((file) => !['size-budget.test.ts', 'readme-recipes.test.ts'].includes(file) && !file.startsWith('gateway-processes-'))
  .map((file) => `test/node/${file}`);

/** The folders scored, the share of their code lines sampled, and the Stryker run that tests them. */
export const FOLDERS = {
  // cli.ts runs only in a child process of its test (server-catalog.test.ts): no coverage to attribute.
  'src/server': { rate: 0.15, run: 'node', exclude: ['src/server/cli.ts'] },
  // event-stream.ts is the SSE fallback over EventSource, which Node 20 has not: Chromium tests it
  // (gateway.test.ts), and neither run measures it.
  'src/client': { rate: 0.2, run: 'node', exclude: ['src/client/event-stream.ts'] },
  // Every mutant costs a browser run of the element's own test files: the sample is smaller.
  'src/components': { rate: 0.05, run: 'browser' },
  // The gateway and the customer policy: the security-relevant code, a run of their own (node:test).
  'src/gateway': { rate: 0.2, run: 'gateway' },
  'src/policy': { rate: 0.3, run: 'gateway' },
};

const runner = (file) => new URL(file, import.meta.url).pathname;
export const RUNS = {
  node: { testRunner: 'node-test', plugin: runner('./node-test-runner.mjs'), nodeTest: { files: nodeTests } },
  gateway: { testRunner: 'node-test', plugin: runner('./node-test-runner.mjs'), nodeTest: { files: nodeTests } },
  browser: { testRunner: 'web-test-runner', plugin: runner('./wtr-runner.mjs'), coverageAnalysis: 'off', concurrency: 1 },
};

/** The sampled `mutate` ranges of a run's folders, with how many code lines were sampled. */
export function sampleOf(run) {
  const folders = Object.entries(FOLDERS).filter(([, folder]) => folder.run === run);
  const ranges = [];
  const lines = {};
  for (const [name, { rate, exclude }] of folders) {
    const sample = sampleLines(sourceFiles([name], exclude), { rate });
    ranges.push(...sample.ranges);
    lines[name] = { lines: sample.lines, sampled: sample.sampled, rate };
  }
  return { ranges, lines };
}

/** Stryker options for a run (over `sample`, its sampleOf); `run` names the report folder. */
export function strykerOptions(run, sample = sampleOf(run)) {
  const reports = `reports/mutation/${run}`;
  const { plugin, ...runnerOptions } = RUNS[run];
  return {
    mutate: sample.ranges,
    coverageAnalysis: 'perTest',
    concurrency: 2,
    ...runnerOptions,
    plugins: ['@stryker-mutator/typescript-checker', plugin, runner('./results-log.mjs')],
    checkers: ['typescript'],
    tsconfigFile: 'scripts/mutation/tsconfig.json',
    // Only the mutated sources get `// @ts-nocheck` (the README's recipes are compared byte for byte).
    disableTypeChecks: 'src/**/*.ts',
    // Process start and the server's start are in every run; mutants that loop forever still end.
    timeoutMS: 15_000,
    timeoutFactor: 2,
    dryRunTimeoutMinutes: 30,
    incremental: true,
    incrementalFile: `${reports}/incremental.json`,
    reporters: ['html', 'json', 'progress', 'clear-text', 'results-log'],
    resultsLog: { fileName: `${reports}/mutants.jsonl` },
    htmlReporter: { fileName: `${reports}/index.html` },
    jsonReporter: { fileName: `${reports}/mutation.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
    thresholds: { high: 85, low: 75, break: null },
    tempDirName: '.stryker-tmp',
    ignorePatterns: ['dist', 'reports', '.scratch', '.wtr-*', 'examples/gateway/nextjs/.next', 'bench/results*.json'],
    warnings: { unknownOptions: false },
  };
}
