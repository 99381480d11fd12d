// Loaded with `--import` into a Node test file run by the mutation runner (node-test-runner.mjs).
// It wraps node:test's `it`/`test` so that Stryker's coverage counters land on the test running
// at the time, runs only the tests the runner names, and writes what it saw when the process ends.
// Coverage outside any test (module loading, before/after hooks, work left running after a test)
// goes to the file as a whole: the runner then runs that whole file for those mutants.
import { writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const nodeTest = require('node:test');
const ns = (globalThis.__stryker__ ??= {});
const report = process.env.STRYKER_NODE_TEST_REPORT;
/** Full names of the tests to run; every test when absent. */
const bail = process.env.STRYKER_NODE_TEST_BAIL === '1';
const only = process.env.STRYKER_NODE_TEST_ONLY ? new Set(JSON.parse(process.env.STRYKER_NODE_TEST_ONLY)) : undefined;

/** Suites being declared, outermost first (node:test calls a suite's function synchronously). */
const suites = [];
const seen = new Map();
/** What each test that ran did: full name, milliseconds, passed. */
const results = [];

/** Where each test is written (0-based, as Stryker counts): a changed test is then tested anew. */
const positions = new Map();
const testFile = process.argv[1];

function callerPosition() {
  const line = new Error().stack.split('\n').find((frame) => frame.includes(testFile));
  const [, row, column] = /:(\d+):(\d+)\)?$/.exec(line ?? '') ?? [];
  return row ? { line: Number(row) - 1, column: Number(column) - 1 } : undefined;
}

function uniqueName(name) {
  const full = [...suites, name].join(' > ');
  const count = (seen.get(full) ?? 0) + 1;
  seen.set(full, count);
  return count === 1 ? full : `${full} #${count}`;
}

/** node:test's (name?, options?, fn?) arguments, named. */
function parse(args) {
  const list = [...args];
  const name = typeof list[0] === 'string' ? list.shift() : (list[0]?.name ?? '<anonymous>');
  const fn = typeof list.at(-1) === 'function' ? list.pop() : undefined;
  return { name, options: list[0] ?? {}, fn };
}

function wrapSuite(original) {
  const suite = (...args) => {
    const { name, options, fn } = parse(args);
    if (!fn) return original(name, options);
    return original(name, options, function (...suiteArgs) {
      suites.push(name);
      try {
        return fn.apply(this, suiteArgs);
      } finally {
        suites.pop();
      }
    });
  };
  return Object.assign(suite, original);
}

function wrapTest(original) {
  const test = (...args) => {
    const { name, options, fn } = parse(args);
    const full = uniqueName(name);
    positions.set(full, callerPosition());
    if (!fn || options.skip || options.todo) return original(name, options, fn);
    if (only && !only.has(full)) return original(name, { ...options, skip: 'not covering the active mutant' }, fn);
    const run = async (context) => {
      const started = performance.now();
      ns.currentTestId = full;
      let passed = false;
      try {
        await (fn.length >= 2 ? new Promise((resolve, reject) => fn.call(context, context, (error) => (error ? reject(error) : resolve()))) : fn.call(context, context));
        passed = true;
      } finally {
        ns.currentTestId = undefined;
        results.push({ name: full, ms: performance.now() - started, passed, position: positions.get(full) });
        // A mutant run needs one failure only: the rest of the file would just take time.
        if (!passed && bail) process.exit(1);
      }
    };
    return original(name, options, run);
  };
  return Object.assign(test, original);
}

// A failing `assert.ok(value)` with no message makes Node re-parse the test's source to quote the
// expression: minutes for a TypeScript file (checked: 213 s for customers-state-export). Mutants
// make such assertions fail all the time, so they get a plain message instead.
for (const assert of [require('node:assert'), require('node:assert/strict')]) {
  const ok = assert.ok;
  assert.ok = (...args) => (args.length === 1 && !args[0] ? ok(args[0], 'The expression evaluated to a falsy value') : ok(...args));
}

nodeTest.describe = wrapSuite(nodeTest.describe);
nodeTest.suite = wrapSuite(nodeTest.suite);
nodeTest.it = wrapTest(nodeTest.it);
nodeTest.test = wrapTest(nodeTest.test);
syncBuiltinESMExports();

if (report) {
  process.on('exit', () => {
    writeFileSync(report, JSON.stringify({ results, coverage: ns.mutantCoverage ?? { static: {}, perTest: {} } }));
  });
}
