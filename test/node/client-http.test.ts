// HTTP behaviour: typed errors for each status (real bad input; 429/5xx as simulated faults),
// abort, timeout, bounded retries of idempotent calls, and POSTs that count once when retried.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/index.ts';
import { PlanshipApiError, PlanshipCustomer, type PlanshipErrorKind } from '../../src/client/index.ts';
import { PRODUCT, customerClient, customerToken, freshCustomer, recordingFetch, startTestServer } from './client-helpers.ts';
import { backoffMs } from '../../src/client/http.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

function expectError(kind: PlanshipErrorKind, status?: number) {
  return (error: unknown) => {
    assert.ok(error instanceof PlanshipApiError, `not a PlanshipApiError: ${error}`);
    assert.equal(error.kind, kind);
    assert.equal(error.status, status);
    return true;
  };
}

/** A fetch that answers `status` for requests matching `when` (a simulated fault), else passes through. */
function faultyFetch(status: number, when: (url: string, init: RequestInit) => boolean, times = Infinity) {
  let faults = 0;
  return recordingFetch(async (input, init) => {
    if (faults < times && when(String(input), init ?? {})) {
      faults++;
      return new Response(JSON.stringify({ detail: `simulated ${status}` }), { status, headers: { 'content-type': 'application/json' } });
    }
    return fetch(input, init);
  });
}

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const tcp: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const { port } = tcp.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => tcp.close(() => resolve()));
    },
  };
}

describe('typed errors from real bad input', () => {
  let customerId: string;
  let client: PlanshipCustomer;
  let subscriptionId: string;
  before(async () => {
    customerId = await freshCustomer(server, 'starter');
    client = customerClient(server, customerId);
    subscriptionId = (await client.listSubscriptions())[0].subscriptionId;
  });

  it('401 unauthorized: a token the server does not know', async () => {
    const stranger = new PlanshipCustomer(PRODUCT, customerId, async () => 'made-up-token', { baseUrl: server.url });
    await assert.rejects(stranger.listSubscriptions(), expectError('unauthorized', 401));
  });

  it('403 forbidden: a customer token reading another customer', async () => {
    const scoped = new PlanshipCustomer(PRODUCT, customerId, async () => customerToken(server, customerId), { baseUrl: server.url });
    await assert.rejects(scoped.getCustomer('ada@example.com'), expectError('forbidden', 403));
    await assert.rejects(scoped.createCustomer({ name: 'Nope' }), expectError('forbidden', 403));
  });

  it('404 not_found: an unknown plan, with the server detail, method and path', async () => {
    await assert.rejects(client.getPlan('no-such-plan'), (error: PlanshipApiError) => {
      expectError('not_found', 404)(error);
      assert.equal(typeof error.detail, 'string');
      assert.equal(error.method, 'GET');
      assert.equal(error.path, `/api/v1/products/${PRODUCT}/plans/no-such-plan`);
      assert.ok(error.message.includes(String(error.detail)));
      return true;
    });
  });

  it('409 conflict: usage for a customer with no subscription, fewer seats than subscribers', async () => {
    const unsubscribed = customerClient(server, await freshCustomer(server));
    await assert.rejects(unsubscribed.reportUsage('api-calls', 1), expectError('conflict', 409));
    await client.addSubscriptionCustomer(subscriptionId, await freshCustomer(server));
    await assert.rejects(client.changeSubscriptionMaxSubscribers(subscriptionId, 1), expectError('conflict', 409));
  });

  it('422 validation: an unknown plan slug and negative usage, with FastAPI detail', async () => {
    await assert.rejects(client.changeSubscriptionPlan(subscriptionId, 'no-such-plan'), (error: PlanshipApiError) => {
      expectError('validation', 422)(error);
      assert.ok(Array.isArray(error.detail));
      const [first] = error.detail as { loc: unknown[]; msg: string; type: string }[];
      assert.ok(Array.isArray(first.loc) && typeof first.msg === 'string' && typeof first.type === 'string');
      return true;
    });
    await assert.rejects(client.reportUsage('api-calls', -5), expectError('validation', 422));
  });
});

describe('simulated fault statuses', () => {
  it('simulated fault: 429 is rate_limited and not retried', async () => {
    const faulty = faultyFetch(429, (url) => url.includes('/plans'));
    const client = customerClient(server, 'ada@example.com', { fetch: faulty });
    await assert.rejects(client.listPlans(), expectError('rate_limited', 429));
    assert.equal(faulty.count('GET', '/plans'), 1);
  });

  it('simulated fault: 500 is a server error and not retried', async () => {
    const faulty = faultyFetch(500, (url) => url.includes('/plans'));
    const client = customerClient(server, 'ada@example.com', { fetch: faulty });
    await assert.rejects(client.listPlans(), expectError('server', 500));
    assert.equal(faulty.count('GET', '/plans'), 1);
  });

  it('simulated fault: a GET answered 503 once is retried and succeeds', async () => {
    const faulty = faultyFetch(503, (url) => url.includes('/plans'), 1);
    const client = customerClient(server, 'ada@example.com', { fetch: faulty });
    assert.equal((await client.listPlans()).length, 6);
    assert.equal(faulty.count('GET', '/plans'), 2);
  });

  it('simulated fault: a GET answered 502 every time gives up after 3 attempts', async () => {
    const faulty = faultyFetch(502, (url) => url.includes('/plans'));
    const client = customerClient(server, 'ada@example.com', { fetch: faulty });
    await assert.rejects(client.listPlans(), expectError('server', 502));
    assert.equal(faulty.count('GET', '/plans'), 3);
  });

  it('simulated fault: a PATCH answered 504 is not retried', async () => {
    const customerId = await freshCustomer(server, 'free');
    const faulty = faultyFetch(504, (_url, init) => init.method === 'PATCH');
    const client = customerClient(server, customerId, { fetch: faulty });
    const [subscription] = await client.listSubscriptions();
    await assert.rejects(client.setSubscriptionAutoRenew(subscription.subscriptionId, false), expectError('server', 504));
    assert.equal(faulty.count('PATCH', '/subscriptions/'), 1);
  });
});

describe('network, timeout and abort', () => {
  it('an unreachable server is a network error after bounded retries of the GET', async () => {
    const silent = await silentServer();
    const url = silent.url;
    await silent.close();
    const recorder = recordingFetch();
    const client = new PlanshipCustomer(PRODUCT, 'ada@example.com', async () => 'token', { baseUrl: url, fetch: recorder });
    await assert.rejects(client.listPlans(), (error: PlanshipApiError) => {
      assert.equal(error.kind, 'network');
      assert.equal(error.message, `GET /api/v1/products/${PRODUCT}/plans?include=entitlements could not reach the server`);
      assert.ok(error.cause instanceof Error, 'the fetch failure is kept as the cause');
      return true;
    });
    assert.equal(recorder.requests.length, 3);
  });

  it('a server that never answers is a timeout', async () => {
    const silent = await silentServer();
    try {
      const client = new PlanshipCustomer(PRODUCT, 'ada@example.com', async () => 'token', { baseUrl: silent.url, timeoutMs: 150 });
      await assert.rejects(client.getProduct(), expectError('timeout'));
    } finally {
      await silent.close();
    }
  });

  it('an already aborted signal sends nothing', async () => {
    const recorder = recordingFetch();
    const client = customerClient(server, 'ada@example.com', { fetch: recorder });
    await assert.rejects(client.listPlans({ signal: AbortSignal.abort() }), expectError('aborted'));
    await assert.rejects(client.reportUsage('api-calls', 1, undefined, { signal: AbortSignal.abort() }), expectError('aborted'));
    assert.equal(recorder.requests.length, 0);
  });

  it('aborting a request in flight rejects with aborted (not timeout)', async () => {
    const silent = await silentServer();
    try {
      const client = new PlanshipCustomer(PRODUCT, 'ada@example.com', async () => 'token', { baseUrl: silent.url });
      const controller = new AbortController();
      const pending = client.getSubscription('some-id', { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(pending, expectError('aborted'));
    } finally {
      await silent.close();
    }
  });

  it('aborting while the token getter is still working rejects at once', async () => {
    let release!: (token: string) => void;
    const client = new PlanshipCustomer(PRODUCT, 'ada@example.com', () => new Promise<string>((resolve) => (release = resolve)), {
      baseUrl: server.url,
    });
    const controller = new AbortController();
    const pending = client.getEntitlements({ signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, expectError('aborted'));
    release('late-token');
  });

  it('every method takes a signal as its last argument', async () => {
    const client = customerClient(server, 'ada@example.com');
    const signal = AbortSignal.abort();
    const calls: Promise<unknown>[] = [
      client.getAccessToken({ signal }),
      client.getProduct({ signal }),
      client.listPlans({ signal }),
      client.getPlan('pro', { signal }),
      client.listLevers({ signal }),
      client.createCustomer({}, { signal }),
      client.getCustomer('x', { signal }),
      client.deleteCustomer('x', { signal }),
      client.createSubscription('pro', {}, { signal }),
      client.listSubscriptions({ signal }),
      client.getSubscription('s', { signal }),
      client.modifySubscription('s', {}, { signal }),
      client.changeSubscriptionPlan('s', 'pro', { signal }),
      client.changeSubscriptionRenewPlan('s', 'pro', { signal }),
      client.changeSubscriptionMaxSubscribers('s', 2, { signal }),
      client.setSubscriptionAutoRenew('s', true, { signal }),
      client.setSubscriptionIsActive('s', true, { signal }),
      client.listSubscriptionCustomers('s', { signal }),
      client.addSubscriptionCustomer('s', 'c', false, true, undefined, { signal }),
      client.removeSubscriptionCustomer('s', 'c', { signal }),
      client.getEntitlements(undefined, { signal }),
      client.getLeverUsage('api-calls', { signal }),
      client.getMeteringIdUsage('api-calls', { signal }),
      client.reportUsage('api-calls', 1, undefined, { signal }),
    ];
    for (const call of calls) await assert.rejects(call, expectError('aborted'));
  });
});

describe('idempotent POSTs', () => {
  /** Lets the server process the first matching request, then loses its answer (simulated fault). */
  function losingFetch(when: (url: string, init: RequestInit) => boolean) {
    let lost = false;
    const replayed: (string | null)[] = [];
    const recorder = recordingFetch(async (input, init) => {
      const response = await fetch(input, init);
      if (when(String(input), init ?? {})) replayed.push(response.headers.get('idempotent-replayed'));
      if (!lost && when(String(input), init ?? {})) {
        lost = true;
        await response.text();
        throw new TypeError('simulated fault: connection reset after the server answered');
      }
      return response;
    });
    return Object.assign(recorder, { replayed });
  }

  it('simulated fault: a usage report whose answer was lost is retried with the same key and counts once', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const faulty = losingFetch((url, init) => init.method === 'POST' && url.includes('/usage/'));
    const client = customerClient(server, customerId, { fetch: faulty });
    const record = await client.reportUsage('api-calls', 42);
    assert.equal(record.usage, 42);
    const posts = faulty.requests.filter((request) => request.method === 'POST' && request.path.includes('/usage/'));
    assert.equal(posts.length, 2);
    assert.ok(posts[0].headers['idempotency-key']);
    assert.equal(posts[0].headers['idempotency-key'], posts[1].headers['idempotency-key']);
    assert.deepEqual(faulty.replayed, [null, 'true']);
    assert.equal((await client.getLeverUsage('api-calls')).total, 42);
  });

  it('simulated fault: a subscription create whose answer was lost creates one subscription', async () => {
    const customerId = await freshCustomer(server);
    const faulty = losingFetch((url, init) => init.method === 'POST' && url.includes('/subscriptions'));
    const client = customerClient(server, customerId, { fetch: faulty });
    const created = await client.createSubscription('starter');
    const subscriptions = await client.listSubscriptions();
    assert.deepEqual(
      subscriptions.map((subscription) => subscription.subscriptionId),
      [created.id],
    );
  });

  it('each POST call carries its own Idempotency-Key; reads and other writes carry none', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const recorder = recordingFetch();
    const client = customerClient(server, customerId, { fetch: recorder });
    await client.reportUsage('api-calls', 1);
    await client.reportUsage('api-calls', 1);
    const [subscription] = await client.listSubscriptions();
    await client.setSubscriptionAutoRenew(subscription.subscriptionId, false);
    const keys = recorder.requests.filter((request) => request.path.includes('/usage/')).map((request) => request.headers['idempotency-key']);
    assert.equal(keys.length, 2);
    assert.notEqual(keys[0], keys[1]);
    for (const request of recorder.requests.filter((r) => r.method !== 'POST')) {
      assert.equal(request.headers['idempotency-key'], undefined);
    }
    assert.equal((await client.getLeverUsage('api-calls')).total, 2);
  });
});

describe('base URLs', () => {
  it('a URL that is not valid throws a TypeError naming it at construction, not later', () => {
    assert.throws(() => new PlanshipCustomer(PRODUCT, 'c', async () => 't', { baseUrl: 'http://[oops' }), (error: Error) =>
      error instanceof TypeError && error.message.includes('http://[oops'),
    );
    assert.throws(() => new PlanshipCustomer(PRODUCT, 'c', async () => 't', { baseUrl: 'http://localhost', webSocketUrl: 'ws://[x' }), TypeError);
  });
});

describe('retry waits', () => {
  it('start at 75-150 ms and double with each retry (jittered down to half)', () => {
    for (const retry of [0, 1, 2, 3]) {
      const waits = Array.from({ length: 200 }, () => backoffMs(retry));
      const [low, high] = [75 * 2 ** retry, 150 * 2 ** retry];
      assert.ok(waits.every((wait) => wait >= low && wait <= high), `retry ${retry}: ${Math.min(...waits)}..${Math.max(...waits)} outside ${low}..${high}`);
      assert.ok(Math.max(...waits) - Math.min(...waits) > (high - low) / 2, `retry ${retry}: jittered`);
    }
  });
});
