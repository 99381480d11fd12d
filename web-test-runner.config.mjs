// Browser tests in real Chromium against the real local API server.
// Run through `npm test` (or `npm run test:browser`), which finds the browser and loads tsx.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, locateBrowser } from './scripts/find-browser.mjs';
import { planshipServerPlugin } from './test/browser/server-plugin.ts';
import { withMutationTesting } from './scripts/mutation/wtr-hook.mjs';

const executablePath = process.env.CHROME_PATH || (await locateBrowser());

// Under `npm run mutate` (scripts/mutation/wtr-runner.mjs) with the active mutant; as is otherwise.
export default withMutationTesting({
  files: process.env.WTR_FILES ? process.env.WTR_FILES.split(',') : ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 2,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsFinishTimeout: 180000,
  testFramework: { config: { timeout: 15000 } },
  // The elements load a language on demand from locales/<lang>.js beside their entry module, as
  // the built bundle does from dist/locales/; here those files are the TypeScript sources.
  middleware: [
    (context, next) => {
      const locale = /^\/src\/locales\/([a-z]+)\.js(\?.*)?$/.exec(context.url);
      if (locale) context.url = `/src/locales/${locale[1]}.ts`;
      return next();
    },
  ],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    planshipServerPlugin(),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath, headless: true, args: CHROMIUM_ARGS },
    }),
  ],
});
