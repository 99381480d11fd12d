// Concurrency, idempotency, body limits, error shapes, CORS, and "bad input never answers 500".
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Auth, secretsMatch } from '../../src/server/auth.ts';
import { loadCatalog } from '../../src/server/catalog.ts';
import { Clock } from '../../src/server/clock.ts';
import { createRequestHandler } from '../../src/server/http.ts';
import { IdempotencyCache } from '../../src/server/idempotency.ts';
import { waitFor } from './client-helpers.ts';
import { BASIC, PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;

before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

const usagePath = (customer: string, meteringId = 'api-calls') => `/api/v1/customers/${customer}/products/${PRODUCT}/usage/${meteringId}`;
/** A POST of `text` as JSON with the demo client's credentials (malformed or hostile text included). */
const postJsonText = (path: string, text: string) => api.call('POST', path, { token: 'basic', rawBody: text, headers: { 'content-type': 'application/json' } });

describe('concurrency', () => {
  it('1,000 concurrent usage reports sum exactly', async () => {
    const customer = await api.createCustomer({ plan: 'business' });
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, index) => api.admin('POST', usagePath(customer.id), { usage: (index % 7) + 1, bucket: `b${index % 3}` })),
    );
    assert.ok(answers.every((answer) => answer.status === 200));
    const expected = Array.from({ length: 1000 }, (_, index) => (index % 7) + 1).reduce((sum, value) => sum + value, 0);
    const usage = await api.admin('GET', `/api/v1/customers/${customer.id}/products/${PRODUCT}/levers/api-calls/usage`);
    assert.equal(usage.body.total, expected);
    assert.equal(usage.body.by_bucket.b0 + usage.body.by_bucket.b1 + usage.body.by_bucket.b2, expected);
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 1000000 - expected);
  });
});

describe('Idempotency-Key', () => {
  it('a retried usage report is applied once and answered with the first result', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const headers = { 'idempotency-key': 'usage-retry-1' };
    const first = await api.admin('POST', usagePath(customer.id), { usage: 10 }, headers);
    const retry = await api.admin('POST', usagePath(customer.id), { usage: 10 }, headers);
    assert.equal(first.status, 200);
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 990);
    await api.admin('POST', usagePath(customer.id), { usage: 10 }, { 'idempotency-key': 'usage-retry-2' });
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 980, 'another key is another report');
  });

  it('concurrent retries with one key count once (replayed from the stored answer)', async () => {
    // The usage handler answers synchronously, so each retry finds the first answer stored; a
    // retry that arrives while the first attempt still runs is tested with a held-back handler
    // in server-idempotency.test.ts.
    const customer = await api.createCustomer({ plan: 'free' });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api.admin('POST', usagePath(customer.id), { usage: 3 }, { 'idempotency-key': 'burst' })),
    );
    assert.ok(answers.every((answer) => answer.status === 200 && answer.body.id === answers[0].body.id));
    assert.equal(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true').length, 19);
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 997);
  });

  it('a retried subscription create creates one subscription', async () => {
    const customer = await api.createCustomer();
    const path = `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`;
    const headers = { 'idempotency-key': `create-${customer.id}` };
    const first = await api.admin('POST', path, { customer_id: customer.id }, headers);
    const retry = await api.admin('POST', path, { customer_id: customer.id }, headers);
    assert.equal(retry.body.id, first.body.id);
    assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions`)).body.length, 1);
  });

  it('the key is scoped per caller and path; another body with the same key is a 409', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const headers = { 'idempotency-key': 'scoped' };
    await api.admin('POST', usagePath(customer.id), { usage: 1 }, headers);
    const metering = 'Basic ' + Buffer.from('metering-client:metering-secret').toString('base64');
    const otherCaller = await api.call('POST', usagePath(customer.id), { authorization: metering, body: { usage: 1 }, headers });
    assert.equal(otherCaller.headers.get('idempotent-replayed'), null, 'another caller');
    const otherPath = await api.admin('POST', usagePath(customer.id, 'ai-insights'), { usage: 1 }, headers);
    assert.equal(otherPath.headers.get('idempotent-replayed'), null, 'another path');
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 998);
    const mismatch = await api.admin('POST', usagePath(customer.id), { usage: 2 }, headers);
    assert.equal(mismatch.status, 409);
  });

  it('a failed request is not remembered: the retry runs again', async () => {
    const customer = await api.createCustomer();
    const headers = { 'idempotency-key': `late-${customer.id}` };
    assert.equal((await api.admin('POST', usagePath(customer.id), { usage: 5 }, headers)).status, 409);
    await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/free/subscriptions`, { customer_id: customer.id });
    assert.equal((await api.admin('POST', usagePath(customer.id), { usage: 5 }, headers)).status, 200);
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 995);
  });
});

describe('bodies and error shapes', () => {
  it('413 for a body over 1 MiB (declared or streamed)', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const big = JSON.stringify({ usage: 1, bucket: 'x'.repeat(1024 * 1024) });
    const declared = await postJsonText(usagePath(customer.id), big);
    assert.equal(declared.status, 413);
    assert.equal(typeof declared.body.detail, 'string');
    const streamed = await fetch(api.url + usagePath(customer.id), {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let index = 0; index < 20; index += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 1000, 'nothing was applied');
  });

  it('400 for malformed JSON', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const answer = await postJsonText(usagePath(customer.id), '{"usage": 1');
    assert.equal(answer.status, 400);
    assert.deepEqual(Object.keys(answer.body), ['detail']);
    assert.equal(typeof answer.body.detail, 'string');
  });

  it('422 lists every problem as {loc, msg, type}', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const answer = await api.admin('POST', usagePath(customer.id), { usage: 'many', bucket: 7, subscription_id: false });
    assert.equal(answer.status, 422);
    assert.equal(answer.body.detail.length, 3);
    for (const issue of answer.body.detail) {
      assert.deepEqual(Object.keys(issue).sort(), ['loc', 'msg', 'type']);
      assert.equal(issue.loc[0], 'body');
      assert.equal(typeof issue.msg, 'string');
      assert.equal(typeof issue.type, 'string');
    }
  });

  it("422 as FastAPI words it: a body that is not an object, a string over its length", async () => {
    for (const body of ['"text"', '42', '[]', 'null', 'true']) {
      const answer = await postJsonText('/api/v1/customers', body);
      assert.equal(answer.status, 422, body);
      assert.deepEqual(answer.body.detail, [{ loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', type: 'model_attributes_type' }], body);
    }
    const active = await api.admin('GET', '/api/v1/customers?active=maybe');
    assert.deepEqual(active.body.detail, [{ loc: ['query', 'active'], msg: 'Input should be a valid boolean, unable to interpret input', type: 'bool_parsing' }]);
    // The metadata rules of an update (creation keeps Planship's free-form object).
    const key = await api.admin('PATCH', `/api/v1/customers/${(await api.createCustomer()).id}`, { metadata: { ['k'.repeat(41)]: 1 } });
    assert.deepEqual(key.body.detail.map((issue: { msg: string; type: string }) => [issue.msg, issue.type]), [['Keys should have 1 to 40 characters', 'string_too_long']]);
    const long = await api.admin('POST', '/api/v1/customers', { name: 'x'.repeat(257) });
    assert.deepEqual(long.body.detail, [{ loc: ['body', 'name'], msg: 'String should have at most 256 characters', type: 'string_too_long' }]);
    assert.equal((await api.admin('POST', '/api/v1/customers', { name: 'x'.repeat(256) })).status, 200, 'exactly the maximum');
    const number = await api.admin('POST', '/api/v1/customers', { name: 42 });
    assert.deepEqual(number.body.detail, [{ loc: ['body', 'name'], msg: 'Input should be a valid string', type: 'string_type' }]);
    // JSON has no Infinity, but 1e999 parses to it.
    const customer = await api.createCustomer({ plan: 'free' });
    const infinite = await postJsonText(usagePath(customer.id), '{"usage": 1e999}');
    assert.deepEqual(infinite.body.detail, [{ loc: ['body', 'usage'], msg: 'Input should be a finite number', type: 'finite_number' }]);
  });

  it('an unknown route is 404 "Not Found"; 401s name the Bearer scheme; every answer is JSON', async () => {
    const unknown = await api.call('GET', '/api/v1/no-such-route', { token: 'basic' });
    assert.deepEqual([unknown.status, unknown.body, unknown.headers.get('content-type')], [404, { detail: 'Not Found' }, 'application/json']);
    const anonymous = await api.call('GET', `/api/v1/products/${PRODUCT}`);
    assert.deepEqual([anonymous.status, anonymous.headers.get('www-authenticate'), anonymous.headers.get('content-type')], [401, 'Bearer', 'application/json']);
  });

  it('never answers 500 to bad input on any route', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const base = `/api/v1/customers/${customer.id}`;
    const targets: [string, string][] = [
      ['POST', '/api/v1/auth/token'],
      ['POST', '/api/v1/auth/customer-token'],
      ['POST', '/api/v1/customers'],
      ['POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`],
      ['PATCH', `${base}/subscriptions/${customer.subscriptionId}`],
      ['POST', `${base}/subscriptions/${customer.subscriptionId}/customers`],
      ['POST', usagePath(customer.id)],
      ['POST', '/__emulator/clock'],
      ['POST', '/__emulator/sockets/close'],
      ['GET', `/api/v1/products/${PRODUCT}/plans?order_by=%ZZ&public_only=%00`],
      ['GET', `/api/v1/customers/%E0%A4%A/subscriptions`],
      // Customer management (issue 5).
      ['GET', '/api/v1/customers?page=0&limit=-1&sorting=%ZZ&active=maybe&metadata[=x&email=%00'],
      ['GET', '/api/v1/customers?page=1e308&limit=NaN&sorting=-&sorting=name&metadata%5Bk%5D=%E0%A4%A'],
      ['GET', '/api/v1/customers/export?x=%ZZ'],
      ['PATCH', base],
      ['GET', `${base}/state`],
      ['GET', `/api/v1/customers/external/${encodeURIComponent(customer.alternativeId)}`],
      ['PATCH', `/api/v1/customers/external/${encodeURIComponent(customer.alternativeId)}`],
      ['GET', `/api/v1/customers/external/${encodeURIComponent(customer.alternativeId)}/state`],
      ['GET', '/api/v1/customers/external/%E0%A4%A/state'],
      ['DELETE', `/api/v1/customers/external/nobody-${Date.now()}?anonymize=perhaps`],
      ['DELETE', `${base}?anonymize=%ZZ`],
    ];
    const bodies = ['null', '[]', '"text"', '42', 'true', '{"usage": {"$gt": 1}}', '{"customer_id": ["x"], "plan_slug": {}, "metadata": []}',
      '{"renew_at": "2020-13-45T99:99:99Z", "max_subscribers": 1e308, "advance_seconds": 1e308}', '{"__proto__": {"admin": true}}', '\u0000', ''];
    for (const [method, path] of targets) {
      for (const rawBody of bodies) {
        const body = method === 'GET' || method === 'DELETE' ? {} : { rawBody, headers: { 'content-type': 'application/json' } };
        const answer = await api.call(method, path, { token: 'basic', ...body });
        assert.ok(answer.status < 500, `${method} ${path} with ${JSON.stringify(rawBody)} answered ${answer.status}`);
        const csv = answer.status === 200 && answer.headers.get('content-type')?.startsWith('text/csv');
        assert.ok(csv || (answer.body && typeof answer.body === 'object'), `${method} ${path}: JSON answer`);
      }
    }
  });

  it('an unexpected exception answers 500 without leaking, and the log has no token (simulated fault)', async () => {
    const catalog = loadCatalog();
    const clock = new Clock();
    const auth = new Auth(catalog, clock, 3600, () => true);
    const logs: string[] = [];
    const handler = createRequestHandler({
      routes: [{ method: 'GET', path: '/boom', auth: true, handler: () => { throw new Error('database exploded'); } }],
      auth,
      idempotency: new IdempotencyCache(() => clock.now()),
      corsOrigins: '*',
      log: (message) => logs.push(message),
    });
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const token = auth.issueProductToken(catalog.clients[0]).access_token;
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom?x=1`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { detail: 'Internal Server Error' });
      assert.equal(logs.length, 1);
      assert.match(logs[0], /GET \/boom/);
      assert.ok(!logs[0].includes(token), 'no token in the log');
    } finally {
      server.close();
    }
  });
});

describe('aborted uploads and secrets (attack 8)', () => {
  it('a client that hangs up mid-upload is logged as one short line, with no stack and nothing applied', async () => {
    const logs: string[] = [];
    const own = await startTestServer({ log: (message) => logs.push(message) });
    try {
      const customer = await own.createCustomer({ plan: 'pro' });
      const socket = connect(own.server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        `POST ${usagePath(customer.id)} HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"usage": 1',
      );
      await new Promise((resolve) => setImmediate(resolve));
      socket.destroy();
      await waitFor(() => logs.length > 0, 'the log line');
      assert.equal(logs.length, 1);
      assert.equal(logs[0], `planship server: client closed the connection during POST ${usagePath(customer.id)}`);
      assert.equal((await own.entitlements(customer.id)).body['api-calls'], 100_000);
    } finally {
      await own.server.close();
    }
  });

  it('client secrets are compared in constant time (equal-length digests)', () => {
    assert.equal(secretsMatch('demo-secret', 'demo-secret'), true);
    assert.equal(secretsMatch('demo-secret', 'demo-secreT'), false);
    assert.equal(secretsMatch('demo-secret', 'demo'), false, 'another length is no error');
    assert.equal(secretsMatch('demo-secret', 'demo-secret-and-more'), false);
    assert.equal(secretsMatch('', ''), false, 'an unknown client never matches');
  });
});

/** Sends `text` on a fresh TCP connection and resolves with everything the server answered. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parseRawAnswer(answer: string) {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
  return { status, body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) };
}

describe('odd request targets', () => {
  const ODD_TARGETS = ['//', '//x', 'http://evil/', 'http://evil/api/v1/health', '%', '*', '/%', '/%zz/%E0%A4%A'];
  const UPGRADE_HEADERS = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

  it('a request node:http cannot parse is a 400 "Bad Request", a target that is not a path a 404 "Not Found"', async () => {
    const answer = parseRawAnswer(await rawExchange(api.server.port, 'NOT HTTP AT ALL\r\n\r\n'));
    assert.deepEqual(answer, { status: 400, body: { detail: 'Bad Request' } });
    const absolute = parseRawAnswer(await rawExchange(api.server.port, 'GET http://evil/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    assert.deepEqual(absolute, { status: 404, body: { detail: 'Not Found' } }, 'a target that is not a path');
  });

  for (const [kind, headers] of [['request', 'Connection: close\r\n'], ['WebSocket upgrade', UPGRADE_HEADERS]] as const) {
    it(`a ${kind} to an odd target answers 404 or 400 in FastAPI shape, and logs nothing`, async () => {
      const logs: string[] = [];
      const logged = await startTestServer({ log: (message) => logs.push(message) });
      try {
        for (const target of ODD_TARGETS) {
          const answer = parseRawAnswer(await rawExchange(logged.server.port, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${headers}\r\n`));
          assert.ok(answer.status === 404 || answer.status === 400, `${target} answered ${answer.status}`);
          assert.equal(typeof answer.body.detail, 'string', `${target}: {"detail": ...}`);
        }
        assert.deepEqual(logs, [], 'no stack was logged');
        const health = await logged.call('GET', '/api/v1/health');
        assert.equal(health.status, 200, 'the server still answers');
      } finally {
        await logged.server.close();
      }
    });
  }
});

describe('onRequest hook', () => {
  it('sees method, path, query and parsed body of every routed request, never headers or tokens', async () => {
    const records: unknown[] = [];
    const hooked = await startTestServer({ onRequest: (record) => records.push(record) });
    try {
      const token = await hooked.productToken();
      records.length = 0;
      await hooked.call('GET', `/api/v1/products/${PRODUCT}/plans?order_by=name&x=1&x=2`, { token });
      await hooked.call('POST', '/api/v1/customers', { token, body: { name: 'Hooked' } });
      await hooked.call('POST', '/api/v1/customers', { rawBody: '{"broken', headers: { 'content-type': 'application/json' } });
      await hooked.call('GET', '/api/v1/nowhere', { token });
      await hooked.call('POST', '/api/v1/auth/token', {
        rawBody: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const tokenRequest = records.pop() as { body: Record<string, string> };
      assert.equal(tokenRequest.body.client_secret, '[redacted]', 'a secret sent in a form is not handed on');
      assert.deepEqual(records, [
        { method: 'GET', path: `/api/v1/products/${PRODUCT}/plans`, query: { order_by: 'name', x: ['1', '2'] }, body: undefined },
        { method: 'POST', path: '/api/v1/customers', query: {}, body: { name: 'Hooked' } },
        { method: 'POST', path: '/api/v1/customers', query: {}, body: undefined },
      ]);
      assert.ok(!JSON.stringify(records).includes(token), 'no token');
    } finally {
      await hooked.server.close();
    }
  });

  it('a 401 still wins over malformed JSON', async () => {
    const answer = await api.call('POST', '/api/v1/customers', { rawBody: '{"broken', headers: { 'content-type': 'application/json' } });
    assert.equal(answer.status, 401);
  });
});

describe('CORS', () => {
  it('answers preflights for any origin by default, allowing Authorization and Idempotency-Key', async () => {
    const response = await fetch(`${api.url}/api/v1/products/${PRODUCT}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://page.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, idempotency-key' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /PATCH/);
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
    const error = await api.call('GET', '/api/v1/products', { headers: { origin: 'http://page.example' } });
    assert.equal(error.status, 401);
    assert.equal(error.headers.get('access-control-allow-origin'), '*', 'errors carry CORS headers too');
  });

  it('with configured origins, echoes an allowed origin and omits the header for others', async () => {
    // As a list, and as the comma-separated text of the CLI's --cors-origins.
    for (const corsOrigins of [['http://allowed.example'], ' http://other.example , http://allowed.example ,']) {
      const restricted = await startTestServer({ corsOrigins });
      try {
        const allowed = await restricted.call('GET', '/api/v1/health', { headers: { origin: 'http://allowed.example' } });
        assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://allowed.example');
        const denied = await restricted.call('GET', '/api/v1/health', { headers: { origin: 'http://evil.example' } });
        assert.equal(denied.headers.get('access-control-allow-origin'), null);
      } finally {
        await restricted.server.close();
      }
    }
  });
});
