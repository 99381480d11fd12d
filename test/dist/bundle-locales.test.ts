// The built drop-in bundle as a page uses it: English inside, other languages fetched on demand
// from dist/locales/ beside it (only the one the page needs), and a second load is harmless.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startServer } from '../../src/server/index.ts';
import { launchChromium, startDistHost, type DistHost } from './host.ts';

let api: Awaited<ReturnType<typeof startServer>>;
let host: DistHost;
let browser: Browser;

/** /en, /de ...: a page in that language; /twice: the bundle loaded from two URLs. */
function page(path: string) {
  const lang = path === '/twice' ? 'en' : path.slice(1);
  const scripts = path === '/twice' ? ['/planship-portal.js', '/planship-portal.js?again'] : ['/planship-portal.js'];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Bundle</title>
${scripts.map((src) => `<script type="module" src="${src}"></script>`).join('')}</head><body>
<planship-provider product-slug="acme-analytics" customer-id="grace@example.com" api-url="${api.url}" token-url="/token">
  <planship-subscription-manager></planship-subscription-manager>
</planship-provider></body></html>`;
}

before(async () => {
  api = await startServer({ catalog: 'demo/catalog.json' });
  host = await startDistHost(api.url, 'grace@example.com', page);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await api?.close();
});

async function open(path: string) {
  const tab = await browser.newPage();
  const problems: string[] = [];
  const warnings: string[] = [];
  tab.on('pageerror', (error) => problems.push(error.message));
  tab.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
    if (message.type() === 'warning') warnings.push(message.text());
  });
  host.requests.length = 0;
  await tab.goto(host.url + path);
  return { tab, problems, warnings };
}

const cancelButton = (tab: Page, name: RegExp) => tab.getByRole('button', { name }).waitFor({ timeout: 15000 });

test('an English page fetches no language file', async () => {
  const { tab, problems } = await open('/en');
  await cancelButton(tab, /Cancel subscription/);
  assert.deepEqual(host.requests.filter((path) => path.startsWith('/locales/')), []);
  assert.deepEqual(problems, []);
  await tab.close();
});

for (const [lang, cancel] of [['de', /Abonnement kündigen/], ['ar', /إلغاء الاشتراك/]] as const) {
  test(`a page in ${lang} fetches locales/${lang}.js once, beside the bundle, and shows that language`, async () => {
    const { tab, problems } = await open(`/${lang}`);
    await cancelButton(tab, cancel);
    assert.deepEqual(host.requests.filter((path) => path.startsWith('/locales/')), [`/locales/${lang}.js`]);
    assert.equal(await tab.getByRole('button', { name: /Cancel subscription/ }).count(), 0);
    assert.deepEqual(problems, []);
    await tab.close();
  });
}

test('loading the bundle twice is a no-op with one console warning', async () => {
  const { tab, problems, warnings } = await open('/twice');
  await cancelButton(tab, /Cancel subscription/);
  assert.deepEqual(host.requests.filter((path) => path === '/planship-portal.js').length, 2, 'both copies were fetched');
  assert.deepEqual(problems, []);
  assert.equal(warnings.filter((text) => text.includes('loaded more than once')).length, 1, warnings.join('\n'));
  await tab.close();
});
