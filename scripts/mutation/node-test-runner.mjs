// A Stryker test runner for our node:test files (Stryker has none for node:test). Each test file
// runs in a process of its own, as in `npm test`, with node-test-hook.mjs loaded: the dry run
// records which tests reach which mutants, and each mutant then runs only the tests that reach
// it (the whole file for mutants reached while loading or in hooks), fastest files first, and
// stops at the first failing file.
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { DryRunStatus, MutantRunStatus, TestStatus } from '@stryker-mutator/api/test-runner';
import { readFileSync, writeFileSync } from 'node:fs';
import { runTestProcess } from './test-process.mjs';

const HOOK = new URL('./node-test-hook.mjs', import.meta.url).href;
/** The id of a file's "test" that stands for everything outside its tests (loading, hooks). */
const WHOLE_FILE = ' (whole file)';
/** A test file that takes longer than this without any mutant is stuck. */
const DRY_RUN_FILE_TIMEOUT_MS = 5 * 60_000;
/**
 * With a mutant, a file that takes this much longer than it did without one hangs (a request
 * never answered): the mutant timed out. Stryker's own timeout covers every file of the mutant
 * at once, minutes for one reached while the server starts.
 */
const hangsAfterMs = (dryRunMs) => 15_000 + 3 * dryRunMs;
/** The dry run's wall times, for runner processes Stryker starts again later (in the sandbox). */
const WALL_TIMES_FILE = '.node-test-wall-times.json';

export class NodeTestRunner {
  static inject = tokens(commonTokens.options, commonTokens.logger);

  /** Dry-run wall time of each file, to run the fastest first and to tell a hang. */
  #wallMs = new Map();

  constructor(options, log) {
    this.files = options.nodeTest.files;
    this.log = log;
    try {
      this.#wallMs = new Map(Object.entries(JSON.parse(readFileSync(WALL_TIMES_FILE, 'utf8'))));
    } catch {
      // the first runner process: its dry run measures them
    }
  }

  capabilities() {
    // Every run is a new process, so mutants active while modules load are tested too.
    return { reloadEnvironment: true };
  }

  async dryRun() {
    const tests = [];
    const perTest = {};
    for (const file of this.files) {
      let run = await this.#run(file, {}, DRY_RUN_FILE_TIMEOUT_MS);
      if (run.exitCode !== 0) {
        // Once more before giving up: a test that fails once on a loaded machine should not end the run.
        this.log.warn(`dry run: ${file} failed without any mutant; running it again:\n${run.output.slice(-2000)}`);
        run = await this.#run(file, {}, DRY_RUN_FILE_TIMEOUT_MS);
      }
      if (run.exitCode !== 0) {
        const what = run.timedOut ? `did not end within ${DRY_RUN_FILE_TIMEOUT_MS} ms` : 'failed';
        return { status: DryRunStatus.Error, errorMessage: `${file} ${what} without any mutant:\n${run.output}` };
      }
      this.#wallMs.set(file, run.wallMs);
      const { results, coverage } = run.report;
      // Starting the process and the file's hooks: part of every test's time when run alone.
      const overheadMs = Math.max(0, run.wallMs - results.reduce((sum, result) => sum + result.ms, 0));
      // Mutants reached outside any test run the whole file.
      tests.push({ id: file + WHOLE_FILE, name: file + WHOLE_FILE, fileName: file, status: TestStatus.Success, timeSpentMs: Math.round(run.wallMs) });
      perTest[file + WHOLE_FILE] = coverage.static;
      for (const result of results) {
        const id = `${file} > ${result.name}`;
        tests.push({ id, name: id, fileName: file, startPosition: result.position, status: TestStatus.Success, timeSpentMs: Math.round(result.ms + overheadMs) });
        perTest[id] = coverage.perTest[result.name] ?? {};
      }
      this.log.info(`dry run: ${file} ${results.length} tests, ${Math.round(run.wallMs)} ms`);
    }
    writeFileSync(WALL_TIMES_FILE, JSON.stringify(Object.fromEntries(this.#wallMs)));
    return { status: DryRunStatus.Complete, tests, mutantCoverage: { static: {}, perTest } };
  }

  async mutantRun({ activeMutant, testFilter }) {
    const plan = new Map();
    for (const id of testFilter ?? this.files.map((file) => file + WHOLE_FILE)) {
      const file = this.files.find((candidate) => id === candidate + WHOLE_FILE || id.startsWith(`${candidate} > `));
      if (!file) continue;
      if (id === file + WHOLE_FILE) plan.set(file, 'all');
      else if (plan.get(file) !== 'all') plan.set(file, [...(plan.get(file) ?? []), id.slice(file.length + 3)]);
    }
    const ordered = [...plan].sort(([a], [b]) => (this.#wallMs.get(a) ?? 0) - (this.#wallMs.get(b) ?? 0));
    let nrOfTests = 0;
    for (const [file, names] of ordered) {
      const run = await this.#run(file, { mutant: activeMutant.id, only: names === 'all' ? undefined : names }, hangsAfterMs(this.#wallMs.get(file) ?? 60_000));
      if (run.timedOut) return { status: MutantRunStatus.Timeout, reason: `${file} did not end` };
      const results = run.report?.results ?? [];
      nrOfTests += results.length;
      if (run.exitCode !== 0) {
        const failed = results.filter((result) => !result.passed).map((result) => `${file} > ${result.name}`);
        return { status: MutantRunStatus.Killed, killedBy: failed.length ? failed : [file + WHOLE_FILE], failureMessage: run.output.slice(-2000), nrOfTests };
      }
    }
    return { status: MutantRunStatus.Survived, nrOfTests };
  }

  #run(file, { mutant, only }, timeoutMs) {
    const env = { ...process.env, NODE_OPTIONS: '' };
    if (mutant !== undefined) Object.assign(env, { __STRYKER_ACTIVE_MUTANT__: mutant, STRYKER_NODE_TEST_BAIL: '1' });
    if (only) env.STRYKER_NODE_TEST_ONLY = JSON.stringify(only);
    // --test-force-exit: a handle a test left open must not keep the process alive after the last test.
    const args = ['--import', 'tsx', '--import', HOOK, '--test-force-exit', '--test-reporter=dot', file];
    return runTestProcess(process.execPath, args, env, 'STRYKER_NODE_TEST_REPORT', timeoutMs);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'node-test', NodeTestRunner)];
