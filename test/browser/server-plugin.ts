// A test-runner plugin that runs the real API server for the browser tests and lets tests act
// as the host's backend through server commands, so no product secret ever reaches the page.
import { startServer } from '../../src/server/index.ts';
import { startGatewayHost, type GatewayHost } from '../node/gateway-helpers.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { freezableProxy, type FreezableProxy } from '../fixtures/freezable-proxy.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

interface AdminPayload {
  method: string;
  path: string;
  body?: unknown;
  /** The URL of a server from 'planship-own-server'; the shared one when absent. */
  server?: string;
}

/** Tokens that outlive any clock jump a test makes on its own server. */
const OWN_SERVER_TOKEN_TTL = 400 * 86_400;

export function planshipServerPlugin() {
  let server: Server | undefined;
  /** Servers a test asked for, to move their clock without disturbing other test files. */
  const ownServers = new Map<string, Server>();
  /** Gateway hosts on the hosted profile: one that takes WebSocket upgrades, one that does not (SSE). */
  let gateways: Promise<{ ws: GatewayHost; sse: GatewayHost }> | undefined;
  let pageOrigins: string[] = [];
  /** TCP proxies in front of the shared server whose connections a test can freeze, by port. */
  const proxies = new Map<number, FreezableProxy>();
  /** The hosts' users by email, for invitations (`resolveMember`); tests add people to it. */
  const directory = new Map<string, { id: string; email: string; name?: string }>();

  function admin({ method, path, body, server: serverUrl }: AdminPayload) {
    return backendCall(serverUrl ?? server!.url, method, path, body);
  }

  return {
    name: 'planship-server',
    async serverStart({ config }: { config: { hostname?: string; port?: number } }) {
      server = await startServer({ catalog: testCatalog() });
      pageOrigins = [`http://${config.hostname ?? 'localhost'}:${config.port ?? 8000}`];
    },
    async serverStop() {
      const started = gateways && (await gateways);
      await Promise.all([
        server?.close(),
        started?.ws.close(),
        started?.sse.close(),
        ...[...ownServers.values()].map((own) => own.close()),
        ...[...proxies.values()].map((proxy) => proxy.close()),
      ]);
    },
    async executeCommand({ command, payload }: { command: string; payload?: unknown }) {
      if (command === 'planship-server') return { url: server!.url, wsUrl: server!.wsUrl };
      if (command === 'planship-own-server') {
        const own = await startServer({ catalog: testCatalog(), tokenTtlSeconds: OWN_SERVER_TOKEN_TTL });
        ownServers.set(own.url, own);
        return { url: own.url, wsUrl: own.wsUrl };
      }
      if (command === 'planship-admin') return admin(payload as AdminPayload);
      if (command === 'planship-gateways') {
        // Every interface, so the page reaches it as `localhost` (its own site: the cookie goes along).
        // A heartbeat each second, so a page notices a dead connection within a test's patience.
        const host = (upgrades: boolean) =>
          startGatewayHost({
            upgrades,
            listen: '::',
            allowedOrigins: pageOrigins,
            heartbeatMs: 1000,
            resolveMember: async (email) => directory.get(email.toLowerCase()) ?? null,
          });
        gateways ??= Promise.all([host(true), host(false)]).then(([ws, sse]) => ({ ws, sse }));
        const { ws, sse } = await gateways;
        const port = (host: GatewayHost) => new URL(host.origin).port;
        return { wsPort: port(ws), ssePort: port(sse), api: ws.api.url, sseApi: sse.api.url };
      }
      if (command === 'planship-gateway-session') {
        // The host's sign-in: a session for a user, whose Planship customer may already be subscribed.
        const { transport, userId, plan } = payload as { transport: 'ws' | 'sse'; userId: string; plan?: string };
        const host = (await gateways!)[transport];
        if (plan) {
          const created = await host.admin('POST', '/api/v1/customers', { alternative_id: userId, email: userId, name: 'Gateway Page' });
          await host.admin('POST', `/api/v1/products/acme-analytics/plans/${plan}/subscriptions`, { customer_id: created.body.id });
        }
        return host.signIn({ id: userId, email: userId, name: 'Gateway Page' });
      }
      if (command === 'planship-gateway-directory') {
        // A user of the host signs up: invitations by their email now find them.
        const user = payload as { id: string; email: string; name?: string };
        directory.set(user.email.toLowerCase(), user);
        return true;
      }
      if (command === 'planship-gateway-admin') {
        const { transport, method, path, body } = payload as { transport: 'ws' | 'sse'; method: string; path: string; body?: unknown };
        return (await gateways!)[transport].admin(method, path, body);
      }
      if (command === 'planship-proxy') {
        // A NAT or proxy that silently drops connections: `freeze` stops forwarding on the open ones.
        const { freeze, gateway } = (payload ?? {}) as { freeze?: number; gateway?: boolean };
        if (freeze !== undefined) {
          proxies.get(freeze)?.freeze();
          return { frozen: proxies.has(freeze) };
        }
        // In front of the shared server, or (every interface, reached as `localhost`) of the gateway host.
        const proxy = gateway
          ? await freezableProxy(Number(new URL((await gateways!).ws.origin).port), '127.0.0.1', '::')
          : await freezableProxy(server!.port);
        proxies.set(proxy.port, proxy);
        return { port: proxy.port, wsUrl: `ws://127.0.0.1:${proxy.port}` };
      }
      if (command === 'planship-customer-token') {
        const { customerId, expiresIn, server: serverUrl } = payload as { customerId: string; expiresIn?: number; server?: string };
        const answer = await admin({
          server: serverUrl,
          method: 'POST',
          path: '/api/v1/auth/customer-token',
          body: { customer_id: customerId, ...(expiresIn ? { expires_in: expiresIn } : {}) },
        });
        if (answer.status !== 200) throw new Error(`customer-token answered ${answer.status}`);
        return (answer.body as { access_token: string }).access_token;
      }
      return undefined;
    },
  };
}
