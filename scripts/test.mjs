#!/usr/bin/env node
// `npm test`: types, Node tests (the gateway's host-framework recipes among them, and its write locks
// and invitation stores against a real Redis and PostgreSQL, started once for the run), then browser
// tests in real Chromium. Exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { findOrInstallBrowser } from './find-browser.mjs';
import { startPostgres, startRedis } from './stores.mjs';

const browserOnly = process.argv.includes('--browser-only');
const nodeOnly = process.argv.includes('--node-only');

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const listTests = (folder) =>
  readdirSync(folder)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `${folder}/${f}`);
// The recipes run each host framework for real (Next.js as `next dev` in a process of its own).
const nodeTests = [...listTests('test/node'), ...listTests('test/recipes')];

const failures = [];
if (!browserOnly) {
  if ((await run('types (tsc --noEmit)', 'npx', ['tsc', '--noEmit'])) !== 0) failures.push('types');
  // One Redis and one PostgreSQL for every test file; a file run on its own starts its own.
  console.log('\n=== stores (Redis, PostgreSQL) ===');
  const stores = await Promise.allSettled([startRedis(), startPostgres()]);
  const [redis, postgres] = stores.map((started) => (started.status === 'fulfilled' ? started.value : undefined));
  for (const started of stores) if (started.status === 'rejected') console.error(started.reason.message);
  if (!redis || !postgres) failures.push('stores (see above)');
  else console.log(`Redis at ${redis.url}, PostgreSQL at ${postgres.url}`);
  try {
    // The timeout applies to each file as a whole too: the money races across processes (40 trials
    // of 20 requests each, with gateway processes to start) need more than a minute on 2 busy cores.
    if (
      (await run('node tests', process.execPath, [
        '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=150000', ...nodeTests,
      ], {
        ...(redis && { PLANSHIP_TEST_REDIS_URL: redis.url }),
        ...(postgres && { PLANSHIP_TEST_POSTGRES_URL: postgres.url }),
      })) !== 0
    ) failures.push('node tests');
  } finally {
    await Promise.all([redis?.stop(), postgres?.stop()]);
  }
}
if (!nodeOnly) {
  let browser;
  try {
    browser = await findOrInstallBrowser();
  } catch (error) {
    console.error(`\n${error.message}`);
    failures.push('browser (none found)');
  }
  if (browser) {
    console.log(`Using Chromium at ${browser}`);
    const code = await run('browser tests (Chromium)', 'npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs'], {
      CHROME_PATH: browser,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=tsx`.trim(),
    });
    if (code !== 0) failures.push('browser tests');
    if ((await run('build (npm run build)', 'npm', ['run', 'build', '--silent'])) !== 0) failures.push('build');
    else if (
      (await run('built package: manifest, packed install, framework recipes, script tag, the README app (Playwright)', process.execPath,
        ['--import', 'tsx', '--test', '--test-timeout=120000', ...listTests('test/dist')], { CHROME_PATH: browser })) !== 0
    ) failures.push('built package');
  }
}

if (failures.length) {
  console.error(`\nnpm test FAILED: ${failures.join(', ')}`);
  process.exit(1);
}
console.log('\nnpm test passed: types, node tests, browser tests.');
