// `npm run demo` on a fresh clone: vite's log (what the terminal shows) has no error or warning,
// and the demo page in Chromium loads one copy of Lit and warns about nothing but Lit's dev-mode
// notice (the dev server serves Lit's development build, which says so once).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startDemo } from '../../demo/run-demo.ts';
import { launchChromium } from './host.ts';

const LIT_DEV_MODE = /^Lit is in dev mode\. Not recommended for production!/;

/** What vite printed (through console, as its logger does) while the demo ran. */
const printed: string[] = [];
const consoleMethods = ['log', 'info', 'warn', 'error'] as const;
const originals = consoleMethods.map((method) => console[method]);

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;
// A fresh clone has no pre-bundled dependencies: a cache folder of the test's own (never the
// project's node_modules/.vite).
const cacheDir = mkdtempSync(join(tmpdir(), 'planship-demo-vite-'));

before(async () => {
  for (const method of consoleMethods) console[method] = (...parts: unknown[]) => void printed.push(`${method}: ${parts.map(String).join(' ')}`);
  demo = await startDemo({ apiPort: 0, pagePort: 0, cacheDir });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.close();
  consoleMethods.forEach((method, i) => (console[method] = originals[i]));
  rmSync(cacheDir, { recursive: true, force: true });
});

test('the demo starts and serves its page without a warning, and the page loads one copy of Lit', async () => {
  const tab = await browser.newPage();
  const messages: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') messages.push(`${message.type()}: ${message.text()}`);
  });
  tab.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  await tab.goto(demo.pageUrl);
  // The portal shows Ada's plans (she is on Pro), live.
  await tab.getByRole('radio', { name: /Switch to Business/ }).waitFor({ timeout: 30_000 });
  // Long enough for a late dependency discovery to reload the page (what a failed scan caused).
  await tab.waitForTimeout(1500);
  const versions = await tab.evaluate(() => {
    const global = globalThis as Record<string, unknown>;
    return Object.fromEntries(['litHtmlVersions', 'reactiveElementVersions', 'litElementVersions'].map((key) => [key, (global[key] as unknown[] | undefined)?.length ?? 0]));
  });
  assert.deepEqual(versions, { litHtmlVersions: 1, reactiveElementVersions: 1, litElementVersions: 1 }, 'one copy of Lit');
  await tab.close();
  // The closed tab's live connection ends through vite's proxy: nothing to report either.
  await new Promise((resolve) => setTimeout(resolve, 500));

  assert.deepEqual(messages.filter((message) => !LIT_DEV_MODE.test(message.replace(/^warning: /, ''))), [], 'the page console');
  assert.ok(messages.some((message) => LIT_DEV_MODE.test(message.replace(/^warning: /, ''))), "Lit's dev-mode notice (the check sees the console)");
  assert.deepEqual(printed, [], "vite's log");
});
