// The shared cache and the change events: one request per resource however many readers,
// fresh data after mutations and live pushes, and listeners told what changed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/index.ts';
import { PlanshipApiError, type PlanshipChangeEvent, type PlanshipCustomer, type Resource } from '../../src/client/index.ts';
import { Cache, UNTIL_INVALIDATED } from '../../src/client/cache.ts';
import { customerClient, freshCustomer, recordingFetch, reportUsageAsAdmin, startTestServer, waitFor } from './client-helpers.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

function collectChanges(client: PlanshipCustomer): Resource[][] {
  const changes: Resource[][] = [];
  client.addEventListener('planship-change', (event: PlanshipChangeEvent) => changes.push([...event.resources].sort()));
  return changes;
}

async function liveClient(plan = 'pro') {
  const customerId = await freshCustomer(server, plan);
  const recorder = recordingFetch();
  const client = customerClient(server, customerId, { fetch: recorder });
  const pushes: unknown[] = [];
  const stop = client.onEntitlements((entitlements) => pushes.push(entitlements));
  await waitFor(() => client.connectionState === 'live', 'live socket');
  await waitFor(() => pushes.length >= 1, 'greeting frame');
  return { customerId, recorder, client, pushes, stop };
}

describe('in-flight sharing and caching', () => {
  it('identical concurrent GETs share one request', async () => {
    const recorder = recordingFetch();
    const client = customerClient(server, await freshCustomer(server, 'pro'), { fetch: recorder });
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => client.getProduct()),
      ...Array.from({ length: 5 }, () => client.listSubscriptions()),
      ...Array.from({ length: 5 }, () => client.getEntitlements()),
    ]);
    // Every reader gets the same answer (each its own copy of it).
    assert.deepEqual(new Set(answers.slice(0, 5).map((product) => JSON.stringify(product))).size, 1);
    assert.equal((answers[0] as { slug: string }).slug, 'acme-analytics');
    assert.deepEqual(answers.slice(5, 10), Array(5).fill(answers[5]));
    assert.deepEqual(answers.slice(10), Array(5).fill(answers[10]));
    assert.equal((answers[5] as unknown[]).length, 1, 'the customer has its one subscription');
    assert.equal(recorder.requests.filter((request) => request.path === '/api/v1/products/acme-analytics').length, 1);
    assert.equal(recorder.count('GET', '/subscriptions'), 1);
    assert.equal(recorder.count('GET', '/entitlements'), 1);
  });

  it('the product, plans and levers are served from the cache after the first read; a plan from the plan list', async () => {
    const recorder = recordingFetch();
    const client = customerClient(server, 'ada@example.com', { fetch: recorder });
    for (let round = 0; round < 3; round++) {
      await client.getProduct();
      await client.listPlans();
      await client.getPlan('pro');
      await client.listLevers();
    }
    assert.deepEqual(recorder.requests.filter((request) => request.method === 'GET').map((request) => request.path + request.query), [
      '/api/v1/products/acme-analytics',
      '/api/v1/products/acme-analytics/plans?include=entitlements',
      '/api/v1/products/acme-analytics/levers',
    ]);
    assert.equal((await client.getPlan('pro')).entitlements.length > 0, true);
  });

  it('a plan list without entitlements (hosted Planship ignores include) leaves each plan to its own read (simulated answer)', async () => {
    // Simulated: what hosted Planship answers (PlanInList has no entitlements).
    const recorder = recordingFetch(async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/plans?include=')) return response;
      const plans = (await response.json()).map(({ entitlements: _, ...plan }: { entitlements: unknown }) => plan);
      return new Response(JSON.stringify(plans), { status: 200 });
    });
    const client = customerClient(server, 'ada@example.com', { fetch: recorder });
    await client.listPlans();
    assert.ok((await client.getPlan('pro')).entitlements.length > 0);
    assert.equal(recorder.count('GET', '/plans/pro'), 1);
  });

  it('stale-while-revalidate: an old catalog answer is served at once, refreshed behind, and a difference is announced', async () => {
    // The client's cache ages by Date.now, patched below for this whole process: a server in the
    // same process would see its clock jump a minute (and never go back), so this one is its own.
    const own = await startTestServer();
    let renamed = false;
    // Simulated fault: the catalog changes upstream (our server's catalog is fixed at start).
    const recorder = recordingFetch(async (input, init) => {
      const response = await fetch(input, init);
      if (!renamed || !String(input).includes('/plans?')) return response;
      const plans = await response.json();
      plans[0].name = 'Free (renamed)';
      return new Response(JSON.stringify(plans), { status: 200 });
    });
    const client = customerClient(own, 'ada@example.com', { fetch: recorder });
    const changes = collectChanges(client);
    assert.equal((await client.listPlans())[0].name, 'Free');
    renamed = true;
    assert.equal((await client.listPlans())[0].name, 'Free', 'a fresh answer is served as it is, no refresh');
    assert.equal(recorder.count('GET', '/plans'), 1);
    const realNow = Date.now;
    Date.now = () => realNow() + 61_000;
    try {
      const served = await client.listPlans();
      assert.equal(served[0].name, 'Free', 'the cached answer comes back without waiting');
      await waitFor(() => changes.length, 'the background refresh');
      assert.deepEqual(changes, [['plans']]);
      assert.equal((await client.listPlans())[0].name, 'Free (renamed)');
      assert.equal(recorder.count('GET', '/plans'), 2);
    } finally {
      Date.now = realNow;
      await own.close();
    }
  });

  it('each reader gets its own copy', async () => {
    const client = customerClient(server, 'ada@example.com');
    const first = await client.listPlans();
    first[0].name = 'Changed by one reader';
    assert.notEqual((await client.listPlans())[0].name, 'Changed by one reader');
  });

  it('without a live socket, customer reads always ask the server (deduplicated only)', async () => {
    const recorder = recordingFetch();
    const client = customerClient(server, await freshCustomer(server, 'pro'), { fetch: recorder });
    await client.listSubscriptions();
    await client.listSubscriptions();
    assert.equal(recorder.count('GET', '/subscriptions'), 2);
  });

  it('while live, customer reads are cached until a mutation makes them stale', async () => {
    const { client, recorder, stop } = await liveClient('pro');
    try {
      const [subscription] = await client.listSubscriptions();
      await client.listSubscriptions();
      assert.equal(recorder.count('GET', '/subscriptions'), 1);
      await client.setSubscriptionAutoRenew(subscription.subscriptionId, false);
      const [after] = await client.listSubscriptions();
      assert.equal(after.autoRenew, false);
      assert.equal(recorder.count('GET', '/subscriptions'), 2);
    } finally {
      stop();
      client.dispose();
    }
  });

  it('one aborted reader does not cancel the shared request for the others', async () => {
    const recorder = recordingFetch();
    const client = customerClient(server, await freshCustomer(server, 'pro'), { fetch: recorder });
    const controller = new AbortController();
    const aborted = client.getEntitlements({ signal: controller.signal });
    const kept = client.getEntitlements();
    controller.abort();
    await assert.rejects(aborted, (error: PlanshipApiError) => error.kind === 'aborted');
    assert.equal((await kept)['api-calls'], 100000);
    assert.equal(recorder.count('GET', '/entitlements'), 1);
  });
});

describe('planship-change events', () => {
  it('name what each mutation changed, before the mutation resolves', async () => {
    const customerId = await freshCustomer(server, 'starter');
    const client = customerClient(server, customerId);
    const changes = collectChanges(client);
    const [subscription] = await client.listSubscriptions();
    const id = subscription.subscriptionId;

    await client.reportUsage('api-calls', 1);
    assert.deepEqual(changes.at(-1), ['entitlements', 'usage']);
    await client.changeSubscriptionPlan(id, 'pro');
    assert.deepEqual(changes.at(-1), ['entitlements', 'subscriptions', 'usage']);
    const member = await freshCustomer(server);
    await client.addSubscriptionCustomer(id, member);
    assert.deepEqual(changes.at(-1), ['entitlements', 'subscriptions']);
    await client.removeSubscriptionCustomer(id, member);
    assert.deepEqual(changes.at(-1), ['entitlements', 'subscriptions']);
    await client.createSubscription('free');
    assert.deepEqual(changes.at(-1), ['entitlements', 'subscriptions', 'usage']);
    await client.createCustomer({ name: 'Another' });
    assert.deepEqual(changes.at(-1), ['customer']);
    assert.equal(changes.length, 6);
  });

  it('a failed mutation fires nothing', async () => {
    const client = customerClient(server, await freshCustomer(server, 'starter'));
    const changes = collectChanges(client);
    const [subscription] = await client.listSubscriptions();
    await assert.rejects(client.changeSubscriptionPlan(subscription.subscriptionId, 'no-such-plan'));
    assert.deepEqual(changes, []);
  });

  it('a live push (a change made elsewhere) refreshes entitlements in the cache and marks the rest stale', async () => {
    const { customerId, client, recorder, pushes, stop } = await liveClient('pro');
    try {
      const changes = collectChanges(client);
      const entitlementEvents: unknown[] = [];
      client.addEventListener('planship-entitlements', (event) => entitlementEvents.push(event.entitlements));
      await client.getEntitlements();
      // Usage read (and cached) before the push, so the push has something to mark stale.
      assert.equal((await client.getLeverUsage('api-calls')).total, 0);
      assert.equal((await client.getLeverUsage('api-calls')).total, 0, 'served from the cache');
      const usageReads = recorder.count('GET', '/usage');
      assert.equal(usageReads, 1);
      const readsBefore = recorder.count('GET', '/entitlements');

      await reportUsageAsAdmin(server, customerId, 'api-calls', 250);
      await waitFor(() => changes.length >= 1, 'change event');
      assert.deepEqual(changes[0], ['entitlements', 'subscriptions', 'usage']);
      assert.equal((pushes.at(-1) as Record<string, number>)['api-calls'], 100000 - 250);
      assert.equal((entitlementEvents.at(-1) as Record<string, number>)['api-calls'], 100000 - 250);
      assert.equal(client.entitlements?.['api-calls'], 100000 - 250);

      // The pushed value is the cached one: no request needed.
      assert.equal((await client.getEntitlements())['api-calls'], 100000 - 250);
      assert.equal(recorder.count('GET', '/entitlements'), readsBefore);
      // Usage was marked stale: the next read asks the server.
      assert.equal((await client.getLeverUsage('api-calls')).total, 250);
      assert.equal(recorder.count('GET', '/usage'), usageReads + 1);
    } finally {
      stop();
      client.dispose();
    }
  });
});

describe('a push overtakes an answer still in flight', () => {
  /** A cache whose first read of /e waits for `answer`, and what its stored hook was given. */
  function readInFlight() {
    const stored: unknown[] = [];
    const cache = new Cache(() => true, () => {}, (_key, value) => stored.push(value));
    let answer!: (value: unknown) => void;
    const reading = cache.read('/e', 'entitlements', UNTIL_INVALIDATED, () => new Promise((resolve) => (answer = resolve)));
    return { cache, stored, reading, answer: (value: unknown) => answer(value) };
  }

  it('the older answer neither replaces the pushed value nor reaches the stored hook', async () => {
    const { cache, stored, reading, answer } = readInFlight();
    cache.put('/e', 'entitlements', { calls: 2 });
    answer({ calls: 1 });
    assert.deepEqual(await reading, { calls: 1 }, 'the caller still gets the answer it asked for');
    assert.deepEqual(stored, [], 'an answer overtaken by a push is not passed on');
    assert.deepEqual(await cache.read('/e', 'entitlements', UNTIL_INVALIDATED, async () => ({ calls: 0 })), { calls: 2 });
  });

  it('an answer overtaken by a push and then an invalidation is not stored either', async () => {
    const { cache, stored, reading, answer } = readInFlight();
    cache.put('/e', 'entitlements', { calls: 2 });
    cache.invalidate(['entitlements']);
    answer({ calls: 1 });
    await reading;
    assert.deepEqual(stored, []);
  });
});

describe('readers that leave (Cache, with a load that waits)', () => {
  function waitingCache() {
    const cache = new Cache(() => true, () => {}, () => {});
    const loads: AbortSignal[] = [];
    const read = (signal?: AbortSignal) =>
      cache.read('/e', 'entitlements', UNTIL_INVALIDATED, (loadSignal) => (loads.push(loadSignal), new Promise(() => {})), signal);
    return { read, loads };
  }

  it('the request is cancelled when its last reader leaves, not before', async () => {
    const { read, loads } = waitingCache();
    const [first, second] = [new AbortController(), new AbortController()];
    const readers = [read(first.signal), read(second.signal)];
    readers.forEach((reader) => reader.catch(() => {}));
    assert.equal(loads.length, 1, 'one shared request');
    first.abort();
    await assert.rejects(readers[0], (error: PlanshipApiError) => error.kind === 'aborted');
    assert.equal(loads[0].aborted, false, 'another reader still waits');
    second.abort();
    await assert.rejects(readers[1], (error: PlanshipApiError) => error.kind === 'aborted');
    assert.equal(loads[0].aborted, true, 'nobody waits any more');
  });

  it('a reader without a signal keeps the request going', async () => {
    const { read, loads } = waitingCache();
    const leaving = new AbortController();
    const reader = read(leaving.signal);
    read();
    leaving.abort();
    await assert.rejects(reader, (error: PlanshipApiError) => error.kind === 'aborted');
    assert.equal(loads[0].aborted, false);
  });
});
