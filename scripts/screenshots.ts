// `npm run screenshots`: the demo (the production path, on the local API) in Chromium, as pictures
// for the README in docs/images/: light, dark, a phone, and a plan change's confirmation dialog;
// then the portal's newer states for release notes in docs/images/states/ (screenshot-states.ts).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startDemo } from '../demo/run-demo.ts';
import { captureStates, ready } from './screenshot-states.ts';

interface BrowserFinder {
  locateBrowser(): Promise<string | undefined>;
  CHROMIUM_ARGS: string[];
}

const OUT = 'docs/images';

const finder: BrowserFinder = await import(new URL('./find-browser.mjs', import.meta.url).href);
const executablePath = process.env.CHROME_PATH || (await finder.locateBrowser());
if (!executablePath) throw new Error('No Chromium found: set CHROME_PATH or install chromium.');
mkdirSync(OUT, { recursive: true });
const demo = await startDemo({ apiPort: 0, pagePort: 0, quiet: true });
// The states' own pages are fulfilled by the script (page.route), which Chromium places in no
// local address space: without this, its Local Network Access checks block them from the
// gateways on the loopback (as a real page on the same host is not).
const browser = await chromium.launch({ executablePath, args: [...finder.CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'] });
try {
  for (const [name, options] of [
    ['portal-light', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' }],
    ['portal-dark', { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' }],
    ['portal-mobile', { viewport: { width: 390, height: 844 }, colorScheme: 'light' }],
  ] as const) {
    const page = await browser.newPage(options);
    await page.goto(demo.pageUrl);
    await ready(page);
    // The phone: its first screen, as a visitor sees it on arrival.
    await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: name !== 'portal-mobile' });
    if (name === 'portal-light') {
      // A plan change asks first: what is gained and lost, the price difference, when.
      await page.getByRole('radio', { name: /Business/ }).first().click();
      await page.locator('planship-plan-picker').locator('dialog[open]').waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${OUT}/confirm-plan-change.png` });
    }
    await page.close();
    console.log(`${OUT}/${name}.png`);
  }
  console.log(`${OUT}/confirm-plan-change.png`);
  // After the pictures above: these change the demo customers' subscriptions.
  await captureStates(browser, demo);
} finally {
  await browser.close();
  await demo.close();
}
