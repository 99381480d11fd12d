// Live entitlements: state changes, several listeners, one socket, reconnects (server closes
// sockets; server restarts on the same port), REST re-read, dead-connection detection, dispose.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/index.ts';
import { MAX_RETRY_MS, retryDelay } from '../../src/client/live.ts';
import { freezableProxy } from '../fixtures/freezable-proxy.ts';
import { PlanshipCustomer, type ConnectionState, type Entitlements, type WebSocketConstructor } from '../../src/client/index.ts';
import {
  BrowserLikeWebSocket,
  NodeWebSocket,
  PRODUCT,
  admin,
  customerClient,
  customerToken,
  freshCustomer,
  recordingFetch,
  recordingGetter,
  reportUsageAsAdmin,
  sleep,
  startTestServer,
  waitFor,
} from './client-helpers.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

function collectStates(client: PlanshipCustomer): ConnectionState[] {
  const states: ConnectionState[] = [];
  client.addEventListener('planship-connection', (event) => states.push(event.state));
  return states;
}

const openSockets = async (target: RunningServer) => (await admin(target, 'GET', '/__emulator/sockets')).body.open as number;
const apiCalls = (entitlements: unknown) => (entitlements as Entitlements | undefined)?.['api-calls'];

describe('connection state and listeners', () => {
  it('a greeting that differs from what was read (usage reported before the socket opened) makes usage and subscriptions stale too', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const client = customerClient(server, customerId);
    assert.equal(apiCalls(await client.getEntitlements()), 100_000);
    assert.equal((await client.getLeverUsage('api-calls')).total, 0);
    await reportUsageAsAdmin(server, customerId, 'api-calls', 7);
    const changes: string[][] = [];
    client.addEventListener('planship-change', (event) => changes.push([...event.resources].sort()));
    client.onEntitlements(() => {});
    try {
      await waitFor(() => client.connectionState === 'live' && changes.length, 'the greeting announced a change');
      assert.deepEqual(changes[0], ['entitlements', 'subscriptions', 'usage']);
      assert.equal((await client.getLeverUsage('api-calls')).total, 7, 'usage is read again, not served from before the report');
    } finally {
      client.dispose();
    }
  });

  it('idle until something listens, then connecting -> live; dispose closes for good', async () => {
    const client = customerClient(server, await freshCustomer(server, 'free'));
    const states = collectStates(client);
    assert.equal(client.connectionState, 'idle');
    const first: unknown[] = [];
    client.onEntitlements((entitlements) => first.push(entitlements));
    await waitFor(() => first.length, 'the greeting frame');
    assert.deepEqual(states, ['connecting', 'live']);
    assert.equal(apiCalls(first[0]), 1000);
    assert.equal(await openSockets(server), 1);

    client.dispose();
    assert.equal(client.connectionState, 'closed');
    assert.deepEqual(states, ['connecting', 'live', 'closed']);
    await waitFor(async () => (await openSockets(server)) === 0, 'the socket to close');
    client.onEntitlements(() => {});
    assert.equal(client.connectionState, 'closed', 'nothing reopens after dispose');
  });

  it('several callbacks listen at once on one socket; unsubscribing one leaves the others', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const client = customerClient(server, customerId);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const c: unknown[] = [];
    const d: unknown[] = [];
    const stopA = client.onEntitlements((e) => a.push(e));
    client.onEntitlements((e) => b.push(e));
    await client.getEntitlements((e) => c.push(e));
    await waitFor(() => client.connectionState === 'live', 'live');
    // A second getEntitlements callback on an open socket is not dropped (the official SDK drops it).
    await client.getEntitlements((e) => d.push(e));

    await reportUsageAsAdmin(server, customerId, 'api-calls', 10);
    await waitFor(() => [a, b, c, d].every((list) => apiCalls(list.at(-1)) === 99990), 'every listener');
    stopA();
    const aCount = a.length;
    await reportUsageAsAdmin(server, customerId, 'api-calls', 5);
    await waitFor(() => [b, c, d].every((list) => apiCalls(list.at(-1)) === 99985), 'the remaining listeners');
    assert.equal(a.length, aCount, 'an unsubscribed callback hears nothing more');
    assert.equal(await openSockets(server), 1, 'one socket for all listeners');
    client.dispose();
  });

  it('the last onEntitlements unsubscribe closes the socket and goes back to idle', async () => {
    const client = customerClient(server, await freshCustomer(server, 'free'));
    const stop = client.onEntitlements(() => {});
    await waitFor(() => client.connectionState === 'live', 'live');
    stop();
    assert.equal(client.connectionState, 'idle');
    await waitFor(async () => (await openSockets(server)) === 0, 'the socket to close');
  });

  it('a callback that throws does not stop the others', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const client = customerClient(server, customerId);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (error: unknown) => errors.push(error);
    try {
      client.onEntitlements(() => {
        throw new Error('listener bug');
      });
      const seen: unknown[] = [];
      client.onEntitlements((e) => seen.push(e));
      await waitFor(() => seen.length, 'the healthy listener');
      assert.equal((errors[0] as Error).message, 'listener bug', 'the error is reported, not swallowed');
    } finally {
      client.dispose();
      console.error = original;
    }
  });

  it('with no WebSocket available (Node 20 without one injected) reads still work and nothing opens', async () => {
    const client = new PlanshipCustomer(PRODUCT, 'ada@example.com', { clientId: 'demo-client', clientSecret: 'demo-secret' }, { baseUrl: server.url });
    const entitlements = await client.getEntitlements(() => {});
    assert.equal(entitlements.sso, true);
    assert.equal(client.connectionState, 'idle');
  });

  it('a deleted customer (close code 4404) ends the connection: closed, no reconnect loop', async () => {
    const customerId = await freshCustomer(server, 'free');
    const client = customerClient(server, customerId);
    const states = collectStates(client);
    client.onEntitlements(() => {});
    await waitFor(() => client.connectionState === 'live', 'live');
    await admin(server, 'DELETE', `/api/v1/customers/${customerId}`);
    await waitFor(() => client.connectionState === 'closed', 'closed');
    // A retry says 'reconnecting' the moment it is planned, before its delay: the states are
    // final once 'closed' arrives, with nothing to wait for.
    assert.deepEqual(states, ['connecting', 'live', 'closed']);
  });
});

describe('reconnecting', () => {
  it('backoff: the first retry within 250 ms, doubling, capped at 8 s (back within 10 s of recovery), with jitter', () => {
    assert.ok(retryDelay(0, 1) <= 250 && retryDelay(0, 0) >= 125);
    assert.equal(retryDelay(1, 1), 500);
    assert.equal(retryDelay(3, 1), 2000);
    assert.equal(MAX_RETRY_MS, 8000);
    assert.equal(retryDelay(20, 1), 8000);
    assert.equal(retryDelay(20, 0), 4000);
  });

  it('server closes every socket: reconnecting -> live, re-auth with forceRefresh, a change made while down arrives', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const getter = recordingGetter(() => customerToken(server, customerId));
    const { flags } = getter;
    const recorder = recordingFetch();
    const client = new PlanshipCustomer(PRODUCT, customerId, getter, { baseUrl: server.url, WebSocket: NodeWebSocket, fetch: recorder });
    const states = collectStates(client);
    const seen: unknown[] = [];
    client.onEntitlements((e) => seen.push(e));
    await waitFor(() => seen.length, 'greeting');
    const restReads = recorder.count('GET', '/entitlements');

    const closed = await admin(server, 'POST', '/__emulator/sockets/close', { refuse_seconds: 1 });
    assert.equal(closed.status, 200);
    await waitFor(() => client.connectionState === 'reconnecting', 'reconnecting');
    await reportUsageAsAdmin(server, customerId, 'api-calls', 77);
    await waitFor(() => apiCalls(seen.at(-1)) === 100000 - 77, 'the change made while disconnected');
    await waitFor(() => client.connectionState === 'live', 'live again');
    assert.deepEqual(states.slice(0, 3), ['connecting', 'live', 'reconnecting']);
    assert.equal(states.at(-1), 'live');
    assert.ok(flags.slice(1).every(Boolean) && flags.length >= 2, `reconnects force a new token: ${flags}`);
    await waitFor(() => recorder.count('GET', '/entitlements') > restReads, 'the REST re-read after reconnecting');
    client.dispose();
  });

  it('server stopped and restarted on the same port: a usage report made while down reaches the callback', async () => {
    let own = await startTestServer();
    const port = own.port;
    const customerId = 'grace@example.com'; // seeded: same customer in the restarted server
    const recorder = recordingFetch();
    const client = customerClient(own, customerId, { fetch: recorder });
    const seen: unknown[] = [];
    client.getEntitlements((e) => seen.push(e));
    await waitFor(() => client.connectionState === 'live', 'live');
    try {
      await own.close();
      await waitFor(() => client.connectionState === 'reconnecting', 'reconnecting');
      // Each attempt first asks for a fresh token: two refused attempts while nothing listens.
      const exchanges = recorder.count('POST', '/api/v1/auth/token');
      await waitFor(() => recorder.count('POST', '/api/v1/auth/token') >= exchanges + 2, 'two attempts while down');
      own = await startTestServer({ port });
      // Keep the client out a little longer, then change something while it is disconnected.
      await admin(own, 'POST', '/__emulator/sockets/close', { refuse_seconds: 1 });
      const reported = await reportUsageAsAdmin(own, customerId, 'api-calls', 123);
      assert.equal(reported.status, 200);
      await waitFor(() => apiCalls(seen.at(-1)) === 10000 - 123, 'the report made while down');
      assert.equal(client.connectionState, 'live');
    } finally {
      client.dispose();
      await own.close();
    }
  });

  it('simulated fault: no greeting frame on reconnect (as Planship may do); the REST re-read still catches the change', async () => {
    const customerId = await freshCustomer(server, 'pro');
    // A WebSocket that swallows the first frame of every connection.
    class NoGreetingWebSocket extends (NodeWebSocket as unknown as typeof import('ws').WebSocket) {
      constructor(url: string) {
        super(url);
        let swallowed = false;
        const realOnMessage = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Object.getPrototypeOf(this)), 'onmessage')!;
        Object.defineProperty(this, 'onmessage', {
          set: (handler: ((event: unknown) => void) | null) =>
            realOnMessage.set!.call(this, handler && ((event: unknown) => (swallowed ? handler(event) : (swallowed = true)))),
          get: () => realOnMessage.get!.call(this),
        });
      }
    }
    const client = customerClient(server, customerId, { WebSocket: NoGreetingWebSocket as unknown as WebSocketConstructor });
    const seen: unknown[] = [];
    await client.getEntitlements((e) => seen.push(e));
    await waitFor(() => client.connectionState === 'live', 'live');
    await admin(server, 'POST', '/__emulator/sockets/close', { refuse_seconds: 1 });
    await waitFor(() => client.connectionState === 'reconnecting', 'reconnecting');
    await reportUsageAsAdmin(server, customerId, 'api-calls', 9);
    await waitFor(() => apiCalls(seen.at(-1)) === 100000 - 9, 'the change, via the REST re-read');
    client.dispose();
  });

  it('simulated fault: close code 4401 (token expired) is a drop: reconnect with forceRefresh, not closed', async () => {
    const customerId = await freshCustomer(server, 'pro');
    let connections = 0;
    // The first connection is closed by the "server" with 4401, as it does when the token expires.
    class ExpiringWebSocket extends (NodeWebSocket as unknown as typeof import('ws').WebSocket) {
      constructor(url: string) {
        super(url);
        if (connections++ > 0) return;
        this.once('open', () =>
          setTimeout(() => {
            const onclose = this.onclose as ((event: { code: number }) => void) | null;
            this.onclose = null;
            this.terminate();
            onclose?.({ code: 4401 });
          }, 20),
        );
      }
    }
    const getter = recordingGetter(() => customerToken(server, customerId));
    const { flags } = getter;
    const client = new PlanshipCustomer(PRODUCT, customerId, getter, { baseUrl: server.url, WebSocket: ExpiringWebSocket as unknown as WebSocketConstructor });
    const states = collectStates(client);
    const seen: unknown[] = [];
    client.onEntitlements((e) => seen.push(e));
    await waitFor(() => connections === 2 && client.connectionState === 'live', 'live on a second connection');
    assert.deepEqual(states, ['connecting', 'live', 'reconnecting', 'live']);
    assert.equal(flags.at(-1), true, 'the reconnect asked for a fresh token');
    await reportUsageAsAdmin(server, customerId, 'api-calls', 4);
    await waitFor(() => apiCalls(seen.at(-1)) === 100000 - 4, 'pushes on the new connection');
    client.dispose();
  });

  it('simulated fault: a connection that goes silent is detected and replaced', async () => {
    const proxy = await freezableProxy(server.port);
    try {
      const customerId = await freshCustomer(server, 'pro');
      const client = customerClient(server, customerId, { webSocketUrl: `ws://127.0.0.1:${proxy.port}`, heartbeatMs: 100 });
      const states = collectStates(client);
      const seen: unknown[] = [];
      client.onEntitlements((e) => seen.push(e));
      await waitFor(() => client.connectionState === 'live', 'live');
      proxy.freeze(); // bytes stop flowing both ways; no FIN, no RST: only silence
      await waitFor(() => states.includes('reconnecting'), 'the silence to be noticed');
      await waitFor(() => client.connectionState === 'live', 'a new connection');
      await reportUsageAsAdmin(server, customerId, 'api-calls', 3);
      await waitFor(() => apiCalls(seen.at(-1)) === 100000 - 3, 'pushes on the new connection');
      client.dispose();
    } finally {
      await proxy.close();
    }
  });

  it('a token getter failing during reconnects is retried until it works', async () => {
    const customerId = await freshCustomer(server, 'pro');
    let failing = false;
    let refusals = 0;
    const client = new PlanshipCustomer(
      PRODUCT,
      customerId,
      async () => {
        if (failing) {
          refusals += 1;
          throw new Error('token service down');
        }
        return customerToken(server, customerId);
      },
      { baseUrl: server.url, WebSocket: NodeWebSocket },
    );
    const states = collectStates(client);
    const seen: unknown[] = [];
    client.onEntitlements((e) => seen.push(e));
    await waitFor(() => client.connectionState === 'live', 'live');
    failing = true;
    await admin(server, 'POST', '/__emulator/sockets/close', {});
    // Counted, not waited for: the getter failed three times and each failure led to another try.
    await waitFor(() => refusals >= 3, 'three attempts while the token service is down');
    assert.equal(client.connectionState, 'reconnecting');
    assert.deepEqual(states.slice(0, 2), ['connecting', 'live']);
    assert.ok(!states.slice(2).includes('live'), `never live without a token: ${states}`);
    failing = false;
    await reportUsageAsAdmin(server, customerId, 'api-calls', 1);
    await waitFor(() => apiCalls(seen.at(-1)) === 99999, 'back with a good token');
    client.dispose();
  });
});

describe('dead connections and backoff (issue 12)', () => {
  const BrowserLike = BrowserLikeWebSocket as unknown as WebSocketConstructor;

  it('like a browser (no ping): a silently dropped socket is noticed by a REST check and the current numbers arrive', async (t) => {
    const proxy = await freezableProxy(server.port);
    try {
      const customerId = await freshCustomer(server, 'pro');
      const recorder = recordingFetch();
      const client = customerClient(server, customerId, {
        webSocketUrl: `ws://127.0.0.1:${proxy.port}`, WebSocket: BrowserLike, heartbeatMs: 1000, fetch: recorder,
      });
      t.after(() => client.dispose());
      const states = collectStates(client);
      const seen: unknown[] = [];
      client.onEntitlements((e) => seen.push(e));
      await waitFor(() => seen.length, 'the greeting');
      proxy.freeze(); // both ends stay open; nothing flows any more
      const readsBefore = recorder.count('GET', '/entitlements');
      await reportUsageAsAdmin(server, customerId, 'api-calls', 7);
      // Before: only 10 silent heartbeats (10 s here, 300 s by default) counted as dead.
      await waitFor(() => apiCalls(seen.at(-1)) === 100000 - 7, 'the change that was never pushed', 6000);
      assert.ok(states.includes('reconnecting'), 'the dead socket was replaced');
      assert.ok(recorder.count('GET', '/entitlements') > readsBefore, 'found by a REST read');
      await waitFor(() => client.connectionState === 'live', 'live on a new connection');
    } finally {
      await proxy.close();
    }
  });

  it('like a browser (no ping): a healthy silent socket is checked once per heartbeat and stays live', async (t) => {
    const customerId = await freshCustomer(server, 'pro');
    const recorder = recordingFetch();
    const client = customerClient(server, customerId, { WebSocket: BrowserLike, heartbeatMs: 300, fetch: recorder });
    t.after(() => client.dispose());
    const states = collectStates(client);
    client.onEntitlements(() => {});
    await waitFor(() => client.connectionState === 'live', 'live');
    const started = Date.now();
    const readsBefore = recorder.count('GET', '/entitlements');
    await waitFor(() => recorder.count('GET', '/entitlements') >= readsBefore + 3, 'three REST checks');
    const checks = recorder.count('GET', '/entitlements') - readsBefore;
    assert.ok(checks <= (Date.now() - started) / 300 + 1, `${checks} checks: at most one per heartbeat`);
    assert.deepEqual(states, ['connecting', 'live'], 'an unchanged answer is no reason to reconnect');
  });

  it('simulated peer that sends heartbeats (the gateway): "ping" frames are never entitlements, and their silence means dead', async (t) => {
    const customerId = await freshCustomer(server, 'pro');
    const peer = await heartbeatPeer(customerId, 100);
    t.after(() => peer.close());
    const recorder = recordingFetch();
    const client = customerClient(server, customerId, { webSocketUrl: peer.url, WebSocket: BrowserLike, heartbeatMs: 500, fetch: recorder });
    t.after(() => client.dispose());
    const seen: unknown[] = [];
    client.onEntitlements((e) => seen.push(e));
    await waitFor(() => peer.pingsSent >= 10, 'heartbeats');
    assert.equal(seen.length, 1, 'only the greeting reached the listeners');
    assert.equal(typeof seen[0], 'object');
    assert.equal(recorder.count('GET', '/entitlements'), 0, 'no REST checks while heartbeats flow');
    peer.stopBeating(); // the socket stays open, but silent
    // Before: 10 silent heartbeats (5 s here) before a reconnect.
    await waitFor(() => peer.connections === 2, 'a reconnect after 2 silent heartbeat periods', 3000);
  });

  it('the backoff starts over after a stable connection, also when the connection was found dead', async (t) => {
    const customerId = await freshCustomer(server, 'pro');
    const client = customerClient(server, customerId, { heartbeatMs: 300 });
    t.after(() => client.dispose());
    client.onEntitlements(() => {});
    await waitFor(() => client.connectionState === 'live', 'live');
    // Refused for 3 s: the attempts back off to 2-4 s between them.
    await admin(server, 'POST', '/__emulator/sockets/close', { refuse_seconds: 3 });
    await waitFor(() => client.connectionState === 'reconnecting', 'reconnecting');
    await waitFor(() => client.connectionState === 'live', 'live after the refusals', 15_000);
    await sleep(400); // longer than a heartbeat: a stable connection
    await admin(server, 'POST', '/__emulator/sockets/close', {});
    const dropped = Date.now();
    await waitFor(() => client.connectionState === 'reconnecting', 'reconnecting');
    await waitFor(() => client.connectionState === 'live', 'live again');
    assert.ok(Date.now() - dropped < 2000, `back after ${Date.now() - dropped} ms: the first retry waits at most 250 ms`);
  });

  it(`a 4429 close (too many live connections) waits the longest delay, ${MAX_RETRY_MS} ms, before reconnecting`, async (t) => {
    const customerId = await freshCustomer(server, 'pro');
    const asked: number[] = [];
    const client = new PlanshipCustomer(PRODUCT, customerId, async () => {
      asked.push(Date.now());
      return customerToken(server, customerId);
    }, { baseUrl: server.url, WebSocket: NodeWebSocket });
    t.after(() => client.dispose());
    client.onEntitlements(() => {});
    await waitFor(() => client.connectionState === 'live', 'live');
    const token = await customerToken(server, customerId);
    const crowd = await Promise.all(Array.from({ length: 20 }, () => openRawSocket(server, customerId, token)));
    t.after(() => crowd.forEach((socket) => socket.terminate()));
    await waitFor(() => client.connectionState === 'reconnecting', 'closed with 4429', 5000);
    const closedAt = Date.now();
    for (const socket of crowd) socket.close();
    await waitFor(() => client.connectionState === 'live', 'live again', MAX_RETRY_MS + 5000);
    assert.ok(asked.at(-1)! - closedAt >= MAX_RETRY_MS - 50, `reconnected ${asked.at(-1)! - closedAt} ms after the 4429`);
  });
});

/** An entitlements socket opened by hand (not through a client). */
function openRawSocket(target: RunningServer, customerId: string, token: string): Promise<import('ws').WebSocket> {
  const socket = new (NodeWebSocket as unknown as typeof import('ws').WebSocket)(
    `${target.wsUrl}/api/v1/ws/customers/${customerId}/products/${PRODUCT}/entitlements?token=${token}`,
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Simulated peer speaking the gateway's heartbeat protocol: greets with the customer's real
 * entitlements, then sends the text frame "ping" every `everyMs` until told to stop (the socket
 * then stays open, silent, and answers no pings).
 */
async function heartbeatPeer(customerId: string, everyMs: number) {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const state = { connections: 0, pingsSent: 0, beating: true };
  wss.on('connection', async (socket) => {
    state.connections += 1;
    const entitlements = await admin(server, 'GET', `/api/v1/customers/${customerId}/products/${PRODUCT}/entitlements`);
    // Closed meanwhile (the test ended during the read): a heartbeat started now would never stop.
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(entitlements.body));
    const beat = setInterval(() => {
      if (!state.beating) return;
      socket.send('ping');
      state.pingsSent += 1;
    }, everyMs);
    socket.once('close', () => clearInterval(beat));
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    get connections() {
      return state.connections;
    },
    get pingsSent() {
      return state.pingsSent;
    },
    stopBeating: () => (state.beating = false),
    close: () => {
      for (const socket of wss.clients) socket.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
