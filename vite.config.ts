// Serves the demo page (index.html). `npm run demo` passes the API URL and the backend proxy;
// run standalone, it expects the API on the default port.
import { defineConfig } from 'vite';

export default defineConfig({
  define: { __PLANSHIP_API_URL__: JSON.stringify(process.env.PLANSHIP_API_URL ?? 'http://127.0.0.1:8787') },
  build: { target: 'es2022' },
  esbuild: { target: 'es2022' },
});
