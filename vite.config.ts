// Serves the demo page (index.html). `npm run demo` passes the API URL and the backend proxy;
// run standalone, it expects the API on the default port.
import { defineConfig } from 'vite';

export default defineConfig({
  define: { __PLANSHIP_API_URL__: JSON.stringify(process.env.PLANSHIP_API_URL ?? 'http://127.0.0.1:8787') },
  // The page is served from the project root: keep the demo's secrets and server code out of reach.
  server: { fs: { deny: ['.env', '.env.*', '*.{crt,pem}', '**/.git/**', '**/demo/catalog.json', '**/demo/backend.ts', '**/demo/start.ts', '**/src/server/**'] } },
  build: { target: 'es2022' },
  esbuild: { target: 'es2022' },
});
