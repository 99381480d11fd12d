// createPlanshipGateway's options as a host gives them: each refusal names the option it cannot
// use, basePath is taken however its slashes are written, and the one-process warning names the
// serverless platform it recognised.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createPlanshipGateway, GatewayOptionsError, type PlanshipGatewayOptions } from '../../src/gateway/index.ts';
import { PRODUCT_CLIENT } from '../fixtures/test-catalog.ts';
import { PRODUCT, startGatewayHost } from './gateway-helpers.ts';

const base: PlanshipGatewayOptions = { productSlug: PRODUCT, ...PRODUCT_CLIENT, baseUrl: 'http://127.0.0.1:9', identify: () => null, log: () => {} };

/** The GatewayOptionsError message `options` are refused with (fails when they are accepted). */
function refusal(options: Partial<PlanshipGatewayOptions>): string {
  try {
    void createPlanshipGateway({ ...base, ...options } as PlanshipGatewayOptions).close();
  } catch (error) {
    assert.ok(error instanceof GatewayOptionsError, String(error));
    return error.message;
  }
  assert.fail(`${JSON.stringify(options)} was accepted`);
}

describe('options the gateway cannot use are refused by name', () => {
  it('productSlug, clientId and clientSecret: missing, empty or not a string', () => {
    for (const name of ['productSlug', 'clientId', 'clientSecret'] as const) {
      for (const value of [undefined, '', 42]) {
        assert.equal(refusal({ [name]: value as never }), `${name} is required`, `${name}: ${String(value)}`);
      }
    }
  });

  it('every duration and bound must be a positive number, and the message says which', () => {
    const numeric = ['timeoutMs', 'catalogTtlMs', 'heartbeatMs', 'idleMs', 'sessionCheckMs', 'maxPagesPerCustomer', 'maxPages', 'checkoutTimeoutMs', 'bodyTimeoutMs'] as const;
    for (const name of numeric) {
      for (const value of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.equal(refusal({ [name]: value }), `${name} must be a positive number`, `${name}: ${value}`);
      }
    }
    const invitations = { acceptUrl: 'https://app.example/billing', send: () => {} };
    for (const name of ['ttlMs', 'maxPending', 'maxPerDay'] as const) {
      assert.equal(refusal({ invitations: { ...invitations, [name]: 0 } }), `invitations.${name} must be a positive number`);
    }
  });
});

describe('hooks and prices the gateway cannot use are refused by name', () => {
  it('writeLock, checkout, billingPortal and onCancel that are not functions', () => {
    assert.equal(refusal({ writeLock: 'redis' as never }), 'writeLock must be a function, e.g. redisWriteLock(client)');
    assert.equal(refusal({ checkout: {} as never }), 'checkout must be a function (change, user) => { url } | true | false');
    assert.equal(refusal({ billingPortal: 'https://billing.example' as never }), 'billingPortal must be a function (user) => url');
    assert.equal(refusal({ onCancel: 1 as never }), 'onCancel must be a function (cancellation, user) => void');
  });

  it('prices that are not an object, or a price without a finite amount of at least 0 and a currency', () => {
    assert.equal(refusal({ prices: 'cheap' as never }), 'prices must be an object of plan slug to price(s)');
    const needs = (slug: string) => `prices.${slug}: each price needs an amount (a number, at least 0) and a currency`;
    for (const price of [{ amount: -1, currency: 'USD' }, { amount: Number.POSITIVE_INFINITY, currency: 'USD' }, { amount: '5', currency: 'USD' }, { amount: 5 }, { amount: 5, currency: '' }, null]) {
      assert.equal(refusal({ prices: { pro: price as never } }), needs('pro'), JSON.stringify(price));
    }
    assert.equal(refusal({ prices: { pro: [{ amount: 5, currency: 'USD', interval: 'month' }, { amount: 50 } as never] } }), needs('pro'), 'one bad price of several');
    // A free plan and a list of prices are fine.
    void createPlanshipGateway({ ...base, prices: { free: { amount: 0, currency: 'USD' }, pro: [{ amount: 5, currency: 'USD', interval: 'month' }] } }).close();
  });
});

describe('basePath', () => {
  const hosts: Awaited<ReturnType<typeof startGatewayHost>>[] = [];
  after(() => Promise.all(hosts.map((host) => host.close())));

  it('extra slashes at either end are dropped; slashes inside are kept', async () => {
    const host = await startGatewayHost({ basePath: '//portal/billing//' });
    hosts.push(host);
    const product = `/api/v1/products/${PRODUCT}`;
    const mounted = await fetch(`${host.origin}/portal/billing${product}`);
    assert.equal(mounted.status, 200, 'mounted at /portal/billing');
    assert.equal((await mounted.json()).slug, PRODUCT);
    for (const elsewhere of ['/portalbilling', '/portal', '/billing']) {
      const answer = await host.gateway.handleRequest(new Request(`${host.origin}${elsewhere}${product}`));
      assert.equal(answer.status, 404, `${elsewhere} is not the gateway's`);
    }
  });
});

describe('the one-process warning names the platform', () => {
  const PLATFORMS = ['VERCEL', 'NETLIFY', 'AWS_LAMBDA_FUNCTION_NAME', 'FUNCTIONS_WORKER_RUNTIME', 'K_SERVICE', 'FUNCTION_TARGET'];

  it('each serverless platform variable, alone, brings the warning and is named in it', () => {
    const saved = Object.fromEntries(['NODE_ENV', ...PLATFORMS].map((name) => [name, process.env[name]]));
    try {
      for (const name of Object.keys(saved)) delete process.env[name];
      for (const platform of PLATFORMS) {
        process.env[platform] = 'set-by-the-platform';
        const lines: string[] = [];
        void createPlanshipGateway({ ...base, log: (line) => lines.push(line) }).close();
        delete process.env[platform];
        assert.equal(lines.length, 1, platform);
        assert.match(lines[0], new RegExp(`a serverless platform \\(${platform} is set\\), writes of a customer run in turn in this process only`));
      }
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
