// The portal gateway's costs: live latency through it against direct (a browser page each way),
// its overhead per request (the same read through the gateway and straight to the API with a
// customer token, interleaved), and the upstream sockets that 1,000 pages of 100 customers need.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { createPlanshipGateway } from '../src/gateway/index.ts';
import { startServer } from '../src/server/index.ts';
import { PRODUCT_CLIENT } from '../test/fixtures/test-catalog.ts';
import { DEMO_CATALOG, PRODUCT, backendFor } from './api.ts';
import { measureLiveLatency, type LiveLatencyResult } from './live-latency.ts';
import { summarize, type Summary } from './stats.ts';

export interface GatewayResult {
  latencyDirect: LiveLatencyResult['latencyMs'];
  latencyGateway: LiveLatencyResult['latencyMs'];
  /** p50 through the gateway / p50 direct. */
  latencyRatio: number;
  requests: number;
  directMs: Summary;
  gatewayMs: Summary;
  /** p50 gateway minus p50 direct. */
  overheadMs: number;
  pages: number;
  customers: number;
  upstreamSockets: number;
}

const now = () => performance.now();

/** The same customer read, N times each way, interleaved so both see the same machine load. */
async function requestOverhead(requests: number) {
  const api = await startServer({ catalog: DEMO_CATALOG });
  const backend = backendFor(api.url);
  const gateway = createPlanshipGateway({
    productSlug: PRODUCT,
    ...PRODUCT_CLIENT,
    baseUrl: api.url,
    identify: (request) => (request.headers.get('cookie') === 'user=bench' ? { id: 'bench-overhead' } : null),
  });
  const host = createServer((request, response) => gateway.nodeHandler(request, response));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  try {
    const gatewayUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/planship/api/v1/customers/me/subscriptions`;
    // A visit creates no customer (its first subscription does): the host's backend made this one.
    const customerId = (await backend.call('POST', '/api/v1/customers', { alternative_id: 'bench-overhead', name: 'Bench' })).body.id;
    const first = await fetch(gatewayUrl, { headers: { cookie: 'user=bench' } });
    if (first.status !== 200) throw new Error(`gateway answered ${first.status}`);
    const token = await backend.customerToken(customerId);
    const directUrl = `${api.url}/api/v1/customers/${customerId}/subscriptions?product_slug=${PRODUCT}`;
    const direct: number[] = [];
    const through: number[] = [];
    for (let index = 0; index < requests + 20; index += 1) {
      let started = now();
      await (await fetch(directUrl, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
      const directTime = now() - started;
      started = now();
      await (await fetch(gatewayUrl, { headers: { cookie: 'user=bench' } })).arrayBuffer();
      const gatewayTime = now() - started;
      if (index >= 20) {
        direct.push(directTime);
        through.push(gatewayTime);
      }
    }
    return { directMs: summarize(direct), gatewayMs: summarize(through) };
  } finally {
    await gateway.close();
    host.closeAllConnections();
    await new Promise<void>((resolve) => host.close(() => resolve()));
    await api.close();
  }
}

/** Upstream sockets for `pages` page sockets spread over `customers` customers. */
async function upstreamSockets(pages: number, customers: number): Promise<number> {
  const api = await startServer({ catalog: DEMO_CATALOG, profile: 'hosted' });
  const gateway = createPlanshipGateway({
    productSlug: PRODUCT,
    ...PRODUCT_CLIENT,
    baseUrl: api.url,
    identify: (request) => ({ id: /user=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1] ?? 'nobody' }),
  });
  const host = createServer((request, response) => gateway.nodeHandler(request, response));
  host.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head) || socket.destroy());
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  const url = `${origin.replace('http', 'ws')}/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`;
  const sockets: WebSocket[] = [];
  try {
    // Customers that exist (a visit creates none), as the host's sign-up would have made them.
    const backend = backendFor(api.url);
    for (let index = 0; index < customers; index += 1) {
      const created = await backend.call('POST', '/api/v1/customers', { alternative_id: `bench-${index}`, name: `Bench ${index}` });
      if (created.status !== 200) throw new Error(`POST /api/v1/customers answered ${created.status}`);
    }
    for (let index = 0; index < pages; index += 1) {
      sockets.push(new WebSocket(url, { headers: { cookie: `user=bench-${index % customers}`, origin } }));
    }
    await Promise.all(sockets.map((socket) => new Promise((resolve, reject) => (socket.once('message', resolve), socket.once('error', reject)))));
    return gateway.upstreamSockets;
  } finally {
    for (const socket of sockets) socket.terminate();
    await gateway.close();
    host.closeAllConnections();
    await new Promise<void>((resolve) => host.close(() => resolve()));
    await api.close();
  }
}

export async function measureGateway(browser: Browser, { requests = 300, pages = 1000, customers = 100 } = {}): Promise<GatewayResult> {
  const direct = await measureLiveLatency(browser, { reports: 100 });
  const through = await measureLiveLatency(browser, { reports: 100, gateway: true });
  const overhead = await requestOverhead(requests);
  return {
    latencyDirect: direct.latencyMs,
    latencyGateway: through.latencyMs,
    latencyRatio: through.latencyMs.p50 / direct.latencyMs.p50,
    requests,
    ...overhead,
    overheadMs: overhead.gatewayMs.p50 - overhead.directMs.p50,
    pages,
    customers,
    upstreamSockets: await upstreamSockets(pages, customers),
  };
}
