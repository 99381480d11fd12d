// Tokens: single flight, expiry, one refresh on a 401, failing getters, and no
// token or secret in any error, log or toString. (The guard on client credentials in a page is
// tested in Chromium: test/browser/client.test.ts.)
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, it, mock } from 'node:test';
import type { RunningServer } from '../../src/server/index.ts';
import { PlanshipApiError, PlanshipAuthError, PlanshipCustomer, PlanshipProduct } from '../../src/client/index.ts';
import { tokenSource } from '../../src/client/auth.ts';
import {
  CREDENTIALS,
  PRODUCT,
  admin,
  customerClient,
  customerToken,
  freshCustomer,
  recordingFetch,
  recordingGetter,
  sleep,
  startTestServer,
} from './client-helpers.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** A token getter like a host page's that takes a moment to answer, recording the forceRefresh flags. */
const countingGetter = (source: (forceRefresh: boolean) => Promise<string>) =>
  recordingGetter(async (forceRefresh) => {
    await sleep(20);
    return source(forceRefresh);
  });

const isAuthError = (error: unknown) => error instanceof PlanshipAuthError && error.kind === 'auth';

describe('single flight', () => {
  it('N concurrent calls needing a token cause one getter call', async () => {
    const customerId = await freshCustomer(server, 'pro');
    const getter = countingGetter(() => customerToken(server, customerId));
    const client = new PlanshipCustomer(PRODUCT, customerId, getter, { baseUrl: server.url });
    await Promise.all([
      client.getProduct(),
      client.listPlans(),
      client.getPlan('pro'),
      client.listLevers(),
      client.listSubscriptions(),
      client.getEntitlements(),
      client.getLeverUsage('api-calls'),
      client.getMeteringIdUsage('api-calls'),
    ]);
    assert.deepEqual(getter.flags, [false]);
  });

  it('N concurrent calls with client credentials cause one token exchange', async () => {
    const recorder = recordingFetch();
    const client = new PlanshipProduct(PRODUCT, CREDENTIALS, { baseUrl: server.url, fetch: recorder });
    await Promise.all([client.getProduct(), client.listPlans(), client.getPlan('free'), client.getPlan('pro'), client.listLevers()]);
    assert.equal(recorder.count('POST', '/api/v1/auth/token'), 1);
    assert.equal(recorder.requests.length, 6);
  });

  it('concurrent 401s for the same stale token cause one refresh', async () => {
    const customerId = await freshCustomer(server, 'pro');
    let first = true;
    const getter = countingGetter(async () => {
      if (first) {
        first = false;
        return 'stale-token-from-an-old-session';
      }
      return customerToken(server, customerId);
    });
    const client = new PlanshipCustomer(PRODUCT, customerId, getter, { baseUrl: server.url });
    const [product, plans, entitlements, subscriptions] = await Promise.all([
      client.getProduct(),
      client.listPlans(),
      client.getEntitlements(),
      client.listSubscriptions(),
    ]);
    assert.equal(product.slug, PRODUCT);
    assert.ok(plans.some((plan) => plan.slug === 'pro'));
    assert.equal(entitlements['api-calls'], 100000);
    assert.deepEqual(subscriptions.map((subscription) => subscription.plan.slug), ['pro']);
    assert.deepEqual(getter.flags, [false, true]);
  });
});

/**
 * The client decides from Date.now when its token runs out; the test moves that clock with
 * node:test's mock timers (Date only; timers stay real). A server in the same process reads the
 * same Date.now, so its clock moves too (and never back): each such test has a server of its own.
 */
async function withMovedClock(run: (server: RunningServer, advance: (ms: number) => void) => Promise<void>, options = {}) {
  const own = await startTestServer(options);
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  try {
    await run(own, (ms) => mock.timers.tick(ms));
  } finally {
    mock.timers.reset();
    await own.close();
  }
}

describe('expiry', () => {
  it('honours expires_in: a new token is fetched before the old one runs out (no 401 needed)', async () => {
    await withMovedClock(
      async (own, advance) => {
        const recorder = recordingFetch();
        const client = new PlanshipProduct(PRODUCT, CREDENTIALS, { baseUrl: own.url, fetch: recorder });
        await client.getProduct();
        await client.getPlan('free');
        assert.equal(recorder.count('POST', '/api/v1/auth/token'), 1, 'a token within its lifetime is reused');
        advance(1000); // the token's whole second: the server would refuse it now
        await client.getPlan('pro');
        assert.equal(recorder.count('POST', '/api/v1/auth/token'), 2);
        assert.deepEqual(
          recorder.requests.filter((request) => request.status === 401),
          [],
          'never sent an expired token',
        );
      },
      { tokenTtlSeconds: 1 },
    );
  });

  it('a getter may answer { accessToken, expiresIn }: it is asked again before that token runs out (no 401 needed)', async () => {
    await withMovedClock(async (own, advance) => {
      const customerId = await freshCustomer(own, 'pro');
      const recorder = recordingFetch();
      const getter = recordingGetter(async () => ({ accessToken: await customerToken(own, customerId, 10), expiresIn: 10 }));
      const { flags } = getter;
      const client = new PlanshipCustomer(PRODUCT, customerId, getter, { baseUrl: own.url, fetch: recorder });
      await client.getEntitlements();
      advance(8_000); // within the lifetime and before its last tenth
      await client.listSubscriptions();
      assert.deepEqual(flags, [false], 'a fresh token is reused');
      advance(1_500); // in the last tenth: asked again before it runs out
      await client.getEntitlements();
      assert.deepEqual(flags, [false, false], 'asked again, without forcing, before the token ran out');
      assert.deepEqual(
        recorder.requests.filter((request) => request.status === 401),
        [],
        'never sent an expired token',
      );
    });
  });

  it('a getter answering { accessToken } without expiresIn keeps its token until a 401, like a bare string', async () => {
    const customerId = await freshCustomer(server, 'free');
    let calls = 0;
    const client = new PlanshipCustomer(PRODUCT, customerId, async () => ({ accessToken: await customerToken(server, customerId, ++calls) }), {
      baseUrl: server.url,
    });
    await client.getEntitlements();
    await client.getEntitlements();
    assert.equal(calls, 1);
    await assert.rejects(
      new PlanshipCustomer(PRODUCT, customerId, async () => ({ accessToken: '' }), { baseUrl: server.url }).getEntitlements(),
      isAuthError,
    );
  });

  it('a token expired on the server clock is refreshed once and the call retried once', async () => {
    const ownServer = await startTestServer();
    try {
      const recorder = recordingFetch();
      const client = new PlanshipProduct(PRODUCT, CREDENTIALS, { baseUrl: ownServer.url, fetch: recorder });
      await client.getPlan('free');
      const moved = await admin(ownServer, 'POST', '/__emulator/clock', { advance_seconds: 7200 });
      assert.equal(moved.status, 200);
      const plan = await client.getPlan('pro');
      assert.equal(plan.slug, 'pro');
      assert.deepEqual(
        recorder.requests.map((request) => `${request.method} ${request.path} ${request.status}`),
        [
          'POST /api/v1/auth/token 200',
          'GET /api/v1/products/acme-analytics/plans/free 200',
          'GET /api/v1/products/acme-analytics/plans/pro 401',
          'POST /api/v1/auth/token 200',
          'GET /api/v1/products/acme-analytics/plans/pro 200',
        ],
      );
    } finally {
      await ownServer.close();
    }
  });
});

describe('401 handling', () => {
  it('refreshes once with forceRefresh and retries once, never loops', async () => {
    const recorder = recordingFetch();
    const getter = countingGetter(async () => 'never-valid-token');
    const client = new PlanshipCustomer(PRODUCT, 'ada@example.com', getter, { baseUrl: server.url, fetch: recorder });
    await assert.rejects(client.getEntitlements(), (error: PlanshipApiError) => {
      assert.equal(error.kind, 'unauthorized');
      assert.equal(error.status, 401);
      return true;
    });
    assert.deepEqual(getter.flags, [false, true]);
    assert.equal(recorder.requests.length, 2);
  });

  it('bad client credentials: one exchange, a typed auth error with the status', async () => {
    const recorder = recordingFetch();
    const client = new PlanshipProduct(PRODUCT, { clientId: 'demo-client', clientSecret: 'wrong-secret' }, { baseUrl: server.url, fetch: recorder });
    await assert.rejects(client.getProduct(), (error: PlanshipAuthError) => isAuthError(error) && error.status === 401);
    assert.equal(recorder.count('POST', '/api/v1/auth/token'), 1);
    assert.equal(recorder.requests.length, 1);
  });
});

describe('failing token getters become typed auth errors, and nothing is sent', () => {
  const cases: [string, () => Promise<string>, string][] = [
    ['throws', async () => Promise.reject(new Error('session expired')), 'No access token'],
    ['throws null', async () => Promise.reject(null), 'No access token'],
    ['returns an empty string', async () => '', 'No access token'],
    ['returns undefined', async () => undefined as unknown as string, 'No access token'],
    ['hangs', () => new Promise<string>(() => {}), 'Token source timed out'],
  ];
  for (const [name, getter, message] of cases) {
    it(`a getter that ${name}: "${message}"`, async () => {
      const recorder = recordingFetch();
      const client = new PlanshipCustomer(PRODUCT, 'ada@example.com', getter, { baseUrl: server.url, fetch: recorder, timeoutMs: 300 });
      await assert.rejects(client.listSubscriptions(), (error: unknown) => isAuthError(error) && (error as Error).message === message);
      assert.equal(recorder.requests.length, 0);
    });
  }

  it('leaves no timer behind once the token arrives', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const source = tokenSource(async () => ({ token: 'a-token' }), 60_000);
    const before_ = timers();
    // Only promise jobs run until the token is there: no other timer can come or go meanwhile.
    assert.equal(await source.token(), 'a-token');
    assert.equal(timers(), before_);
  });

  it('the thrown error is kept as the cause', async () => {
    const original = new Error('session expired');
    const client = new PlanshipCustomer(PRODUCT, 'ada@example.com', async () => Promise.reject(original), { baseUrl: server.url });
    await assert.rejects(client.getEntitlements(), (error: PlanshipAuthError) => error.cause === original);
  });

  it('a failed getter does not poison later calls', async () => {
    const customerId = await freshCustomer(server, 'free');
    let fail = true;
    const client = new PlanshipCustomer(
      PRODUCT,
      customerId,
      async () => {
        if (fail) throw new Error('offline');
        return customerToken(server, customerId);
      },
      { baseUrl: server.url },
    );
    await assert.rejects(client.getEntitlements(), isAuthError);
    fail = false;
    assert.equal((await client.getEntitlements())['api-calls'], 1000);
  });

  it('getAccessToken without client credentials is a typed auth error', async () => {
    const client = new PlanshipProduct(PRODUCT, async () => 'token', { baseUrl: server.url });
    await assert.rejects(client.getAccessToken(), isAuthError);
  });
});

describe('secrecy', () => {
  it('with a token, no request asks the browser to send its cookies (only gateway mode does)', async () => {
    const recorder = recordingFetch();
    const client = customerClient(server, 'ada@example.com', { fetch: recorder });
    await client.listSubscriptions();
    assert.deepEqual(recorder.requests.map((request) => [request.path, request.credentials]), [
      ['/api/v1/auth/token', undefined],
      ['/api/v1/customers/ada%40example.com/subscriptions', undefined],
    ]);
  });

  it('no token or secret in errors, their JSON, logs of the client, or toString', async () => {
    const token = 'tok_very-secret-value-123';
    const badGetter = new PlanshipCustomer(PRODUCT, 'ada@example.com', async () => token, { baseUrl: server.url });
    const error = await badGetter.getEntitlements().catch((caught: unknown) => caught);
    assert.ok(error instanceof PlanshipApiError);

    const withSecret = customerClient(server, 'ada@example.com');
    const realToken = (await withSecret.getAccessToken()).accessToken;
    await withSecret.listSubscriptions();
    const notFound = await withSecret.getPlan('no-such-plan').catch((caught: unknown) => caught);
    assert.ok(notFound instanceof PlanshipApiError);

    const basic = Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64');
    const texts = [
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      String(notFound),
      inspect(notFound, { depth: 10, showHidden: true }),
      inspect(badGetter, { depth: 10, showHidden: true }),
      inspect(withSecret, { depth: 10, showHidden: true }),
      String(withSecret),
    ];
    for (const text of texts) {
      for (const secret of [token, realToken, CREDENTIALS.clientSecret, basic]) {
        assert.ok(!text.includes(secret), `a secret leaked into: ${text.slice(0, 120)}`);
      }
    }
  });
});
