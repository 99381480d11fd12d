// Wraps web-test-runner.config.mjs. Under mutation testing (the variables wtr-runner.mjs sets) it
// activates Stryker's mutant in every test page, stops at the first failure and writes each test
// file's results for the runner; without them the config is unchanged, as `npm test` runs it.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { defaultReporter } from '@web/test-runner';

/**
 * The test runner's `config` as is, or under mutation testing: the active mutant in every page,
 * with a bail, mocha stops a file at its first failing test (a hanging test costs one test's
 * timeout, not the file's), and with a report file, each file's results written to it.
 */
export function withMutationTesting(config, env = process.env) {
  const options = { ...config };
  const mutant = env.__STRYKER_ACTIVE_MUTANT__;
  const bail = env.STRYKER_WTR_BAIL === '1';
  if (mutant !== undefined) {
    // Instrumented code reads the active mutant from globalThis.__stryker__, filled from
    // process.env in Node; a page has no process, so a classic script sets it before any module runs.
    const activate = `<script>globalThis.__stryker__ = { activeMutant: ${JSON.stringify(mutant)} };</script>`;
    options.testRunnerHtml = (testFramework) =>
      `<!DOCTYPE html><html><head>${activate}</head><body><script type="module" src="${testFramework}"></script></body></html>`;
  }
  if (bail) options.testFramework = { ...config.testFramework, config: { ...config.testFramework?.config, bail: true } };
  if (env.STRYKER_WTR_REPORT) options.reporters = [defaultReporter(), resultsReporter(env.STRYKER_WTR_REPORT, bail)];
  return options;
}

/** Writes every finished test file's tests that ran (full name, passed, ms, error) to `reportFile`; with `bail`, a failing file ends the run. */
function resultsReporter(reportFile, bail) {
  const files = [];
  return {
    reportTestFileResults({ sessionsForTestFile, testFile }) {
      const tests = [];
      for (const session of sessionsForTestFile) collectTests(session.testResults, [], tests);
      const errors = sessionsForTestFile.flatMap((session) => session.errors.map((error) => error.message));
      const passed = sessionsForTestFile.every((session) => session.passed);
      files.push({ file: relative(process.cwd(), testFile), passed, tests, errors });
      writeFileSync(reportFile, JSON.stringify({ files }));
      // One failing file decides; Chromium and the servers end with this process.
      if (bail && !passed) process.exit(1);
    },
  };
}

function collectTests(suite, path, into) {
  if (!suite) return;
  const names = suite.name ? [...path, suite.name] : path;
  for (const test of suite.tests) {
    // Under bail, the tests after a failure neither pass nor fail: they did not run.
    if (!test.skipped && (test.passed || test.error)) into.push({ name: [...names, test.name].join(' > '), passed: test.passed, ms: test.duration ?? 0, error: test.error?.message });
  }
  for (const child of suite.suites) collectTests(child, names, into);
}
