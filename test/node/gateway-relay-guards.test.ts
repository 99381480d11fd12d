// The live relay's edge cases, each on a host of its own: why a page closes (code and reason),
// pages that wait for a customer, an upstream socket kept while a page stays, a deleted customer,
// which reconnects need a fresh product token, and a gateway closed while its socket connects.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type WebSocket from 'ws';
import { PRODUCT, frames, newUserId, signedInPerson, startGatewayHost, type GatewayHost, type GatewayHostOptions } from './gateway-helpers.ts';

async function withHost(options: GatewayHostOptions, test: (host: GatewayHost) => Promise<void>) {
  const host = await startGatewayHost(options);
  try {
    await test(host);
  } finally {
    await host.close();
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const report = (host: GatewayHost, customerId: string, usage: number) => host.admin('POST', `/api/v1/customers/${customerId}/products/${PRODUCT}/usage/api-calls`, { usage });
const tokenExchanges = (host: GatewayHost) => host.upstream.filter((record) => record.path === '/api/v1/auth/token').length;

/** How a page socket closed: code and reason; rejects after `timeoutMs`. */
function closing(socket: WebSocket, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the page was not closed')), timeoutMs);
    socket.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: String(reason) });
    });
  });
}

const opened = (socket: WebSocket) => new Promise<void>((resolve, reject) => (socket.once('open', () => resolve()), socket.once('error', reject)));

/** A live page of `session`, once its first frame came, and how it closes (wrapped: awaiting this must not wait for the close). */
async function livePage(host: GatewayHost, session: string) {
  const socket = host.socket(session);
  await frames(socket).next();
  return { closed: closing(socket) };
}

/** Frames until one has `api-calls` at `value` (the relay may greet again after a reconnect). */
async function frameWith(queue: ReturnType<typeof frames>, value: number, timeoutMs = 10_000) {
  let frame = await queue.next(timeoutMs);
  while (frame['api-calls'] !== value) frame = await queue.next(timeoutMs);
  return frame;
}

describe('why a page closes', () => {
  it("signOut(userId): the user's pages close with 4401 \"session ended\"", () =>
    withHost({}, async (host) => {
      const person = await signedInPerson(host, 'pro');
      const { closed } = await livePage(host, person.session);
      host.gateway.signOut(person.userId);
      assert.deepEqual(await closed, { code: 4401, reason: 'session ended' });
    }));

  it('an identify() that throws when the session is checked again ends the page: 4401 "session ended"', async () => {
    const failing = new Set<string>();
    const host = await startGatewayHost({
      sessionCheckMs: 50,
      identify: (request) => {
        const session = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
        const user = (session && host.sessions.get(session)) || null;
        if (user && failing.has(user.id)) throw new Error('the session store is down');
        return user;
      },
    });
    try {
      const person = await signedInPerson(host, 'pro');
      const { closed } = await livePage(host, person.session);
      failing.add(person.userId);
      assert.deepEqual(await closed, { code: 4401, reason: 'session ended' });
    } finally {
      await host.close();
    }
  });

  it('Planship deleted the customer (4404 upstream): their pages close with 4404, not a reconnect', () =>
    withHost({}, async (host) => {
      const person = await signedInPerson(host, 'pro');
      const { closed } = await livePage(host, person.session);
      assert.equal((await host.admin('DELETE', `/api/v1/customers/${person.customerId}`)).status, 200);
      assert.deepEqual(await closed, { code: 4404, reason: 'customer deleted' });
    }));
});

describe('pages and their upstream socket', () => {
  it('of two pages waiting for a customer, the one that stays goes live once the customer is created', () =>
    withHost({}, async (host) => {
      const userId = newUserId();
      const session = host.signIn({ id: userId, email: userId });
      const leaving = host.socket(session);
      const staying = host.socket(session);
      const queue = frames(staying);
      await Promise.all([opened(leaving), opened(staying)]);
      await until(() => host.gateway.livePages === 2, 'two waiting pages');
      leaving.close();
      await until(() => host.gateway.livePages === 1, 'one page left');
      const subscribed = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { session, body: { customer_id: 'me' } });
      assert.equal(subscribed.status, 200, subscribed.text);
      // The customer's entitlements, once its subscription is made (a greeting before that says 0).
      await frameWith(queue, 100_000);
    }));

  it('once the last page waiting for a customer left, the session checks stop looking that user up', () =>
    withHost({ sessionCheckMs: 20 }, async (host) => {
      const userId = newUserId();
      const lookups = () => host.upstream.filter((record) => record.method === 'GET' && record.path === `/api/v1/customers/${encodeURIComponent(userId)}`).length;
      const page = host.socket(host.signIn({ id: userId, email: userId }));
      await opened(page);
      const atOpen = lookups();
      await until(() => lookups() > atOpen, 'a session check looks for their customer');
      page.close();
      await until(() => host.gateway.livePages === 0, 'the page left');
      await sleep(100); // a round under way when it left ends
      const afterLeaving = lookups();
      await sleep(300); // fifteen more rounds
      assert.equal(lookups(), afterLeaving);
    }));

  it('a page leaving while another stays keeps the upstream socket past idleMs', () =>
    withHost({ idleMs: 20 }, async (host) => {
      const person = await signedInPerson(host, 'pro');
      const leaving = host.socket(person.session);
      const staying = host.socket(person.session);
      const queue = frames(staying);
      await Promise.all([frames(leaving).next(), queue.next()]);
      leaving.close();
      await until(() => host.gateway.livePages === 1, 'one page left');
      await sleep(200); // ten idle periods
      assert.equal(host.gateway.upstreamSockets, 1);
      await report(host, person.customerId, 3);
      await frameWith(queue, 99_997);
    }));
});

describe('reconnects and the product token', () => {
  it('Planship restarts its sockets (1012): the relay reconnects with the token it has; a page joining later hears no "down"', () =>
    withHost({}, async (host) => {
      const person = await signedInPerson(host, 'pro');
      const first = host.socket(person.session);
      const queue = frames(first);
      await queue.next();
      const exchanged = tokenExchanges(host);
      assert.equal((await host.admin('POST', '/__emulator/sockets/close', {})).status, 200);
      await until(() => queue.upstream.includes('upstream:up'), 'the relay is back');
      assert.deepEqual(queue.upstream, ['upstream:down', 'upstream:up']);
      assert.equal(tokenExchanges(host), exchanged, 'no new token for a socket Planship merely restarted');

      const later = host.socket(person.session);
      const laterQueue = frames(later);
      await laterQueue.next();
      await report(host, person.customerId, 4);
      await Promise.all([frameWith(queue, 99_996), frameWith(laterQueue, 99_996)]);
      assert.deepEqual(laterQueue.upstream, [], 'the upstream socket is up: the new page is not told otherwise');
    }));

  it('the token expired on Planship before the gateway expected (4401): the relay asks for a fresh one by itself', () =>
    withHost({ tokenTtlSeconds: 60 }, async (host) => {
      const person = await signedInPerson(host, 'pro');
      const queue = frames(host.socket(person.session));
      await queue.next();
      // Planship's clock moves past the token's expiry; the gateway's clock does not.
      await host.admin('POST', '/__emulator/clock', { advance_seconds: 120 });
      await report(host, person.customerId, 9);
      await frameWith(queue, 99_991);
    }));

  it('simulated fault: a WebSocket client that throws on construction is retried with the token the gateway has', async () => {
    let attempts = 0;
    class Unconstructible {
      constructor() {
        attempts += 1;
        throw new Error('simulated: this runtime cannot open the socket');
      }
    }
    await withHost({ WebSocket: Unconstructible as never }, async (host) => {
      const person = await signedInPerson(host, 'pro');
      host.socket(person.session);
      await until(() => attempts >= 1, 'a first attempt');
      const exchanged = tokenExchanges(host);
      await until(() => attempts >= 3, 'two retries');
      assert.equal(tokenExchanges(host), exchanged);
    });
  });
});

describe('a page that breaks the protocol', () => {
  it('a frame larger than pages may send ends that page alone; no error escapes', () =>
    withHost({}, async (host) => {
      const escaped: unknown[] = [];
      const record = (error: unknown) => void escaped.push(error);
      process.on('uncaughtException', record);
      try {
        const person = await signedInPerson(host, 'pro');
        const rude = host.socket(person.session);
        const polite = host.socket(person.session);
        const queue = frames(polite);
        await Promise.all([opened(rude), queue.next()]);
        const closed = closing(rude);
        rude.send('x'.repeat(2048));
        await closed;
        await until(() => host.gateway.livePages === 1, 'the rude page is gone');
        await report(host, person.customerId, 2);
        await frameWith(queue, 99_998);
        assert.deepEqual(escaped.map(String), []);
      } finally {
        process.off('uncaughtException', record);
      }
    }));
});

describe('closing the gateway', () => {
  it('while an upstream socket still connects: no error escapes (the host process would crash)', async () => {
    // Planship's socket endpoint accepts the connection and never answers the handshake.
    const held: Socket[] = [];
    const blackHole = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const escaped: unknown[] = [];
    const record = (error: unknown) => void escaped.push(error);
    process.on('uncaughtException', record);
    try {
      const host = await startGatewayHost({ webSocketUrl: `ws://127.0.0.1:${(blackHole.address() as AddressInfo).port}` });
      const person = await signedInPerson(host, 'pro');
      host.socket(person.session);
      await until(() => held.length === 1, 'the relay is connecting');
      await host.close();
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(escaped.map(String), []);
    } finally {
      process.off('uncaughtException', record);
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });
});
