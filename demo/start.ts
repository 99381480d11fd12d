// `npm run demo`: the production path, locally (see run-demo.ts). Prints the URLs and the demo
// credentials.
import { DEMO_CLIENT, startDemo } from './run-demo.ts';

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const demo = await startDemo({
  apiPort: Number(flag('api-port') ?? process.env.PLANSHIP_API_PORT ?? 8787),
  pagePort: Number(flag('port') ?? 5173),
});
const { api, backend, pageUrl } = demo;

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
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
