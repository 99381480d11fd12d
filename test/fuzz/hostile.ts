// Property test: sequences of hostile requests (fast-check, seeded) against a real server over
// real HTTP, as the host backend, two customers' tokens, a read-only client and strangers.
// After every sequence: no answer was a 5xx, the server still answers and logged no unexpected
// error, every usage total equals the sum of the reports it accepted, and neither customer's
// token ever got the other's personal data or a 2xx on a path naming the other.
// `test/node/fuzz.test.ts` runs a short seeded round in `npm test`; `npm run fuzz` a long one.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { BASIC, backendCall } from '../fixtures/backend-call.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';

const PRODUCT = 'acme-analytics';
const METERING_IDS = ['api-calls', 'ai-insights'] as const;
const READ_ONLY = 'Basic ' + Buffer.from('reporting-client:reporting-secret').toString('base64');

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Requests per sequence (each run is one sequence). */
  requestsPerRun?: number;
}

export interface FuzzResult {
  requests: number;
  statuses: Record<string, number>;
}

interface Customer {
  id: string;
  alternativeId: string;
  email: string;
  name: string;
  subscriptionId: string;
  token: string;
}

type Caller = 'admin' | 'a' | 'b' | 'read-only' | 'none' | 'garbage';

interface HostileRequest {
  caller: Caller;
  method: string;
  path: string;
  body?: string;
  idempotencyKey?: string;
}

interface Answer {
  status: number;
  text: string;
  /** An Idempotency-Key replay: the first answer again, nothing applied. */
  replayed: boolean;
}

// --- the world: a server and two customers with subscriptions ---------------------------------

async function world(): Promise<{ server: RunningServer; logs: string[]; a: Customer; b: Customer; c: string }> {
  const logs: string[] = [];
  const server = await startServer({ catalog: testCatalog(), tokenTtlSeconds: 86_400, log: (message) => logs.push(message) });
  // Mid-month at noon (UTC): a run never crosses a usage period boundary.
  const now = new Date(Date.parse((await backendCall(server.url, 'POST', '/__emulator/clock', { advance_seconds: 0 })).body.now));
  const target = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 15, 12);
  await backendCall(server.url, 'POST', '/__emulator/clock', { advance_seconds: (target - now.getTime()) / 1000 });
  const make = async (label: string, plan?: string): Promise<Customer> => {
    const unique = `fuzz-${label}-${Math.random().toString(36).slice(2, 10)}`;
    const created = await backendCall(server.url, 'POST', '/api/v1/customers', { alternative_id: unique, email: `${unique}@example.com`, name: `Name ${unique}` });
    const id = created.body.id as string;
    const subscribed = plan ? await backendCall(server.url, 'POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { customer_id: id }) : undefined;
    const token = (await backendCall(server.url, 'POST', '/api/v1/auth/customer-token', { customer_id: id })).body.access_token;
    return { id, alternativeId: unique, email: `${unique}@example.com`, name: `Name ${unique}`, subscriptionId: subscribed?.body.id, token };
  };
  const a = await make('a', 'business');
  const b = await make('b', 'pro');
  const c = await make('c');
  return { server, logs, a, b, c: c.id };
}

// --- hostile requests ----------------------------------------------------------------------------

const weirdText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '..', '%', '%00', '__proto__', 'constructor', 'null', '-1', '1e308', 'NaN', ' ', '\u0000', 'a'.repeat(300)),
);

/** A JSON value nested `levels` deep, as text (beyond the body limit of 32). */
const deepJson = fc.integer({ min: 30, max: 3000 }).map((levels) => '['.repeat(levels) + ']'.repeat(levels));

const hostileNumber = fc.oneof(
  fc.integer({ min: 0, max: 1000 }),
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, 1e12, 1e12 + 1, 2 ** 53 - 1, 2 ** 53, 1e308, -0),
  fc.double(),
);

function bodies(ids: string[]) {
  const id = fc.constantFrom(...ids);
  const metadata = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(weirdText, weirdText, { maxKeys: 5 }), fc.constant({ blob: 'x'.repeat(40_000) }));
  const objectBody = fc.oneof(
    fc.record({ usage: hostileNumber, bucket: fc.option(weirdText, { nil: undefined }), subscription_id: fc.option(fc.oneof(id, fc.uuid()), { nil: undefined }) }, { requiredKeys: ['usage'] }),
    fc.record({ customer_id: fc.oneof(id, weirdText), metadata, is_administrator: fc.boolean(), is_subscriber: fc.boolean() }, { requiredKeys: [] }),
    fc.record({ plan_slug: fc.constantFrom('free', 'pro', 'enterprise', 'legacy-2019', 'nope'), max_subscribers: hostileNumber, is_active: fc.boolean(), renew_at: weirdText, auto_renew: fc.anything() }, { requiredKeys: [] }),
    fc.record({ alternative_id: weirdText, email: weirdText, name: weirdText, metadata }, { requiredKeys: [] }),
    fc.record({ advance_seconds: hostileNumber, refuse_seconds: hostileNumber, expires_in: hostileNumber, customer_id: id }, { requiredKeys: [] }),
    fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'usage', 'metadata', 'customer_id'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: objectBody.map((body) => JSON.stringify(body)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: deepJson.map((deep) => `{"metadata": ${deep}, "usage": 1, "customer_id": "x"}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  );
}

function requests(w: { a: Customer; b: Customer; c: string }) {
  const customers = [w.a.id, w.b.id, w.c, w.a.alternativeId, w.b.alternativeId, 'nobody', '00000000-0000-0000-0000-000000000000'];
  const customerRef = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...customers) }, { weight: 1, arbitrary: weirdText });
  const subscription = fc.oneof(fc.constantFrom(w.a.subscriptionId, w.b.subscriptionId), fc.uuid(), weirdText);
  const metering = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...METERING_IDS) }, { weight: 1, arbitrary: weirdText });
  const product = fc.oneof({ weight: 6, arbitrary: fc.constant(PRODUCT) }, { weight: 1, arbitrary: weirdText });
  const seg = (value: string) => encodeURIComponent(value);
  /** A route's path with the methods it answers (a hostile caller mostly uses those, sometimes any). */
  const route = (methods: string[], path: fc.Arbitrary<string>) => path.map((value) => ({ methods, path: value }));
  const routes = fc.oneof(
    { weight: 6, arbitrary: route(['GET', 'POST'], fc.tuple(customerRef, product, metering).map(([c, p, m]) => `/api/v1/customers/${seg(c)}/products/${seg(p)}/usage/${seg(m)}`)) },
    route(['GET'], fc.tuple(customerRef, product).map(([c, p]) => `/api/v1/customers/${seg(c)}/products/${seg(p)}/entitlements`)),
    route(['GET'], fc.tuple(customerRef, product, fc.constantFrom('api-calls', 'api-burst', 'ai-insights', 'sso')).map(([c, p, l]) => `/api/v1/customers/${seg(c)}/products/${seg(p)}/levers/${l}/usage`)),
    route(['GET'], customerRef.map((c) => `/api/v1/customers/${seg(c)}/subscriptions`)),
    { weight: 2, arbitrary: route(['GET', 'PATCH'], fc.tuple(customerRef, subscription).map(([c, s]) => `/api/v1/customers/${seg(c)}/subscriptions/${seg(s)}`)) },
    { weight: 2, arbitrary: route(['GET', 'POST'], fc.tuple(customerRef, subscription).map(([c, s]) => `/api/v1/customers/${seg(c)}/subscriptions/${seg(s)}/customers`)) },
    route(['DELETE'], fc.tuple(customerRef, subscription, customerRef).map(([c, s, m]) => `/api/v1/customers/${seg(c)}/subscriptions/${seg(s)}/customers/${seg(m)}`)),
    { weight: 2, arbitrary: route(['POST'], fc.constantFrom('free', 'pro', 'business', 'enterprise', 'nope').map((plan) => `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`)) },
    route(['GET', 'PATCH', 'DELETE'], customerRef.map((c) => `/api/v1/customers/${seg(c)}`)),
    route(['GET'], customerRef.map((c) => `/api/v1/customers/${seg(c)}/state`)),
    route(['GET', 'PATCH', 'DELETE'], customerRef.map((c) => `/api/v1/customers/external/${seg(c)}`)),
    { weight: 2, arbitrary: route(['GET', 'POST'], fc.constantFrom('/api/v1/customers', '/api/v1/customers?query=fuzz&limit=1000', '/api/v1/customers/export', '/api/v1/auth/customer-token', '/api/v1/auth/token')) },
    route(['GET', 'POST'], fc.constantFrom('/__emulator/reset', '/__emulator/clock', '/__emulator/sockets/close', '/__emulator/sockets', '/api/v1/health', `/api/v1/products/${PRODUCT}/plans?order_by=-x`)),
  );
  const anyMethod = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD');
  const request = fc
    .record({
      caller: fc.constantFrom<Caller>('admin', 'admin', 'a', 'a', 'a', 'b', 'b', 'read-only', 'none', 'garbage'),
      target: fc.tuple(routes, fc.nat(), fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anyMethod })),
      body: fc.option(bodies([w.a.id, w.b.id, w.c, w.a.alternativeId]), { nil: undefined, freq: 6 }),
      idempotencyKey: fc.option(fc.oneof(fc.constantFrom('k1', 'k2'), weirdText.filter((key) => /^[\x21-\x7e]*$/.test(key))), { nil: undefined }),
    })
    .map(({ caller, target: [{ methods, path }, pick, odd], body, idempotencyKey }): HostileRequest => ({
      caller,
      method: odd ?? methods[pick % methods.length],
      path,
      body,
      idempotencyKey,
    }));
  // Requests that would end the world the invariants are about: the admin resetting, moving
  // the clock, or deleting one of the two customers. Customers' tokens may try (and get 403).
  return request.filter((r) => {
    if (r.caller !== 'admin') return true;
    if (r.path === '/__emulator/reset' || r.path === '/__emulator/clock') return false;
    const deletesAOrB = r.method === 'DELETE' && [w.a, w.b].some((x) => [x.id, x.alternativeId].some((ref) => r.path === `/api/v1/customers/${encodeURIComponent(ref)}` || r.path === `/api/v1/customers/external/${encodeURIComponent(ref)}`));
    return !deletesAOrB;
  });
}

// --- sending ------------------------------------------------------------------------------------

function sender(server: RunningServer, w: { a: Customer; b: Customer }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const { hostname, port } = new URL(server.url);
  const authorization: Record<Caller, string | undefined> = {
    admin: BASIC,
    a: `Bearer ${w.a.token}`,
    b: `Bearer ${w.b.token}`,
    'read-only': READ_ONLY,
    none: undefined,
    garbage: 'Bearer \u00ff\u00fe not a token',
  };
  const send = (hostile: HostileRequest): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      const auth = authorization[hostile.caller];
      if (auth) headers.authorization = auth.replace(/[^\x20-\x7e]/g, '?');
      if (hostile.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(hostile.body));
      }
      if (hostile.idempotencyKey !== undefined) headers['idempotency-key'] = hostile.idempotencyKey;
      const outgoing = request({ agent, hostname, port, method: hostile.method, path: hostile.path, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text, replayed: response.headers['idempotent-replayed'] === 'true' }));
      });
      outgoing.on('error', reject);
      outgoing.end(hostile.body);
    });
  return { send, close: () => agent.destroy() };
}

// --- invariants ---------------------------------------------------------------------------------

/** Accepted usage per subscription and metering id, from the answers of accepted reports. */
class UsageModel {
  private readonly sums = new Map<string, number>();

  accept(answer: Answer): void {
    const record = JSON.parse(answer.text) as { subscription_id: string; metering_id: string; usage: number };
    const key = `${record.subscription_id}/${record.metering_id}`;
    this.sums.set(key, (this.sums.get(key) ?? 0) + record.usage);
  }

  expected(subscriptionId: string, meteringId: string): number {
    return this.sums.get(`${subscriptionId}/${meteringId}`) ?? 0;
  }
}

function checkIsolation(hostile: HostileRequest, answer: Answer, self: Customer, other: Customer): void {
  for (const secret of [other.email, other.alternativeId, other.name, other.token]) {
    assert.ok(!answer.text.includes(secret), `${hostile.caller} ${hostile.method} ${hostile.path} showed another customer's ${secret}`);
  }
  const named = /^\/api\/v1\/customers\/([^/?]+)/.exec(hostile.path)?.[1];
  const namesOther = named !== undefined && [other.id, other.alternativeId].includes(decodeURIComponent(named));
  // A CORS preflight (204, no body) is no access.
  if (namesOther && hostile.method !== 'OPTIONS') assert.ok(answer.status >= 400, `${hostile.caller} ${hostile.method} ${hostile.path} answered ${answer.status}`);
  assert.ok(!answer.text.includes(self.token), 'a token never comes back in an answer');
}

async function checkUsage(server: RunningServer, model: UsageModel, customers: Customer[]): Promise<void> {
  for (const customer of customers) {
    for (const [lever, meteringId] of [['api-calls', 'api-calls'], ['ai-insights', 'ai-insights']] as const) {
      const answer = await backendCall(server.url, 'GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/levers/${lever}/usage`);
      assert.equal(answer.status, 200, `usage of ${lever} for ${customer.alternativeId}: ${JSON.stringify(answer.body)}`);
      const usage = answer.body;
      let total = 0;
      for (const [subscriptionId, entries] of Object.entries(usage.by_subscription as Record<string, { usage: number }[]>)) {
        const sum = entries.reduce((acc, entry) => acc + entry.usage, 0);
        assert.equal(sum, model.expected(subscriptionId, meteringId), `usage of ${meteringId} in ${subscriptionId}`);
        total += sum;
      }
      assert.equal(usage.total, total, `the total of ${lever} for ${customer.alternativeId}`);
    }
  }
}

export async function fuzzHostileRequests({ runs, seed, requestsPerRun = 25 }: FuzzOptions): Promise<FuzzResult> {
  const w = await world();
  const { send, close } = sender(w.server, w);
  const model = new UsageModel();
  const result: FuzzResult = { requests: 0, statuses: {} };
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(requests(w), { minLength: Math.ceil(requestsPerRun / 2), maxLength: requestsPerRun }), async (sequence) => {
        for (const hostile of sequence) {
          const answer = await send(hostile);
          result.requests += 1;
          result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
          assert.ok(answer.status < 500, `${hostile.caller} ${hostile.method} ${hostile.path} ${hostile.body?.slice(0, 200)} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
          if (hostile.method === 'POST' && answer.status === 200 && !answer.replayed && /\/usage\/[^/]+$/.test(hostile.path)) model.accept(answer);
          if (hostile.caller === 'a') checkIsolation(hostile, answer, w.a, w.b);
          if (hostile.caller === 'b') checkIsolation(hostile, answer, w.b, w.a);
        }
        assert.equal((await send({ caller: 'none', method: 'GET', path: '/api/v1/health' })).status, 200, 'the server still answers');
        assert.deepEqual(w.logs.filter((line) => line.includes('unexpected error')), []);
        await checkUsage(w.server, model, [w.a, w.b]);
      }),
      { numRuns: runs, seed, endOnFailure: true, includeErrorInReport: true },
    );
  } finally {
    close();
    await w.server.close();
  }
  return result;
}
