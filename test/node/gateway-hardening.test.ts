// The gateway against an attacker's tricks, each guard with a test that fails without it: request
// targets that name another host, pages of other origins (reads, streams and sockets too), bodies
// that never finish or never end, a host's exceptions with secrets in them, sessions that end,
// live pages beyond the gateway's bound, the host's `authorize` on every route, and keys and dot
// segments that would reach another customer or route.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { CLOSE_SESSION_ENDED, type CustomerAction } from '../../src/gateway/index.ts';
import {
  PRODUCT,
  frames,
  rawConversation,
  readEventsUntil,
  signedInPerson,
  startGatewayHost,
  upgradeOutcome,
  type GatewayHost,
  type Person,
} from './gateway-helpers.ts';

const LIVE = `/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`;
const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

const logged: string[] = [];
let host: GatewayHost;
let victim: Person;
before(async () => {
  host = await startGatewayHost({ log: (line) => logged.push(line), bodyTimeoutMs: 300 });
  victim = await signedInPerson(host, 'pro');
});
after(() => host.close());

const hostHeader = () => new URL(host.origin).host;
const statusOf = (received: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]);

describe('request targets that name another host', () => {
  it('a socket opened at //evil.example/planship/...: 400, not the customer\'s live entitlements', async () => {
    for (const target of [`//evil.example${LIVE}`, `http://evil.example${LIVE}`, `/planship\\..${LIVE}`]) {
      const { received } = await rawConversation(
        host.origin,
        `GET ${target} HTTP/1.1\r\nHost: ${hostHeader()}\r\nOrigin: http://evil.example\r\nCookie: session=${victim.session}\r\n${UPGRADE}\r\n`,
      );
      assert.equal(statusOf(received), 400, `${target}: ${received.slice(0, 80)}`);
      assert.doesNotMatch(received, /api-calls/);
    }
    // The same socket at its plain path, from that origin: the origin check refuses it.
    const plain = await rawConversation(host.origin, `GET ${LIVE} HTTP/1.1\r\nHost: ${hostHeader()}\r\nOrigin: http://evil.example\r\nCookie: session=${victim.session}\r\n${UPGRADE}\r\n`);
    assert.equal(statusOf(plain.received), 403);
  });

  it('reads and body-less writes at //host/... or absolute form: 400 before anything reaches Planship', async () => {
    const before = host.upstream.length;
    const subscriptions = `/planship/api/v1/customers/me/subscriptions/${victim.subscriptionId}`;
    for (const [method, target] of [
      ['GET', '//evil.example/planship/portal'],
      ['GET', 'http://evil.example/planship/portal'],
      ['DELETE', `//evil.example${subscriptions}/customers/me`],
      ['POST', '//evil.example/planship/api/v1/invitations/x/decline'],
    ]) {
      const { received } = await rawConversation(host.origin, `${method} ${target} HTTP/1.1\r\nHost: ${hostHeader()}\r\nOrigin: http://evil.example\r\nCookie: session=${victim.session}\r\nContent-Length: 0\r\n\r\n`);
      assert.equal(statusOf(received), 400, `${method} ${target}`);
      assert.ok(received.includes('{"detail":"Bad Request"}'), received);
    }
    assert.equal(host.upstream.length, before);
  });

  it("a bad target that is not the gateway's goes on to the app's own routes", async () => {
    const seen: string[] = [];
    const server = createServer((request, response) =>
      host.gateway.nodeHandler(request, response, () => {
        seen.push(request.url!);
        response.writeHead(204).end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { received } = await rawConversation(origin, `GET //cdn.example/app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.equal(statusOf(received), 204);
      assert.deepEqual(seen, ['//cdn.example/app.js']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the Fetch handler: a URL built from an absolute-form target cannot pass the origin check; //host paths and bad Host headers: 400', async () => {
    const cookie = `session=${victim.session}`;
    const forged = await host.gateway.handleRequest(new Request('http://evil.example/planship/portal', { headers: { host: hostHeader(), origin: 'http://evil.example', cookie } }));
    assert.equal(forged.status, 403, 'the origin is compared with the Host header, not the URL');
    const pathOnly = await host.gateway.handleRequest(new Request(`${host.origin}//evil.example/planship/portal`, { headers: { host: hostHeader(), cookie } }));
    assert.equal(pathOnly.status, 400);
    const badHost = await host.gateway.handleRequest(new Request(`${host.origin}/planship/portal`, { headers: { host: 'evil.example/x', cookie } }));
    assert.equal(badHost.status, 400);
    const fine = await host.gateway.handleRequest(new Request(`${host.origin}/planship/portal`, { headers: { host: hostHeader(), origin: host.origin, cookie } }));
    assert.equal(fine.status, 200);
  });

  it('dot segments (%2e%2e) are resolved before the policy looks: the route checked is the route forwarded', async () => {
    // Sent raw: fetch's own URL parser would resolve them before they left.
    const before = host.upstream.length;
    const usage = await rawConversation(host.origin, `GET /planship/api/v1/customers/me/products/${PRODUCT}/levers/%2e%2e/usage HTTP/1.1\r\nHost: ${hostHeader()}\r\nCookie: session=${victim.session}\r\nConnection: close\r\n\r\n`);
    assert.equal(statusOf(usage.received), 403, 'resolved to .../products/{p}/usage, a route a page may not call');
    assert.equal(host.upstream.length, before);
    const plan = await rawConversation(host.origin, `GET /planship/api/v1/products/${PRODUCT}/plans/%2E%2E HTTP/1.1\r\nHost: ${hostHeader()}\r\nCookie: session=${victim.session}\r\nConnection: close\r\n\r\n`);
    assert.equal(statusOf(plan.received), 200);
    assert.ok(plan.received.includes(`"slug":"${PRODUCT}"`), 'the product, as the policy allowed it');
  });
});

describe('pages of other origins', () => {
  const portal = (headers: Record<string, string>) => host.call('GET', '/portal', { session: victim.session, headers });

  it('reads, /portal and the event stream check the origin: scheme, host and port', async () => {
    const { port, hostname } = new URL(host.origin);
    const foreign: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://${hostname}:${Number(port) + 1}` }, // the same host, another port
      { origin: `https://${hostname}:${port}` }, // the same host and port, another scheme
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' }, // a same-site page with no Origin
    ];
    for (const headers of foreign) {
      assert.equal((await portal(headers)).status, 403, JSON.stringify(headers));
      assert.equal((await host.call('GET', '/api/v1/customers/me/subscriptions', { session: victim.session, headers })).status, 403, JSON.stringify(headers));
      const stream = await host.call('GET', LIVE.slice('/planship'.length), { session: victim.session, headers: { ...headers, accept: 'text/event-stream' } });
      assert.equal(stream.status, 403, `stream ${JSON.stringify(headers)}`);
    }
    assert.equal((await portal({ origin: host.origin })).status, 200, 'its own origin');
    assert.equal((await portal({ 'sec-fetch-site': 'same-origin' })).status, 200);
    assert.equal((await portal({})).status, 200, 'not a browser (no ambient cookies to abuse)');
    // Behind a proxy that ends TLS, the proxy says the scheme the page used.
    assert.equal((await portal({ origin: `https://${hostname}:${port}`, 'x-forwarded-proto': 'https' })).status, 200);
    assert.equal((await portal({ origin: `http://${hostname}:${port}`, 'x-forwarded-proto': 'https' })).status, 403);
  });

  it('20 cross-origin streams with the victim\'s cookie are refused; the victim\'s own page keeps its stream', async () => {
    const own = host.socket(victim.session);
    const queue = frames(own);
    await queue.next();
    const pages = host.gateway.livePages;
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 2
          ? host.call('GET', LIVE.slice('/planship'.length), { session: victim.session, headers: { origin: 'http://evil.example', accept: 'text/event-stream' } }).then((answer) => answer.status)
          : upgradeOutcome(host.socket(victim.session, { origin: 'http://evil.example' })).then((outcome) => outcome.status),
      ),
    );
    assert.deepEqual([...new Set(attempts)], [403]);
    assert.equal(host.gateway.livePages, pages);
    await host.admin('POST', `/api/v1/customers/${victim.customerId}/products/${PRODUCT}/usage/api-calls`, { usage: 3 });
    let frame = await queue.next();
    while (frame['api-calls'] === 100_000) frame = await queue.next();
    assert.equal(frame['api-calls'], 99_997);
    assert.equal(own.readyState, WebSocket.OPEN);
    own.close();
  });

  it('a write body must be JSON: the content type is anchored at both ends', async () => {
    const path = `/api/v1/customers/me/subscriptions/${victim.subscriptionId}`;
    for (const type of ['xapplication/json', 'application/jsonp', 'text/plain; application/json', 'application/json-patch+json']) {
      const answer = await host.call('PATCH', path, { session: victim.session, rawBody: '{"auto_renew":true}', headers: { 'content-type': type } });
      assert.equal(answer.status, 415, type);
    }
    const fine = await host.call('PATCH', path, { session: victim.session, rawBody: '{"auto_renew":true}', headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
    assert.equal(fine.status, 200);
  });
});

describe('bodies', () => {
  const write = (headers: string, session?: string) =>
    `PATCH /planship/api/v1/customers/me/subscriptions/${victim.subscriptionId} HTTP/1.1\r\nHost: ${hostHeader()}\r\nContent-Type: application/json\r\n` +
    `${session ? `Cookie: session=${session}\r\n` : ''}${headers}\r\n`;

  it('no session: 401 at once, without waiting for the body, and the connection ends', async () => {
    const { received, closedByServer } = await rawConversation(host.origin, write('Content-Length: 1000\r\n') + '{"auto_re', 2_000);
    assert.equal(statusOf(received), 401);
    assert.ok(closedByServer, 'the server ended the connection rather than wait for the rest');
  });

  it('a signed-in body that trickles in: 408 after bodyTimeoutMs, the connection ends, nothing changes', async () => {
    const before = host.upstream.filter((record) => record.method === 'PATCH').length;
    const { received, closedByServer } = await rawConversation(host.origin, write('Content-Length: 1000\r\n', victim.session) + '{"auto_re', 3_000);
    assert.equal(statusOf(received), 408);
    assert.match(received, /took too long to arrive/);
    assert.ok(closedByServer);
    assert.equal(host.upstream.filter((record) => record.method === 'PATCH').length, before);
  });

  it("a chunked body (no Content-Length) past 1 MiB: the gateway's own cap answers 413 while it streams", async () => {
    const chunk = `{"metadata":"${'x'.repeat(600_000)}`;
    const body = `${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
    const { received } = await rawConversation(host.origin, write('Transfer-Encoding: chunked\r\n', victim.session) + body);
    assert.equal(statusOf(received), 413);
    // The Fetch handler too (a stream with no length, as a Fetch host hands it over).
    const stream = new ReadableStream({
      start(controller) {
        for (let index = 0; index < 3; index += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(500_000)));
        controller.close();
      },
    });
    const answer = await host.gateway.handleRequest(
      new Request(`${host.origin}/planship/api/v1/customers/me/subscriptions/${victim.subscriptionId}`, {
        method: 'PATCH',
        body: stream,
        duplex: 'half',
        headers: { cookie: `session=${victim.session}`, 'content-type': 'application/json' },
      } as RequestInit),
    );
    assert.equal(answer.status, 413);
  });
});

describe("the host's exceptions", () => {
  it('identify() or authorize() throwing: 500 for the page, the log names the type and never the message', async () => {
    const lines: string[] = [];
    const secret = 'postgres://app:s3cr3t-password@db.internal/app';
    let throwIn: 'identify' | 'authorize' = 'identify';
    const failing = await startGatewayHost({
      log: (line) => lines.push(line),
      authorize: () => {
        if (throwIn === 'authorize') throw new RangeError(`cannot reach ${secret}`);
        return true;
      },
    });
    try {
      const throwing = await startGatewayHost({
        log: (line) => lines.push(line),
        identify: () => {
          throw new TypeError(`connect failed: ${secret}`);
        },
      });
      try {
        const answer = await throwing.call('GET', '/portal');
        assert.equal(answer.status, 500);
        assert.deepEqual(answer.body, { detail: 'Internal Server Error' });
      } finally {
        await throwing.close();
      }
      throwIn = 'authorize';
      const person = await signedInPerson(failing, 'pro');
      assert.equal((await failing.call('GET', '/api/v1/customers/me/subscriptions', { session: person.session })).status, 500);
      assert.deepEqual(lines, [
        'planship gateway: identify() threw TypeError',
        'planship gateway: unexpected RangeError on GET /planship/api/v1/customers/me/subscriptions',
      ]);
      assert.ok(!lines.join('\n').includes('s3cr3t'));
    } finally {
      await failing.close();
    }
  });
});

describe('sessions that end', () => {
  it("signOut(userId) closes that user's WebSocket and Server-Sent Events pages at once (4401); others stay", async () => {
    const leaving = await signedInPerson(host, 'pro');
    const staying = await signedInPerson(host, 'pro');
    const socket = host.socket(leaving.session);
    const other = host.socket(staying.session);
    await Promise.all([frames(socket).next(), frames(other).next()]);
    const stream = await fetch(`${host.origin}${LIVE}`, { headers: { cookie: `session=${leaving.session}`, accept: 'text/event-stream' } });
    const reader = stream.body!.getReader();
    const seen = { text: '' };
    await readEventsUntil(reader, /data: \{/, seen);
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    host.gateway.signOut(leaving.userId);
    assert.equal(await closed, CLOSE_SESSION_ENDED);
    await readEventsUntil(reader, /event: close\ndata: 4401/, seen);
    assert.equal(other.readyState, WebSocket.OPEN);
    other.close();
  });

  it('by default a page whose session ended closes within 15 s (checked every 10 s)', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const checked = await startGatewayHost();
      try {
        const person = await signedInPerson(checked, 'pro');
        const socket = checked.socket(person.session);
        await frames(socket).next();
        const closed = new Promise<number>((resolve) => socket.once('close', resolve));
        checked.sessions.delete(person.session);
        mock.timers.tick(10_000);
        assert.equal(await closed, CLOSE_SESSION_ENDED);
      } finally {
        await checked.close();
      }
    } finally {
      mock.timers.reset();
    }
  });

  it('the re-check asks identify a bounded number at a time, and rounds never overlap', async () => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const sessions = new Map<string, { id: string }>();
    const slow = await startGatewayHost({
      sessionCheckMs: 40,
      identify: async (request) => {
        const session = /session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
        const user = session ? sessions.get(session) : undefined;
        if (request.headers.get('upgrade') === 'websocket' && user) {
          calls += 1;
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 25));
          inFlight -= 1;
        }
        return user ?? null;
      },
    });
    try {
      const people = await Promise.all(Array.from({ length: 10 }, () => signedInPerson(slow)));
      for (const person of people) sessions.set(person.session, { id: person.userId });
      const sockets = people.flatMap((person) => Array.from({ length: 10 }, () => slow.socket(person.session)));
      await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once('open', resolve))));
      calls = 0;
      most = 0;
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.ok(most <= 16, `at most 16 at once, saw ${most}`);
      assert.ok(most > 1, 'checked concurrently');
      // Without the guard, a 40 ms interval starts a new round of 100 checks while one still runs.
      assert.ok(calls < 100 * Math.ceil(600 / 40) / 2, `${calls} checks in 600 ms`);
      for (const socket of sockets) socket.close();
    } finally {
      await slow.close();
    }
  });
});

describe('bounds across users', () => {
  it('live pages are capped per gateway: a new page beyond maxPages is refused (503), from any customer', async () => {
    const capped = await startGatewayHost({ maxPages: 3 });
    try {
      const people = await Promise.all(Array.from({ length: 4 }, () => signedInPerson(capped, 'pro')));
      const open = people.slice(0, 3).map((person) => capped.socket(person.session));
      await Promise.all(open.map((socket) => frames(socket).next()));
      assert.equal(capped.gateway.livePages, 3);
      assert.equal((await upgradeOutcome(capped.socket(people[3].session))).status, 503);
      const stream = await capped.call('GET', LIVE.slice('/planship'.length), { session: people[3].session, headers: { accept: 'text/event-stream' } });
      assert.equal(stream.status, 503);
      assert.match(stream.body.detail, /busy/);
      const left = new Promise((resolve) => open[0].once('close', resolve));
      open[0].close();
      await left;
      const until = Date.now() + 5000;
      const livePages = (): number => capped.gateway.livePages;
      while (livePages() !== 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      const again = capped.socket(people[3].session);
      assert.ok((await frames(again).next())['api-calls'] !== undefined, 'a place freed up');
      for (const socket of [...open, again]) socket.close();
    } finally {
      await capped.close();
    }
  });
});

describe('the host\'s rules and keys', () => {
  it('authorize() is asked on every route (reads, /portal, streams, sockets, invitations): false answers 403', async () => {
    const asked: CustomerAction[] = [];
    const denying = await startGatewayHost({
      authorize: (action) => {
        asked.push(action);
        return false;
      },
      invitations: { acceptUrl: 'https://app.example/', send: () => {} },
    });
    try {
      const person = await signedInPerson(denying, 'pro');
      const s = `/api/v1/customers/me/subscriptions/${person.subscriptionId}`;
      const routes: [string, string, unknown?][] = [
        ['GET', '/portal'],
        ['GET', `/api/v1/products/${PRODUCT}`],
        ['GET', `/api/v1/products/${PRODUCT}/plans`],
        ['GET', `/api/v1/products/${PRODUCT}/plans/pro`],
        ['GET', `/api/v1/products/${PRODUCT}/plans/pro/entitlements`],
        ['GET', `/api/v1/products/${PRODUCT}/levers`],
        ['GET', `/api/v1/products/${PRODUCT}/levers/sso`],
        ['POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { customer_id: 'me' }],
        ['GET', '/api/v1/customers/me/subscriptions'],
        ['GET', s],
        ['PATCH', s, { auto_renew: false }],
        ['GET', `${s}/customers`],
        ['DELETE', `${s}/customers/me`],
        ['POST', `${s}/invites`, { email: 'a@b.example' }],
        ['GET', `${s}/invites`],
        ['DELETE', `${s}/invites/x`],
        ['GET', '/api/v1/invitations/x'],
        ['POST', '/api/v1/invitations/x/accept'],
        ['POST', '/api/v1/invitations/x/decline'],
        ['GET', `/api/v1/customers/me/products/${PRODUCT}/entitlements`],
        ['GET', `/api/v1/customers/me/products/${PRODUCT}/levers/api-calls/usage`],
        ['GET', `/api/v1/customers/me/products/${PRODUCT}/usage/api-calls`],
      ];
      const writes = () => denying.upstream.filter((record) => record.method !== 'GET' && record.path !== '/api/v1/auth/token').length;
      const before = writes();
      for (const [method, path, body] of routes) {
        const answer = await denying.call(method, path, { session: person.session, body });
        assert.equal(answer.status, 403, `${method} ${path}`);
        assert.deepEqual(answer.body, { detail: 'Not allowed.' });
      }
      assert.equal((await denying.call('GET', LIVE.slice('/planship'.length), { session: person.session, headers: { accept: 'text/event-stream' } })).status, 403);
      assert.equal((await upgradeOutcome(denying.socket(person.session))).status, 403);
      assert.equal(writes(), before, 'nothing changed');
      const expected: CustomerAction[] = [
        'product.read', 'product.read', 'plans.list', 'plan.read', 'plan-entitlements.read', 'levers.list', 'lever.read', 'subscription.create',
        'subscriptions.list', 'subscription.read', 'subscription.update', 'members.list', 'members.remove', 'members.invite', 'invites.list',
        'invites.cancel', 'invitation.read', 'invitation.accept', 'invitation.decline', 'entitlements.read', 'usage.read', 'usage.read',
        'entitlements.live', 'entitlements.live',
      ];
      assert.deepEqual(asked, expected, 'each route asked with its own action (the first-render answer stops at its first refusal)');
    } finally {
      await denying.close();
    }
  });

  it("an Idempotency-Key is the customer's own: the same key from two customers makes two subscriptions", async () => {
    const [first, second] = await Promise.all([signedInPerson(host), signedInPerson(host)]);
    const subscribe = (person: Person) =>
      host.call('POST', `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { session: person.session, body: { customer_id: 'me' }, headers: { 'idempotency-key': 'checkout-1' } });
    const a = await subscribe(first);
    const b = await subscribe(second);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.notEqual(a.body.id, b.body.id);
    const listed = await host.admin('GET', `/api/v1/customers/${second.customerId}/subscriptions`);
    assert.deepEqual(listed.body.map((subscription: { subscription_id: string }) => subscription.subscription_id), [b.body.id]);
    const keys = host.upstreamHeaders.filter(({ path }) => path.endsWith('/plans/starter/subscriptions')).map(({ headers }) => headers.get('idempotency-key'));
    const [keyA, keyB] = keys.slice(-2);
    assert.ok(keyA && keyB && keyA !== keyB, 'each customer sends its own key upstream');
    assert.ok(!keys.includes('checkout-1'), 'never the page\'s key as it is');
  });
});
