// The README's complete app, as a new user makes it: a new project installs the packed package,
// Express 5 and ws (offline, test/dist/offline-install.ts), the README's blocks marked
// `<!-- new-app: <file> -->` are written word for word as its files, its local Planship runs in
// the hosted profile, and Chromium shows the live portal: the plans, the subscription, a usage
// report made with the product credentials arriving on its own, another language on demand.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import de from '../../src/locales/de.ts';
import { BASIC } from '../fixtures/backend-call.ts';
import { launchChromium } from './host.ts';
import { installPacked, type InstalledProject } from './offline-install.ts';

const SESSION_SECRET = 'new-app-test-session-secret-0123456789';
const blocks = new Map(
  [...readFileSync('README.md', 'utf8').matchAll(/<!-- new-app: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map(([, name, code]) => [name, code]),
);
const APP_FILES = ['server.js', 'public/billing.html', 'planship-local.js'];

let app: InstalledProject;
let browser: Browser;
const processes: { child: ChildProcess; output: () => string }[] = [];

/** Runs `node <file>` in the app with `env`; resolves with the first URL it prints. */
function start(file: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [file], { cwd: app.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  processes.push({ child, output: () => output });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} printed no URL within 15 s:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const url = /https?:\/\/\S+/.exec(output)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`${file} exited (${code}):\n${output}`)));
  });
}

before(async () => {
  app = installPacked(['express', 'ws']);
  for (const file of APP_FILES) {
    const code = blocks.get(file);
    assert.ok(code, `the README has no <!-- new-app: ${file} --> block`);
    mkdirSync(dirname(join(app.dir, file)), { recursive: true });
    writeFileSync(join(app.dir, file), `${code}\n`);
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const { child } of processes) child.kill();
  app?.remove();
});

test('the README tells a new app what to install', () => {
  const install = blocks.get('install') ?? '';
  assert.match(install, /npm pkg set type=module/);
  assert.match(install, /npm install planship-portal express ws\b/);
});

test("the README's app, from the packed package, shows a live portal against the local Planship in the hosted profile", async () => {
  const planship = (await start('planship-local.js', { PLANSHIP_PORT: '0' })).replace(/\/$/, '');
  const page = await start('server.js', {
    PORT: '0',
    PLANSHIP_API_URL: planship,
    PLANSHIP_CLIENT_ID: 'demo-client',
    PLANSHIP_CLIENT_SECRET: 'demo-secret',
    SESSION_SECRET,
  });
  assert.match(page, /^http:\/\/localhost:\d+\/billing\.html$/);
  // Signed in as the README's "by hand" command does it (the app's sign-in route would set the same cookie).
  const cookie = execFileSync('sh', ['-c', blocks.get('sign-in-by-hand')!], { cwd: app.dir, env: { ...process.env, SESSION_SECRET }, encoding: 'utf8' }).trim();
  const context = await browser.newContext();
  await context.addCookies([{ name: 'app_session', value: cookie, url: page }]);
  const tab = await context.newPage();
  const problems: string[] = [];
  tab.on('pageerror', (error) => problems.push(error.message));
  tab.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
  tab.on('console', (message) => {
    // The browser's own request for a favicon, which the README's app does not have.
    if (!['error', 'warning'].includes(message.type()) || message.location().url.endsWith('/favicon.ico')) return;
    problems.push(`${message.text()} (${message.location().url})`);
  });
  const assets: string[] = [];
  tab.on('response', (response) => new URL(response.url()).pathname.startsWith('/assets/') && assets.push(`${response.status()} ${new URL(response.url()).pathname}`));
  await tab.goto(page);

  // The plans (Grace is on Starter), her subscription, her usage.
  await tab.getByRole('radio', { name: 'Switch to Pro' }).waitFor({ timeout: 15_000 });
  assert.equal(await tab.locator('planship-subscription-manager [part~="plan-name"]').textContent({ timeout: 15_000 }), 'Starter');
  const meter = tab.getByRole('meter');
  await meter.waitFor({ timeout: 15_000 });
  const before = Number(await meter.getAttribute('aria-valuenow'));
  const reported = await fetch(`${planship}/api/v1/customers/grace@example.com/products/acme-analytics/usage/api-calls`, {
    method: 'POST',
    headers: { authorization: BASIC, 'content-type': 'application/json' },
    body: JSON.stringify({ usage: 7 }),
  });
  assert.equal(reported.status, 200);
  await tab.waitForFunction(`document.querySelector('planship-usage-meter').shadowRoot.querySelector('[role=meter]').getAttribute('aria-valuenow') === '${before + 7}'`, undefined, { timeout: 15_000 });

  // Another language, fetched from beside the bundle.
  await tab.evaluate(() => (document.documentElement.lang = 'de'));
  await tab.getByRole('radio', { name: de.switchTo('Pro') }).waitFor({ timeout: 15_000 });
  assert.deepEqual(assets, ['200 /assets/planship-portal.js', '200 /assets/locales/de.js']);
  assert.deepEqual(problems, []);
  const logs = processes.map(({ output }) => output()).join('');
  assert.doesNotMatch(logs, /planship gateway:|Error/);
  await context.close();
});
