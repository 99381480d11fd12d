// The demo's three parts, started together: the local Planship API in the hosted profile (only
// what hosted Planship has), the demo host backend with the portal gateway at /planship, and the
// demo page served by vite on the same origin as the gateway (vite proxies to the backend).
// Used by `npm run demo` (demo/start.ts) and `npm run screenshots`.
import { fileURLToPath } from 'node:url';
import { createLogger, createServer as createVite, type Logger } from 'vite';
import { startServer } from '../src/server/index.ts';
import { startDemoBackend } from './backend.ts';

export const DEMO_CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret' };
const PRODUCT = 'acme-analytics';

async function startApi(port: number) {
  try {
    return await startServer({ port, profile: 'hosted' }); // the demo catalog is the server's default
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startServer({ port: 0, profile: 'hosted' });
  }
}

/**
 * vite's logger, minus the live connection of a page that went away: a closed tab or a reload
 * resets its socket through the proxy (ECONNRESET), which is nothing to report.
 */
function demoLogger(quiet: boolean): Logger {
  const logger = createLogger(quiet ? 'silent' : 'warn');
  const error = logger.error;
  logger.error = (message, options) => {
    const code = (options?.error as NodeJS.ErrnoException | null | undefined)?.code;
    if (code === 'ECONNRESET' && message.includes('ws proxy')) return;
    error(message, options);
  };
  return logger;
}

export async function startDemo({
  apiPort = 8787,
  pagePort = 5173,
  quiet = false,
  cacheDir,
}: { apiPort?: number; pagePort?: number; quiet?: boolean; cacheDir?: string } = {}) {
  const api = await startApi(apiPort);
  const backend = await startDemoBackend({ apiUrl: api.url, productSlug: PRODUCT, ...DEMO_CLIENT, pageUrl: `http://127.0.0.1:${pagePort}/` });
  const vite = await createVite({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    customLogger: demoLogger(quiet),
    // Where vite keeps its pre-bundled dependencies (default node_modules/.vite; a test gives its own).
    cacheDir,
    server: {
      port: pagePort,
      host: '127.0.0.1',
      // The page's own origin answers /planship (the gateway, WebSocket included) and /api/demo.
      proxy: {
        '/planship': { target: backend.url, ws: true },
        '/api/demo': backend.url,
      },
    },
  });
  await vite.listen();
  const pageUrl = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;
  return {
    api,
    backend,
    pageUrl,
    close: () => Promise.allSettled([vite.close(), backend.close(), api.close()]),
  };
}
