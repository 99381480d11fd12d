// What the gateway says and does at its edges, checked word for word: a misconfigured identify(),
// a user id that names someone else's customer, what it remembers between requests (customers,
// the catalog), the headers of the first-render answer, keep-alive connections, which upgrades it
// takes, and the Server-Sent Events stream of a Fetch host.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PRODUCT, newUserId, rawConversation, readEventsUntil, signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

const APP = 'https://app.example.com';
let host: GatewayHost;
const logs: string[] = [];
before(async () => {
  host = await startGatewayHost({
    allowedOrigins: [APP],
    invitations: { acceptUrl: `${APP}/billing`, send: () => {} },
    log: (line) => logs.push(line),
    // The session cookie as usual; a test user as JSON in x-test-user (to answer what identify() must not).
    identify: (request) => {
      const raw = request.headers.get('x-test-user');
      if (raw) return JSON.parse(raw);
      const session = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
      return (session && host.sessions.get(session)) || null;
    },
  });
});
after(() => host.close());

const upstreamCount = (method: string, path: string) => host.upstream.filter((record) => record.method === method && record.path === path).length;

describe('identify() and the customer it names', () => {
  it('an id that is empty, longer than 256 characters or not a string: 500 "misconfigured" for the page, the rule in the log', async () => {
    for (const user of [{ id: '' }, { id: 'x'.repeat(257) }, { id: 42 }, { name: 'no id' }]) {
      logs.length = 0;
      const answer = await host.call('GET', '/api/v1/customers/me/subscriptions', { headers: { 'x-test-user': JSON.stringify(user) } });
      assert.equal(answer.status, 500, JSON.stringify(user));
      assert.deepEqual(answer.body, { detail: 'The billing portal is not set up correctly.', type: 'misconfigured' });
      assert.deepEqual(logs, ['planship gateway: identify() must answer { id: string (1..256 characters) } or null']);
    }
    const longest = await host.call('GET', '/api/v1/customers/me/subscriptions', { headers: { 'x-test-user': JSON.stringify({ id: `${newUserId()}`.padEnd(256, 'x') }) } });
    assert.equal(longest.status, 200, '256 characters is still an id');
  });

  it("a user id that is another customer's uuid: 403 in words for the page, the reason in the log", async () => {
    const other = await host.admin('POST', '/api/v1/customers', { alternative_id: newUserId(), name: 'Someone Else' });
    logs.length = 0;
    const answer = await host.call('GET', '/api/v1/customers/me/subscriptions', { session: host.signIn({ id: other.body.id }) });
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.body, { detail: 'This account cannot be linked to billing. Please contact support.' });
    assert.deepEqual(logs, ['planship gateway: a user id names a Planship customer with another alternative_id']);
  });

  it('a customer once found is remembered: the next requests ask Planship for it no more', async () => {
    const person = await signedInPerson(host, 'pro');
    const lookup = `/api/v1/customers/${encodeURIComponent(person.userId)}`;
    for (let round = 0; round < 3; round++) {
      assert.equal((await host.call('GET', '/api/v1/customers/me/subscriptions', { session: person.session })).status, 200);
    }
    assert.equal(upstreamCount('GET', lookup), 1);
  });
});

describe('the catalog is shared for catalogTtlMs', () => {
  it('the plan list and the lever defaults are read from Planship once, however often pages ask', async () => {
    const plans = `/api/v1/products/${PRODUCT}/plans`;
    const levers = `/api/v1/products/${PRODUCT}/levers`;
    const session = host.signIn({ id: newUserId() }); // no customer: entitlements are the lever defaults
    const entitlements = `/api/v1/customers/me/products/${PRODUCT}/entitlements`;
    assert.equal((await host.call('GET', `/api/v1/products/${PRODUCT}/plans`)).status, 200);
    assert.equal((await host.call('GET', entitlements, { session })).status, 200);
    const read = [upstreamCount('GET', plans), upstreamCount('GET', levers)];
    for (let round = 0; round < 3; round++) {
      assert.equal((await host.call('GET', `/api/v1/products/${PRODUCT}/plans`)).status, 200);
      const defaults = await host.call('GET', entitlements, { session });
      assert.equal(defaults.body.sso, false);
    }
    assert.deepEqual([upstreamCount('GET', plans), upstreamCount('GET', levers)], read);
  });
});

describe('bodies and credentials', () => {
  it('a body nested deeper than 32 levels: 422 naming the field, and nothing is written', async () => {
    const person = await signedInPerson(host);
    const writes = () => host.upstream.filter((record) => record.method !== 'GET' && record.path !== '/api/v1/auth/token').length;
    const before = writes();
    const deep = '['.repeat(40) + ']'.repeat(40);
    const answer = await host.call('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, {
      session: person.session,
      rawBody: `{"customer_id": "me", "metadata": {"a": ${deep}}}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(answer.status, 422, answer.text);
    assert.deepEqual(answer.body, { detail: [{ loc: ['body', 'metadata'], msg: 'Input should be nested at most 32 levels deep', type: 'too_deep' }] });
    assert.equal(writes(), before);
  });

  it('Planship refuses the product credentials at the token exchange: 502 in plain words, the reason in the log', async () => {
    const lines: string[] = [];
    const broken = await startGatewayHost({ clientSecret: 'wrong', log: (line) => lines.push(line) });
    try {
      const answer = await broken.call('GET', `/api/v1/products/${PRODUCT}`);
      assert.deepEqual([answer.status, answer.body], [502, { detail: 'The billing service is not available right now. Please try again later.' }]);
      assert.deepEqual(lines, ['planship gateway: Planship refused the product credentials (the token exchange answered 401); check clientId and clientSecret']);
    } finally {
      await broken.close();
    }
  });
});

describe('answers and connections', () => {
  it('the first-render answer carries the features header and the CORS headers of an allowed origin', async () => {
    const person = await signedInPerson(host, 'pro');
    const answer = await host.call('GET', '/portal', { session: person.session, headers: { origin: APP } });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('planship-portal-features'), 'invites');
    assert.equal(answer.headers.get('access-control-allow-origin'), APP);
    assert.equal(answer.headers.get('access-control-allow-credentials'), 'true');
  });

  it('a complete request leaves its keep-alive connection open: two requests on one connection get two answers', async () => {
    const { host: authority } = new URL(host.origin);
    const get = (close: boolean) => `GET /planship/api/v1/products/${PRODUCT} HTTP/1.1\r\nHost: ${authority}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    const { received, closedByServer } = await rawConversation(host.origin, get(false) + get(true));
    assert.equal(received.match(/^HTTP\/1\.1 200 /gm)?.length, 2, received.slice(0, 400));
    assert.doesNotMatch(received.split('\r\n\r\n')[0], /^connection: close/im, 'the first answer keeps the connection');
    assert.equal(closedByServer, true);
  });
});

describe('which upgrades the gateway takes (handleUpgrade answers true)', () => {
  let server: Server;
  let origin: string;
  const taken: boolean[] = [];
  before(async () => {
    server = createServer((_request, response) => response.end());
    server.on('upgrade', (request, socket, head) => {
      const ours = host.gateway.handleUpgrade(request, socket, head);
      taken.push(ours);
      // The host's own answer to an upgrade the gateway left alone.
      if (!ours) socket.end('HTTP/1.1 418 Not The Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const upgrade = (method: string, target: string) =>
    rawConversation(origin, `${method} ${target} HTTP/1.1\r\nHost: ${new URL(origin).host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
  const live = `/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`;

  it("a bad target that does not name the base path is the host's; one that does is refused 400 by the gateway", async () => {
    taken.length = 0;
    assert.match((await upgrade('GET', '//elsewhere.example/chat')).received, /^HTTP\/1\.1 418 /);
    assert.match((await upgrade('GET', `//evil.example${live}`)).received, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\{"detail":"Bad Request"\}$/);
    assert.match((await upgrade('GET', '/chat')).received, /^HTTP\/1\.1 418 /);
    assert.deepEqual(taken, [false, true, false]);
  });

  it('an upgrade on the base path that is not a GET is refused 405 by the gateway', async () => {
    taken.length = 0;
    assert.match((await upgrade('POST', live)).received, /^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*\{"detail":"Method Not Allowed"\}$/);
    assert.deepEqual(taken, [true]);
  });
});

describe('Server-Sent Events from the Fetch handler', () => {
  it('the stream opens with a comment at once, and a reader that cancels leaves: the page is no longer counted', async () => {
    const person = await signedInPerson(host, 'pro');
    const before = host.gateway.livePages;
    const response = await host.gateway.handleRequest(
      new Request(`${host.origin}/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`, {
        headers: { cookie: `session=${person.session}`, accept: 'text/event-stream' },
      }),
    );
    assert.equal(response.status, 200);
    assert.equal(host.gateway.livePages, before + 1);
    const reader = response.body!.getReader();
    const first = await readEventsUntil(reader, /\n\n/);
    assert.ok(first.startsWith(': connected\n\n'), JSON.stringify(first));
    await reader.cancel();
    assert.equal(host.gateway.livePages, before, 'the cancelled page left the relay');
  });

  it('a reader that stops reading is sent no more heartbeats than fit its queue: at most one waits', async () => {
    const quick = await startGatewayHost({ heartbeatMs: 10 });
    try {
      const person = await signedInPerson(quick, 'pro');
      const response = await quick.gateway.handleRequest(
        new Request(`${quick.origin}/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`, {
          headers: { cookie: `session=${person.session}`, accept: 'text/event-stream' },
        }),
      );
      const reader = response.body!.getReader();
      const seen = { text: '' };
      await readEventsUntil(reader, /data: \{/, seen);
      const greeted = seen.text.length;
      await new Promise((resolve) => setTimeout(resolve, 300)); // some thirty heartbeats while nothing is read
      quick.gateway.signOut(person.userId);
      await readEventsUntil(reader, /event: close\ndata: 4401\n\n$/, seen);
      const pings = seen.text.slice(greeted).match(/event: ping\n/g)?.length ?? 0;
      assert.ok(pings <= 1, `${pings} heartbeats queued for a reader that read nothing`);
    } finally {
      await quick.close();
    }
  });
});
