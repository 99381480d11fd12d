// Serves the demo page (index.html). `npm run demo` adds the proxy to the demo backend (the portal
// gateway at /planship and the demo's own routes).
import { defineConfig } from 'vite';

export default defineConfig({
  // The page is served from the project root: keep the demo's secrets and server code out of reach.
  server: { fs: { deny: ['.env', '.env.*', '*.{crt,pem}', '**/.git/**', '**/demo/catalog.json', '**/demo/backend.ts', '**/demo/start.ts', '**/demo/run-demo.ts', '**/src/server/**', '**/src/gateway/**'] } },
  // The dependency scan starts from the demo page only: examples/ are apps of their own (they
  // import the packed package, which is not installed here), and a scan that fails makes vite
  // discover lit piece by piece while the page loads, so the page can get two copies of it.
  optimizeDeps: { entries: ['index.html'] },
  build: { target: 'es2022' },
  esbuild: { target: 'es2022' },
});
