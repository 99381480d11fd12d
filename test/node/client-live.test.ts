// Live entitlements: state changes, several listeners, one socket, reconnects (server closes
// sockets; server restarts on the same port), REST re-read, dead-connection detection, dispose.
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/index.ts';
import { retryDelay } from '../../src/client/live.ts';
import { PlanshipCustomer, type ConnectionState, type Entitlements, type WebSocketConstructor } from '../../src/client/index.ts';
import {
  NodeWebSocket,
  PRODUCT,
  admin,
  customerClient,
  customerToken,
  freshCustomer,
  recordingFetch,
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
    await sleep(400);
    assert.deepEqual(states, ['connecting', 'live', 'closed']);
  });
});

describe('reconnecting', () => {
  it('backoff: the first retry within 250 ms, doubling, capped at 30 s, with jitter', () => {
    assert.ok(retryDelay(0, 1) <= 250 && retryDelay(0, 0) >= 125);
    assert.equal(retryDelay(1, 1), 500);
    assert.equal(retryDelay(3, 1), 2000);
    assert.equal(retryDelay(20, 1), 30_000);
    assert.equal(retryDelay(20, 0), 15_000);
  });

  it('server closes every socket: reconnecting -> live, re-auth with forceRefresh, a change made while down arrives', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const flags: boolean[] = [];
    const recorder = recordingFetch();
    const client = new PlanshipCustomer(
      PRODUCT,
      customerId,
      async (forceRefresh) => {
        flags.push(!!forceRefresh);
        return customerToken(server, customerId);
      },
      { baseUrl: server.url, WebSocket: NodeWebSocket, fetch: recorder },
    );
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
    const client = customerClient(own, customerId);
    const seen: unknown[] = [];
    client.getEntitlements((e) => seen.push(e));
    await waitFor(() => client.connectionState === 'live', 'live');
    try {
      await own.close();
      await waitFor(() => client.connectionState === 'reconnecting', 'reconnecting');
      await sleep(300); // a few refused attempts while nothing listens on the port
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
    const flags: boolean[] = [];
    const client = new PlanshipCustomer(
      PRODUCT,
      customerId,
      async (forceRefresh) => {
        flags.push(!!forceRefresh);
        return customerToken(server, customerId);
      },
      { baseUrl: server.url, WebSocket: ExpiringWebSocket as unknown as WebSocketConstructor },
    );
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
    const client = new PlanshipCustomer(
      PRODUCT,
      customerId,
      async () => {
        if (failing) throw new Error('token service down');
        return customerToken(server, customerId);
      },
      { baseUrl: server.url, WebSocket: NodeWebSocket },
    );
    const seen: unknown[] = [];
    client.onEntitlements((e) => seen.push(e));
    await waitFor(() => client.connectionState === 'live', 'live');
    failing = true;
    await admin(server, 'POST', '/__emulator/sockets/close', {});
    await waitFor(() => client.connectionState === 'reconnecting', 'reconnecting');
    await sleep(400);
    assert.equal(client.connectionState, 'reconnecting');
    failing = false;
    await reportUsageAsAdmin(server, customerId, 'api-calls', 1);
    await waitFor(() => apiCalls(seen.at(-1)) === 99999, 'back with a good token');
    client.dispose();
  });
});

/** A TCP proxy whose current connections can be frozen (kept open, but silent). */
async function freezableProxy(targetPort: number) {
  const pairs: [Socket, Socket][] = [];
  const tcp = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return {
    port: (tcp.address() as { port: number }).port,
    freeze() {
      for (const [client, upstream] of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        frozen.push(client, upstream);
      }
    },
    close() {
      for (const socket of [...frozen, ...pairs.flat()]) socket.destroy();
      return new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
const frozen: Socket[] = [];
