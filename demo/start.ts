// `npm run demo`: the local Planship API on the demo catalog, the demo host backend, and the
// demo page served by vite. Prints the URLs and the demo credentials.
import { fileURLToPath } from 'node:url';
import { createServer as createVite } from 'vite';
import { startServer } from '../src/server/index.ts';
import { startDemoBackend } from './backend.ts';

const DEMO_CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret' };
const PRODUCT = 'acme-analytics';

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function startApi() {
  const port = Number(flag('api-port') ?? process.env.PLANSHIP_API_PORT ?? 8787);
  try {
    return await startServer({ port }); // the demo catalog is the server's default
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startServer({ port: 0 });
  }
}

const api = await startApi();
const backend = await startDemoBackend({ apiUrl: api.url, productSlug: PRODUCT, ...DEMO_CLIENT });
const vite = await createVite({
  configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
  server: {
    port: Number(flag('port') ?? 5173),
    host: '127.0.0.1',
    proxy: { '/api/planship': backend.url, '/api/demo': backend.url },
  },
  define: { __PLANSHIP_API_URL__: JSON.stringify(api.url) },
});
await vite.listen();
const pageUrl = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;

console.log(`
planship-portal demo
  Portal page      ${pageUrl}
  Planship API     ${api.url}   (WebSocket ${api.wsUrl})
  Demo backend     ${backend.url}   (token minting at /api/planship/token, proxied by the page)
  Demo credentials client_id=${DEMO_CLIENT.clientId} client_secret=${DEMO_CLIENT.clientSecret}
                   (product-wide: only the backend holds them; the page gets customer tokens)
  Try it           curl -u ${DEMO_CLIENT.clientId}:${DEMO_CLIENT.clientSecret} -X POST ${api.url}/api/v1/auth/token
Press Ctrl+C to stop.`);

async function shutdown() {
  await Promise.allSettled([vite.close(), backend.close(), api.close()]);
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
