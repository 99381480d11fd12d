// A Stryker test runner for the elements' browser tests (Stryker has none for web-test-runner).
// Each mutant runs web-test-runner in a process of its own, in Chromium as `npm test` does, over
// only the test files of the mutated element (TEST_FILES), and stops at the first failing test.
// The mutant's id reaches the page through the config (wtr-hook.mjs).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { DryRunStatus, MutantRunStatus, TestStatus } from '@stryker-mutator/api/test-runner';
import { locateBrowser } from '../find-browser.mjs';
import { runTestProcess } from './test-process.mjs';

const WTR_BIN = join(dirname(createRequire(import.meta.url).resolve('@web/test-runner')), 'bin.js');
/** A test file that takes longer than this without any mutant is stuck. */
const DRY_RUN_FILE_TIMEOUT_MS = 5 * 60_000;

/**
 * The browser test files (test/browser/<name>.test.ts) that test each folder of src/components:
 * the element's own file, and for the parts every element uses, the files that exercise them
 * most. They run in this order (two at a time), the likeliest to fail a mutant first.
 */
export const TEST_FILES = {
  'customer-portal': ['customer-portal'],
  entitlement: ['entitlement'],
  'plan-picker': ['plan-picker'],
  // The invite form's gateway path (invitations by email) is tested through the gateway.
  'subscription-manager': ['subscription-manager', 'gateway'],
  'usage-meter': ['usage-meter'],
  // Its own file, plus what only the elements under it show: the first wave of requests
  // (first-render), the status region and alerts (feedback) and gateway mode (gateway).
  provider: ['provider', 'first-render', 'feedback', 'gateway'],
  // Every element is built on it: the languages' file (messages, plural rules, direction), then
  // each element's own, fastest first. e2e, resilience and the theming files add little and take long.
  shared: ['localization', 'usage-meter', 'entitlement', 'provider', 'customer-portal', 'subscription-manager', 'plan-picker'],
};
const path = (name) => `test/browser/${name}.test.ts`;
const ALL_FILES = [...new Set(Object.values(TEST_FILES).flat())].map(path);

/** Whether a run of one file without any mutant passed. */
const passed = (run) => run.exitCode === 0 && run.report?.files[0]?.passed === true;

/** The test files for a mutant in `fileName`; every mapped file for a file outside the map. */
export function testFilesFor(fileName) {
  const folder = /src\/components\/([^/]+)\//.exec(fileName.replaceAll('\\', '/'))?.[1];
  return folder in TEST_FILES ? TEST_FILES[folder].map(path) : ALL_FILES;
}

export class WebTestRunner {
  static inject = tokens(commonTokens.options, commonTokens.logger);

  /** Dry-run wall time of each file, to bound a mutant's run. */
  #wallMs = new Map();
  #chromePath;

  constructor(options, log) {
    this.options = options;
    this.log = log;
  }

  capabilities() {
    // Every run is a new process and new pages, so mutants active while modules load are tested too.
    return { reloadEnvironment: true };
  }

  async init() {
    this.#chromePath = await locateBrowser();
    if (!this.#chromePath) throw new Error('No Chromium found: set CHROME_PATH, or run `npm test` once (it installs one where it can).');
  }

  async dryRun() {
    const tests = [];
    for (const file of ALL_FILES) {
      let run = await this.#run([file], {}, DRY_RUN_FILE_TIMEOUT_MS);
      if (!passed(run)) {
        // Once more before giving up, as the node runner does: one flaky failure should not end the run.
        this.log.warn(`dry run: ${file} failed without any mutant; running it again:\n${run.output.slice(-2000)}`);
        run = await this.#run([file], {}, DRY_RUN_FILE_TIMEOUT_MS);
      }
      const report = run.report?.files[0];
      if (!passed(run)) {
        const what = run.timedOut ? `did not end within ${DRY_RUN_FILE_TIMEOUT_MS} ms` : 'failed';
        return { status: DryRunStatus.Error, errorMessage: `${file} ${what} without any mutant:\n${run.output}` };
      }
      this.#wallMs.set(file, run.wallMs);
      for (const test of report.tests) {
        const id = `${file} > ${test.name}`;
        tests.push({ id, name: id, fileName: file, status: TestStatus.Success, timeSpentMs: Math.round(test.ms) });
      }
      this.log.info(`dry run: ${file} ${report.tests.length} tests, ${Math.round(run.wallMs)} ms`);
    }
    return { status: DryRunStatus.Complete, tests };
  }

  async mutantRun({ activeMutant }) {
    const files = testFilesFor(activeMutant.fileName);
    // Stryker's own timeout counts every test of the dry run; a mutant's run needs only its files'.
    const { timeoutMS, timeoutFactor } = this.options;
    const limitMs = timeoutMS + timeoutFactor * files.reduce((sum, file) => sum + this.#wallMs.get(file), 0);
    const run = await this.#run(files, { mutant: activeMutant.id }, limitMs);
    const reported = run.report?.files ?? [];
    const nrOfTests = reported.reduce((sum, file) => sum + file.tests.length, 0);
    const failed = reported.find((file) => !file.passed);
    if (failed) {
      const failing = failed.tests.filter((test) => !test.passed);
      return {
        status: MutantRunStatus.Killed,
        killedBy: failing.map((test) => `${failed.file} > ${test.name}`),
        failureMessage: failing[0]?.error ?? failed.errors[0] ?? `${failed.file} failed`,
        nrOfTests,
      };
    }
    if (run.timedOut) return { status: MutantRunStatus.Timeout, reason: `${files.join(', ')} did not end within ${Math.round(limitMs)} ms` };
    // Ended badly with no failing file: the runner or the browser broke, not a test.
    if (run.exitCode !== 0) return { status: MutantRunStatus.Error, errorMessage: `web-test-runner ended with ${run.exitCode}:\n${run.output}` };
    return { status: MutantRunStatus.Survived, nrOfTests };
  }

  #run(files, { mutant }, timeoutMs) {
    const env = { ...process.env, NODE_OPTIONS: '', CHROME_PATH: this.#chromePath, WTR_FILES: files.join(',') };
    delete env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant !== undefined) Object.assign(env, { __STRYKER_ACTIVE_MUTANT__: mutant, STRYKER_WTR_BAIL: '1' });
    return runTestProcess(process.execPath, ['--import', 'tsx', WTR_BIN, '--config', 'web-test-runner.config.mjs'], env, 'STRYKER_WTR_REPORT', timeoutMs);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'web-test-runner', WebTestRunner)];
