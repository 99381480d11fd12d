// The gateway when Planship goes away and comes back: pages are told its own socket is down (so
// they say "reconnecting") and when it is back; a Planship that restarted empty does not leave
// the gateway answering 404s for a customer it remembered, nor creating one on a read; a customer's
// pages spread over more processes than Planship allows sockets read over REST instead of evicting
// each other; and production without a shared lock says so at start.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hostWithRestartablePlanship } from '../fixtures/restartable-host.ts';
import WebSocket from 'ws';
import { createPlanshipGateway, type PlanshipGateway, type PlanshipGatewayOptions } from '../../src/gateway/index.ts';
import { startServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { PRODUCT_CLIENT, testCatalog } from '../fixtures/test-catalog.ts';
import { frames, readEventsUntil } from './gateway-helpers.ts';

const PRODUCT = 'acme-analytics';
const folder = mkdtempSync(join(tmpdir(), 'planship-upstream-'));
after(() => rmSync(folder, { recursive: true, force: true }));

describe('Planship goes away and comes back', () => {
  it('WebSocket and SSE pages hear "upstream:down" when the gateway loses Planship, then "up" and the state when it is back', async () => {
    const host = await hostWithRestartablePlanship({ dataFile: join(folder, 'restart.json') });
    try {
      const customer = await host.signedInCustomer();
      const socket = new WebSocket(`${host.origin.replace('http', 'ws')}/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`, {
        headers: { cookie: `session=${customer.session}`, origin: host.origin },
      });
      const queue = frames(socket);
      await queue.next();
      const stream = await host.call(`/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`, customer.session).then((response) =>
        fetch(response.url, { headers: { cookie: `session=${customer.session}`, accept: 'text/event-stream' } }),
      );
      const reader = stream.body!.getReader();
      const seen = { text: '' };
      await readEventsUntil(reader, /data: \{/, seen);

      await host.stopPlanship();
      const until = Date.now() + 5000;
      while (!queue.upstream.includes('upstream:down') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(queue.upstream, ['upstream:down']);
      await readEventsUntil(reader, /event: upstream\ndata: down/, seen);
      assert.equal(socket.readyState, WebSocket.OPEN, 'the page stays connected to the gateway');

      await host.startPlanship();
      await backendCall(host.api.url, 'POST', `/api/v1/customers/${customer.customerId}/products/${PRODUCT}/usage/api-calls`, { usage: 5 });
      let frame = await queue.next(15_000);
      while (frame['api-calls'] !== 99_995) frame = await queue.next(15_000);
      assert.deepEqual(queue.upstream, ['upstream:down', 'upstream:up']);
      await readEventsUntil(reader, /event: upstream\ndata: up/, seen, 15_000);
      socket.close();
      await reader.cancel();
    } finally {
      await host.close();
    }
  });

  it('a Planship that restarted empty: no minute of 404s, no customer created by a read', async () => {
    const host = await hostWithRestartablePlanship();
    try {
      const customer = await host.signedInCustomer();
      assert.equal((await host.call('/api/v1/customers/me/subscriptions', customer.session)).status, 200, 'remembered');
      await host.stopPlanship();
      await host.startPlanship(); // no data file: everything is gone
      const subscriptions = await host.call('/api/v1/customers/me/subscriptions', customer.session);
      assert.equal(subscriptions.status, 200);
      assert.deepEqual(await subscriptions.json(), [], 'a customer with nothing, at once');
      const portal = await host.call('/portal', customer.session);
      assert.equal(portal.status, 200);
      assert.equal((await backendCall(host.api.url, 'GET', `/api/v1/customers/${encodeURIComponent(customer.id)}`)).status, 404, 'no customer created by reading');
    } finally {
      await host.close();
    }
  });
});

describe('a customer whose pages span more processes than Planship allows sockets', () => {
  it('24 gateways with a page each: the relays Planship refuses read over REST instead of evicting each other, and every page gets the change', async () => {
    const api = await startServer({ profile: 'hosted', catalog: testCatalog() });
    const created = await backendCall(api.url, 'POST', '/api/v1/customers', { alternative_id: 'many-processes@example.com' });
    await backendCall(api.url, 'POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: created.body.id });
    const hosts: { gateway: PlanshipGateway; server: Server }[] = [];
    const pages: WebSocket[] = [];
    let upstreamOpened = 0;
    /** The relays' upstream sockets, counted as they are made. */
    class CountedSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        upstreamOpened += 1;
      }
    }
    try {
      // One gateway per "process": each opens its own upstream socket for the customer (our server allows 20).
      for (let index = 0; index < 24; index += 1) {
        const gateway = createPlanshipGateway({
          productSlug: PRODUCT,
          ...PRODUCT_CLIENT,
          baseUrl: api.url,
          identify: () => ({ id: 'many-processes@example.com' }),
          WebSocket: CountedSocket as never,
          log: () => {},
        });
        const server = createServer((request, response) => gateway.nodeHandler(request, response));
        server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head) || socket.destroy());
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        hosts.push({ gateway, server });
        const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        pages.push(new WebSocket(`${origin.replace('http', 'ws')}/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`, { headers: { origin } }));
      }
      const queues = pages.map(frames);
      await Promise.all(queues.map((queue) => queue.next(10_000)));
      // Settle, then watch: sockets opened upstream over 3 s (each one evicts another process's).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const before = upstreamOpened;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const churn = upstreamOpened - before;
      assert.ok(churn <= 2, `${churn} upstream sockets opened in 3 s: the relays evict each other`);
      await backendCall(api.url, 'POST', `/api/v1/customers/${created.body.id}/products/${PRODUCT}/usage/api-calls`, { usage: 9 });
      await Promise.all(
        queues.map(async (queue) => {
          let frame = await queue.next(10_000);
          while (frame['api-calls'] !== 99_991) frame = await queue.next(10_000);
        }),
      );
    } finally {
      for (const page of pages) page.terminate();
      for (const { gateway, server } of hosts) {
        await gateway.close();
        server.closeAllConnections();
        server.close();
      }
      await api.close();
    }
  });
});

describe('production without a shared lock', () => {
  it('says so once at start: NODE_ENV=production, or a serverless platform; not when writeLock and a store are given', () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, VERCEL: process.env.VERCEL };
    const start = (extra: Partial<PlanshipGatewayOptions> = {}) => {
      const lines: string[] = [];
      const gateway = createPlanshipGateway({ productSlug: PRODUCT, ...PRODUCT_CLIENT, baseUrl: 'http://127.0.0.1:9', identify: () => null, log: (line) => lines.push(line), ...extra });
      void gateway.close();
      return lines;
    };
    try {
      delete process.env.NODE_ENV;
      delete process.env.VERCEL;
      assert.deepEqual(start(), [], 'development: nothing to say');
      process.env.NODE_ENV = 'production';
      const production = start({ invitations: { acceptUrl: 'https://app.example/', send: () => {} } });
      assert.equal(production.length, 1);
      assert.match(production[0], /production \(NODE_ENV=production\), writes of a customer run in turn in this process only \(pass writeLock: redisWriteLock/);
      assert.match(production[0], /pending invitations live in this process only/);
      delete process.env.NODE_ENV;
      process.env.VERCEL = '1';
      assert.match(start()[0], /serverless platform \(VERCEL is set\)/);
      assert.deepEqual(start({ writeLock: (_customer, work) => work(new AbortController().signal) }), []);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
