// The gateway's live relay, against our server in the hosted profile: one upstream socket per
// customer however many pages, frames fanned out, reconnects, token expiry, slow pages, the
// session checked again, heartbeats, Server-Sent Events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type WebSocket from 'ws';
import { CLOSE_SESSION_ENDED, CLOSE_TOO_MANY } from '../../src/gateway/index.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';
import { PRODUCT, frames, readEventsUntil, signedInPerson, startGatewayHost, upgradeOutcome, type GatewayHost } from './gateway-helpers.ts';

let host: GatewayHost;
before(async () => {
  host = await startGatewayHost();
});
after(() => host.close());

async function customer(target: GatewayHost, plan = 'pro') {
  const person = await signedInPerson(target);
  const product = plan === 'big' ? BIG_PRODUCT : PRODUCT;
  await target.admin('POST', `/api/v1/products/${product}/plans/${plan}/subscriptions`, { customer_id: person.customerId });
  return { userId: person.userId, session: person.session, id: person.customerId };
}

const report = (target: GatewayHost, customerId: string, usage: number) =>
  target.admin('POST', `/api/v1/customers/${customerId}/products/${PRODUCT}/usage/api-calls`, { usage });

const opened = (socket: WebSocket) => new Promise<void>((resolve, reject) => (socket.once('open', () => resolve()), socket.once('error', reject)));
const closed = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the relay over WebSocket', () => {
  it('greets with the current entitlements and relays every change', async () => {
    const c = await customer(host);
    const socket = host.socket(c.session);
    const queue = frames(socket);
    assert.equal((await queue.next())['api-calls'], 100_000);
    await report(host, c.id, 250);
    assert.equal((await queue.next())['api-calls'], 99_750);
    socket.close();
  });

  it('refuses a socket without a session (401), from another origin (403), for another customer (403)', async () => {
    const c = await customer(host);
    const other = await customer(host);
    assert.equal((await upgradeOutcome(host.socket(undefined))).status, 401);
    assert.equal((await upgradeOutcome(host.socket(c.session, { origin: 'https://evil.example' }))).status, 403);
    assert.equal((await upgradeOutcome(host.socket(c.session, { customer: other.id }))).status, 403);
    assert.equal((await upgradeOutcome(host.socket(c.session, { customer: encodeURIComponent(other.userId) }))).status, 403);
  });

  it('1,000 page sockets for 100 customers use 100 upstream sockets', async () => {
    const own = await startGatewayHost();
    try {
      const customers = await Promise.all(Array.from({ length: 100 }, () => customer(own, 'free')));
      const sockets = customers.flatMap((c) => Array.from({ length: 10 }, () => own.socket(c.session)));
      await Promise.all(sockets.map(opened));
      await until(() => own.gateway.upstreamSockets === 100, `${own.gateway.upstreamSockets} upstream sockets`);
      const onServer = await own.admin('GET', '/__emulator/sockets');
      assert.equal(onServer.body.open, 100, 'the API sees one socket per customer');
    } finally {
      await own.close();
    }
  });

  it('an upstream restart: the relay reconnects and pages see the next change', async () => {
    const c = await customer(host);
    const socket = host.socket(c.session);
    const queue = frames(socket);
    await queue.next();
    assert.equal((await host.admin('POST', '/__emulator/sockets/close', {})).status, 200);
    await until(async () => (await host.admin('GET', `/__emulator/sockets?customer=${c.id}`)).body.open === 1, 'relay reconnected');
    // A reconnect greets again: the page gets the same state, then the change.
    await report(host, c.id, 5);
    let frame = await queue.next();
    while (frame['api-calls'] !== 99_995) frame = await queue.next();
    assert.equal(socket.readyState, socket.OPEN, 'the page never noticed');
    socket.close();
  });

  it('a slow page gets only the newest frame, never a backlog', async () => {
    // Frames of ~50 kB (a product with 2,000 levers), so 400 changes (20 MB) overflow what the
    // kernel buffers for a page that stopped reading.
    const big = await startGatewayHost({ productSlug: BIG_PRODUCT, catalog: bigCatalog() });
    try {
      const c = await customer(big, 'big');
      const slow = big.socket(c.session);
      const fast = big.socket(c.session);
      const slowFrames: number[] = [];
      slow.on('message', (data) => String(data) !== 'ping' && slowFrames.push(JSON.parse(String(data)).calls));
      const fastQueue = frames(fast);
      await Promise.all([opened(slow), opened(fast)]);
      await fastQueue.next();
      await until(() => slowFrames.length === 1, 'slow page greeted');
      // The slow page stops reading: its TCP window fills and the relay must not queue frames for it.
      const raw = (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw.pause();
      const changes = 400;
      for (let index = 0; index < changes; index += 1) {
        await big.admin('POST', `/api/v1/customers/${c.id}/products/${BIG_PRODUCT}/usage/calls`, { usage: 1 });
      }
      let last = await fastQueue.next();
      while (last.calls !== 1_000_000 - changes) last = await fastQueue.next(10_000);
      raw.resume();
      await until(() => slowFrames.at(-1) === 1_000_000 - changes, 'slow page caught up with the newest frame', 20_000);
      assert.ok(slowFrames.length < changes / 2, `the slow page got ${slowFrames.length} frames for ${changes} changes`);
      slow.close();
      fast.close();
    } finally {
      await big.close();
    }
  });
});

const BIG_PRODUCT = 'big-product';

function bigCatalog() {
  const catalog = testCatalog();
  const levers = Array.from({ length: 2000 }, (_, index) => ({ slug: `feature-${String(index).padStart(4, '0')}`, name: `Feature ${index}`, type: 'numeric' }));
  catalog.products.push({
    slug: BIG_PRODUCT,
    name: 'Big product',
    levers: [...levers, { slug: 'calls', name: 'Calls', type: 'metered', metering_id: 'calls', reset: 'month' }],
    plans: [{ slug: 'big', name: 'Big', order: 1, is_public: true, is_self_serve: true, entitlements: { calls: 1_000_000, ...Object.fromEntries(levers.map((lever, index) => [lever.slug, index])) } }],
  });
  return catalog;
}

describe('relay lifecycle (own hosts, short timers)', () => {
  it('heartbeats pages, re-checks sessions (4401 when one ends), bounds pages per customer (4429), closes idle upstreams', async () => {
    const quick = await startGatewayHost({ heartbeatMs: 100, sessionCheckMs: 100, idleMs: 200, maxPagesPerCustomer: 2 });
    try {
      const c = await customer(quick);
      const first = quick.socket(c.session);
      const texts: string[] = [];
      first.on('message', (data) => texts.push(String(data)));
      await opened(first);
      await until(() => texts.includes('ping'), 'a heartbeat');

      const second = quick.socket(c.session);
      await opened(second);
      const third = quick.socket(c.session);
      const firstClosed = closed(first);
      await opened(third);
      assert.equal(await firstClosed, CLOSE_TOO_MANY, 'the oldest page gives way');

      const ended = Promise.all([closed(second), closed(third)]);
      for (const [session, user] of quick.sessions) if (user.id === c.userId) quick.sessions.delete(session);
      assert.deepEqual(await ended, [CLOSE_SESSION_ENDED, CLOSE_SESSION_ENDED]);
      await until(() => quick.gateway.upstreamSockets === 0, 'upstream closed after the idle time');
    } finally {
      await quick.close();
    }
  });

  it('the product token expires mid-session: REST and the relay carry on with a fresh one', async () => {
    const short = await startGatewayHost({ tokenTtlSeconds: 60 });
    try {
      const c = await customer(short);
      const socket = short.socket(c.session);
      const queue = frames(socket);
      await queue.next();
      const exchanges = () => short.upstream.filter((record) => record.path === '/api/v1/auth/token').length;
      const before = exchanges();
      await short.admin('POST', '/__emulator/clock', { advance_seconds: 120 });
      const read = await short.call('GET', '/api/v1/customers/me/subscriptions', { session: c.session });
      assert.equal(read.status, 200, 'retried once with a fresh token');
      await report(short, c.id, 7);
      let frame = await queue.next();
      while (frame['api-calls'] !== 99_993) frame = await queue.next();
      assert.ok(exchanges() > before, 'a new token was exchanged');
      assert.ok(exchanges() <= before + 2, `one refresh, not one per call (${exchanges() - before})`);
      socket.close();
    } finally {
      await short.close();
    }
  });
});

describe('Server-Sent Events (for hosts without upgrades)', () => {
  it('streams the greeting, changes and heartbeats; refused without a session', async () => {
    const quick = await startGatewayHost({ heartbeatMs: 100 });
    try {
      const c = await customer(quick);
      const path = `/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`;
      assert.equal((await quick.call('GET', path, { headers: { accept: 'text/event-stream' } })).status, 401);
      const response = await fetch(`${quick.origin}/planship${path}`, { headers: { cookie: `session=${c.session}`, accept: 'text/event-stream' } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type')!, /text\/event-stream/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const reader = response.body!.getReader();
      const seen = { text: '' };
      const readUntil = (pattern: RegExp) => readEventsUntil(reader, pattern, seen);
      await readUntil(/data: \{.*"api-calls":100000/);
      await report(quick, c.id, 11);
      await readUntil(/"api-calls":99989/);
      await readUntil(/event: ping/);
      await reader.cancel();
      await until(() => quick.gateway.upstreamSockets <= 1, 'page left');
    } finally {
      await quick.close();
    }
  });
});
