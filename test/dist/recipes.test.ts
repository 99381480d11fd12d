// The README's recipes (examples/: plain HTML, React 19, Vue 3, Svelte 5) as users build them:
// each app is built once with vite against the packed package (test/dist/packed-project.ts) and
// driven in one Chromium against the real local server; a tiny backend hands the page its
// customer token. Each must show real plans and usage, take the `prices` property and run the
// app's planship-plan-change handler. Also reproduces the Vue pitfall the Vue recipe avoids.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { startServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { launchChromium, sendCustomerToken, startHost, type Host } from './host.ts';
import { packedProject, type PackedProject } from './packed-project.ts';

const RECIPES = ['html', 'react', 'vue', 'svelte'] as const;
const CUSTOMER = 'grace@example.com';
const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let api: Awaited<ReturnType<typeof startServer>>;
let project: PackedProject;
let host: Host;
let browser: Browser;

/** Vue renders these before the elements are defined, with kebab-case and plain bindings. */
const VUE_PITFALL = {
  'pitfall.html': '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pitfall</title><script type="module" src="./pitfall.ts"></script></head><body><div id="app"></div></body></html>',
  'pitfall.ts': `import { createApp } from 'vue';
import Pitfall from './Pitfall.vue';
createApp(Pitfall).mount('#app');
// Defined after Vue rendered them, as when the elements come in a lazy-loaded chunk.
import('planship-portal').then(() => (document.body.dataset.defined = 'yes'));
`,
  'Pitfall.vue': `<script setup lang="ts">
const prices = { pro: { amount: 49, currency: 'USD' } };
const getAccessToken = async () => 'token';
</script>
<template>
  <planship-provider product-slug="acme-analytics" customer-id="${CUSTOMER}" :get-access-token="getAccessToken">
    <planship-plan-picker :prices="prices" />
  </planship-provider>
</template>
`,
};

async function buildRecipe(name: string) {
  const root = join(project.dir, name);
  const pages = name === 'vue' ? { main: join(root, 'index.html'), pitfall: join(root, 'pitfall.html') } : undefined;
  await build({
    root,
    base: `/${name}/`,
    logLevel: 'warn',
    build: { outDir: join(project.dir, 'out', name), emptyOutDir: true, rolldownOptions: pages ? { input: pages } : {} },
  });
}

/** The host app: the built recipes under /<name>/, and the backend's token route. */
const serveRecipes: RequestListener = async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://host').pathname;
  if (path === '/api/planship/token') return sendCustomerToken(response, api.url, CUSTOMER);
  let file = join(project.dir, 'out', normalize(path)); // an absolute path normalizes within the root
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
  response.end(readFileSync(file));
};

before(async () => {
  api = await startServer({ catalog: 'demo/catalog.json' });
  project = packedProject(['react', 'react-dom', 'vue', 'svelte', 'vite', '@vitejs/plugin-vue', '@sveltejs/vite-plugin-svelte', 'lit', '@lit/context', '@lit/task']);
  for (const name of RECIPES) cpSync(`examples/${name}`, join(project.dir, name), { recursive: true });
  for (const [file, source] of Object.entries(VUE_PITFALL)) writeFileSync(join(project.dir, 'vue', file), source);
  // What `.env` would hold in a real app: the recipes read it as import.meta.env (HTML: %VITE_...%).
  process.env.VITE_PLANSHIP_API_URL = api.url;
  for (const name of RECIPES) await buildRecipe(name);
  host = await startHost(serveRecipes);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await api?.close();
  project?.remove();
});

/** Opens a built page; fails the test on any page error. */
async function open(path: string): Promise<{ tab: Page; errors: string[] }> {
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  await tab.goto(host.url + path);
  return { tab, errors };
}

/** The recipe shows real plans, prices and usage, and its plan-change handler runs. */
async function driveRecipe(name: string) {
  await backendCall(api.url, 'POST', '/__emulator/reset');
  const usage = await backendCall(api.url, 'GET', `/api/v1/customers/${CUSTOMER}/products/acme-analytics/levers/api-calls/usage`);
  const { tab, errors } = await open(`/${name}/`);
  try {
    // Grace is on Starter: the picker offers Pro, priced by the `prices` property.
    const pro = tab.locator('[role=radio][data-plan=pro]');
    await pro.waitFor({ timeout: 15000 });
    await tab.locator('[data-plan=pro] [part~=price]').filter({ hasText: /\$49/ }).waitFor({ timeout: 5000 });
    const meter = tab.getByRole('meter');
    await meter.waitFor({ timeout: 15000 });
    assert.equal(Number(await meter.getAttribute('aria-valuenow')), usage.body.total, 'the meter shows the API usage');
    await pro.click();
    // Every plan change is confirmed first (what is gained, the price, when).
    await tab.locator('dialog[open] [part~=dialog-confirm]').click({ timeout: 5000 });
    // The app's own handler saw the event...
    await tab.getByText('Changing plan to pro').waitFor({ timeout: 5000 });
    // ...and, not prevented, the picker changed the plan.
    await tab.locator('[role=radio][data-plan=pro][aria-checked=true]').waitFor({ timeout: 15000 });
    const subscriptions = await backendCall(api.url, 'GET', `/api/v1/customers/${CUSTOMER}/subscriptions`);
    assert.ok(subscriptions.body.some((s: { plan: { slug: string }; is_active: boolean }) => s.is_active && s.plan.slug === 'pro'));
    assert.deepEqual(errors, []);
  } finally {
    await tab.close();
  }
}

for (const name of RECIPES) {
  test(`${name} recipe: built with vite, shows live plans, prices and usage; its planship-plan-change handler runs`, () => driveRecipe(name));
}

test('Vue pitfall: kebab-case and plain bindings on elements not yet defined become attributes', async () => {
  const { tab, errors } = await open('/vue/pitfall.html');
  try {
    await tab.waitForFunction('document.body.dataset.defined === "yes"', undefined, { timeout: 15000 });
    const seen = await tab.evaluate(`(() => {
      const provider = document.querySelector('planship-provider');
      const picker = document.querySelector('planship-plan-picker');
      return {
        getAccessToken: typeof provider.getAccessToken,
        tokenAttribute: provider.hasAttribute('get-access-token'),
        prices: typeof picker.prices,
        pricesAttribute: picker.getAttribute('prices'),
      };
    })()`);
    // Vue sets a property only when \`key in element\` holds when it renders: never for
    // 'get-access-token' (the property is getAccessToken), and not for 'prices' before the
    // element is defined. Both land as attributes, stringified; the recipe binds them with .prop.
    assert.deepEqual(seen, { getAccessToken: 'undefined', tokenAttribute: true, prices: 'undefined', pricesAttribute: '[object Object]' });
    assert.deepEqual(errors, []);
  } finally {
    await tab.close();
  }
});
