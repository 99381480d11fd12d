// `npm run demo`: the production path, locally. The local Planship API in the hosted profile
// (only what hosted Planship has), the demo host backend with the portal gateway at /planship,
// and the demo page served by vite on the same origin as the gateway (vite proxies to the backend).
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
    return await startServer({ port, profile: 'hosted' }); // the demo catalog is the server's default
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startServer({ port: 0, profile: 'hosted' });
  }
}

const api = await startApi();
const backend = await startDemoBackend({ apiUrl: api.url, productSlug: PRODUCT, ...DEMO_CLIENT });
const vite = await createVite({
  configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
  server: {
    port: Number(flag('port') ?? 5173),
    host: '127.0.0.1',
    // The page's own origin answers /planship (the gateway, WebSocket included) and /api/demo.
    proxy: { '/planship': { target: backend.url, ws: true }, '/api/demo': backend.url },
  },
});
await vite.listen();
const pageUrl = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;

console.log(`
planship-portal demo
  Portal page      ${pageUrl}
  Planship API     ${api.url}   (hosted profile; WebSocket ${api.wsUrl})
  Demo backend     ${backend.url}   (portal gateway at /planship, proxied on the page's origin)
  Demo credentials client_id=${DEMO_CLIENT.clientId} client_secret=${DEMO_CLIENT.clientSecret}
                   (product-wide: only the backend holds them; the page holds no token at all)
  Try it           curl -u ${DEMO_CLIENT.clientId}:${DEMO_CLIENT.clientSecret} -X POST ${api.url}/api/v1/auth/token
Press Ctrl+C to stop.`);

async function shutdown() {
  await Promise.allSettled([vite.close(), backend.close(), api.close()]);
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
