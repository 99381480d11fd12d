// A gateway set up for a product Planship does not have (a wrong productSlug), or whose identify()
// answers what is no user: a configuration error, not an outage. The page gets 500
// `type: "misconfigured"` (its client: kind `misconfigured`, no retry), the host's log says what
// to check, and the customer the gateway remembers is not forgotten for it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlanshipApiError, PlanshipCustomer } from '../../src/client/index.ts';
import { signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

const WRONG = 'acme-analytic';
let host: GatewayHost;
const logged: string[] = [];

before(async () => {
  host = await startGatewayHost({
    productSlug: WRONG,
    log: (line) => logged.push(line),
    // The catalog reads answer last, so a customer read's 404 for the product (Planship's
    // entitlements of a product it does not have) always arrives first.
    fetch: async (input, init) => {
      const path = new URL(String(input)).pathname;
      if (path.startsWith(`/api/v1/products/${WRONG}`)) await new Promise((resolve) => setTimeout(resolve, 150));
      return fetch(input, init);
    },
  });
});
after(() => host.close());

const MISCONFIGURED = { detail: 'The billing portal is not set up correctly.', type: 'misconfigured' };
const logLine = (apiUrl: string) =>
  new RegExp(
    `^planship gateway: Planship has no product "${WRONG}" \\(GET ${apiUrl.replaceAll('.', '\\.')}/api/v1/products/${WRONG}(/levers|/plans(\\?public_only=true)?)? answered 404\\): check the gateway's productSlug and baseUrl, and that clientId is a client of the organization that has this product$`,
  );

describe('a product Planship does not have', () => {
  it('the first-render answer is 500 "misconfigured" for a user with and without a customer; the log says which product', async () => {
    for (const plan of [undefined, 'pro']) {
      const person = await signedInPerson(host, plan);
      logged.length = 0;
      const lookups = () => host.upstream.filter((record) => record.path === `/api/v1/customers/${encodeURIComponent(person.userId)}`).length;
      const portal = await host.call('GET', '/portal', { session: person.session });
      assert.equal(portal.status, 500, portal.text);
      assert.deepEqual(portal.body, MISCONFIGURED);
      assert.equal(logged.length, 1, logged.join('\n'));
      assert.match(logged[0], logLine(host.api.url));
      // Not mistaken for a customer Planship no longer has: the customer is still known.
      const before = lookups();
      assert.deepEqual((await host.call('GET', '/portal', { session: person.session })).body, MISCONFIGURED);
      assert.equal(lookups(), before, 'the customer was not looked up again');
    }
  });

  it('catalog reads through the gateway say so too, and the client calls it kind "misconfigured" without retrying', async () => {
    const { session } = await signedInPerson(host, 'pro');
    for (const path of [`/api/v1/products/${WRONG}`, `/api/v1/products/${WRONG}/plans`, `/api/v1/products/${WRONG}/levers`]) {
      const answer = await host.call('GET', path, { session });
      assert.equal(answer.status, 500, `${path}: ${answer.text}`);
      assert.deepEqual(answer.body, MISCONFIGURED, path);
    }
    const pageRequests: string[] = [];
    const client = new PlanshipCustomer(WRONG, 'me', null, {
      baseUrl: `${host.origin}/planship`,
      fetch: (input, init) => {
        pageRequests.push(new URL(String(input)).pathname);
        return fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie: `session=${session}` } });
      },
    });
    for (const read of [() => client.getProduct(), () => client.listPlans()]) {
      await assert.rejects(read(), (error: unknown) => error instanceof PlanshipApiError && error.kind === 'misconfigured' && error.status === 500);
    }
    // One /portal (the first read's), then each read once: nothing retried.
    assert.deepEqual(pageRequests, ['/planship/portal', `/planship/api/v1/products/${WRONG}`, `/planship/api/v1/products/${WRONG}/plans`]);
    client.dispose?.();
  });
});

describe("identify() answers what is no user", () => {
  it('an id that is no string, empty or over 256 characters: 500 "misconfigured", and the log says what identify must answer', async () => {
    for (const user of [{ id: 42 }, { id: '' }, { id: 'x'.repeat(257) }, { name: 'Ada' }, 'ada']) {
      const lines: string[] = [];
      const odd = await startGatewayHost({ identify: () => user as never, log: (line) => lines.push(line) });
      try {
        const portal = await odd.call('GET', '/portal');
        assert.equal(portal.status, 500, JSON.stringify(user));
        assert.deepEqual(portal.body, MISCONFIGURED);
        assert.deepEqual(lines, ['planship gateway: identify() must answer { id: string (1..256 characters) } or null']);
        assert.equal(odd.upstream.filter((record) => record.path.startsWith('/api/v1/customers')).length, 0, 'nothing looked up');
      } finally {
        await odd.close();
      }
    }
  });
});
