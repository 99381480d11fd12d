// A test-runner plugin that runs the real API server for the browser tests and lets tests act
// as the host's backend through server commands, so no product secret ever reaches the page.
import { startServer } from '../../src/server/index.ts';
import type WebSocket from 'ws';
import type { InvitationMail } from '../../src/gateway/index.ts';
import { signedInPerson, startGatewayHost, type GatewayHost } from '../node/gateway-helpers.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { freezableProxy, type FreezableProxy } from '../fixtures/freezable-proxy.ts';
import { MONTHLY_PRICES, testCatalog } from '../fixtures/test-catalog.ts';
import { hostWithRestartablePlanship, type RestartableHost } from '../fixtures/restartable-host.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  /** Invitations the gateways mailed (the hosts' outbox), newest last. */
  const outbox: InvitationMail[] = [];
  /** A gateway host that lists no page origin: to the test page it is another site's backend. */
  let foreign: Promise<GatewayHost> | undefined;
  let restartable: Promise<RestartableHost> | undefined;
  let checkoutGateway: Promise<GatewayHost> | undefined;
  /** A gateway set up for a product Planship does not have (a mistyped productSlug). */
  let misconfigured: Promise<GatewayHost> | undefined;
  const foreignTabs = new Map<string, { own: WebSocket; received: unknown[]; customerId: string; upstreamBefore: number }>();

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
        foreign?.then((host) => host.close()),
        restartable?.then((host) => host.close()),
        checkoutGateway?.then((host) => host.close()),
        misconfigured?.then((host) => host.close()),
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
            invitations: { acceptUrl: `${pageOrigins[0]}/`, send: (mail) => void outbox.push(mail) },
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
      if (command === 'planship-restartable-gateway') {
        // A gateway whose Planship the test stops and starts (its state kept in a data file).
        const { step } = payload as { step: 'start' | 'stop-planship' | 'start-planship' };
        if (step === 'start') {
          restartable ??= hostWithRestartablePlanship({ listen: '::', allowedOrigins: pageOrigins, heartbeatMs: 1000, dataFile: join(mkdtempSync(join(tmpdir(), 'planship-browser-')), 'state.json') });
          const host = await restartable;
          const customer = await host.signedInCustomer('pro');
          return { port: new URL(host.origin).port, session: customer.session };
        }
        const host = await restartable!;
        await (step === 'stop-planship' ? host.stopPlanship() : host.startPlanship());
        return true;
      }
      if (command === 'planship-misconfigured-gateway') {
        misconfigured ??= startGatewayHost({ productSlug: 'acme-analytic', listen: '::', allowedOrigins: pageOrigins });
        const host = await misconfigured;
        const person = await signedInPerson(host, 'pro');
        return { port: new URL(host.origin).port, session: person.session };
      }
      if (command === 'planship-checkout-gateway') {
        // A gateway with prices: checkout answers a payment page for `business`, yes for `pro`,
        // and no (not sold online) for the rest; the billing portal is a page of the host's.
        checkoutGateway ??= startGatewayHost({
          listen: '::',
          allowedOrigins: pageOrigins,
          heartbeatMs: 1000,
          prices: MONTHLY_PRICES,
          checkout: (change) => (change.toPlan === 'business' ? { url: `https://pay.example/checkout?plan=${change.toPlan}` } : change.toPlan === 'pro'),
          billingPortal: (user) => `https://billing.example/portal?user=${encodeURIComponent(user.id)}`,
        });
        const host = await checkoutGateway;
        const { userId, plan } = payload as { userId: string; plan?: string };
        if (plan) {
          const created = await host.admin('POST', '/api/v1/customers', { alternative_id: userId, email: userId, name: 'Checkout Page' });
          await host.admin('POST', `/api/v1/products/acme-analytics/plans/${plan}/subscriptions`, { customer_id: created.body.id, max_subscribers: 1 });
        }
        return { port: new URL(host.origin).port, session: host.signIn({ id: userId, email: userId, name: 'Checkout Page' }) };
      }
      if (command === 'planship-checkout-gateway-admin') {
        const { method, path, body } = payload as { method: string; path: string; body?: unknown };
        return (await checkoutGateway!).admin(method, path, body);
      }
      if (command === 'planship-gateway-outbox') {
        // The newest invitation mailed to an address.
        const { to } = payload as { to: string };
        return outbox.filter((mail) => mail.to.toLowerCase() === to.toLowerCase()).at(-1)?.url ?? null;
      }
      if (command === 'planship-foreign-gateway') {
        // A victim signed in on a gateway whose own page is elsewhere; their own tab's live socket
        // is opened from its origin, and the test page tries the same with their cookie.
        foreign ??= startGatewayHost({ listen: '::', heartbeatMs: 1000 });
        const host = await foreign;
        const { step, session } = (payload ?? {}) as { step: 'start' | 'state'; session?: string };
        if (step === 'start') {
          const person = await signedInPerson(host, 'pro');
          const own = host.socket(person.session);
          const received: unknown[] = [];
          own.on('message', (data) => String(data) !== 'ping' && received.push(JSON.parse(String(data))));
          await new Promise((resolve) => own.once('open', resolve));
          foreignTabs.set(person.session, { own, received, customerId: person.customerId, upstreamBefore: host.upstream.length });
          return { port: new URL(host.origin).port, session: person.session };
        }
        const tab = foreignTabs.get(session!)!;
        const reads = host.upstream.slice(tab.upstreamBefore).filter((record) => record.path.includes(tab.customerId)).length;
        await host.admin('POST', `/api/v1/customers/${tab.customerId}/products/acme-analytics/usage/api-calls`, { usage: 1 });
        const until = Date.now() + 5000;
        while (!tab.received.some((frame) => (frame as Record<string, number>)['api-calls'] === 99_999) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
        return { livePages: host.gateway.livePages, ownOpen: tab.own.readyState === tab.own.OPEN, ownGotChange: tab.received.length > 1, customerReads: reads };
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
