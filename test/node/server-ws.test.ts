// The entitlements WebSocket, in Node with `ws`: refused upgrades, the first frame, a frame after
// every kind of change, fan-out, the emulator's socket hooks and the heartbeat.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it, mock } from 'node:test';
import WebSocket from 'ws';
import { DEFAULT_ENTITLEMENTS, EntitlementsSocket, PRODUCT, startTestServer, upgradeRefusal, upgradeStatus, type TestApi } from './server-helpers.ts';
import { loadWs } from '../../src/server/load-ws.ts';

let api: TestApi;
let productToken: string;
const sockets: EntitlementsSocket[] = [];

before(async () => {
  api = await startTestServer();
  productToken = await api.productToken();
});
after(async () => {
  for (const socket of sockets) socket.close();
  await api.server.close();
});

async function open(customer: string, token?: string): Promise<EntitlementsSocket> {
  const socket = await EntitlementsSocket.open(api, customer, token ?? (await api.customerToken(customer)));
  sockets.push(socket);
  return socket;
}

/** Opens a socket and consumes its first frame. */
async function live(customer: string, token?: string): Promise<EntitlementsSocket> {
  const socket = await open(customer, token);
  await socket.next();
  return socket;
}

/** The socket's close, or a rejection (and a cut socket) when the server does not close it in time. */
function closedWithin(socket: EntitlementsSocket, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      socket.socket.terminate();
      reject(new Error('the server did not close the socket'));
    }, timeoutMs);
  });
  return Promise.race([socket.closed, timeout]).finally(() => clearTimeout(timer));
}


describe('connecting', () => {
  it('refuses a bad token (401), an expired one (401), a foreign token (403), unknown customer or product (404)', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const other = await api.createCustomer({ plan: 'pro' });
    const refused = await upgradeRefusal(api, customer.id, 'ct_not-a-token');
    assert.deepEqual([refused.status, refused.headers['www-authenticate'], refused.headers['content-type'], refused.body], [401, 'Bearer', 'application/json', { detail: 'Invalid or expired token' }]);
    assert.equal(await upgradeStatus(api, customer.id, ''), 401);
    assert.equal(await upgradeStatus(api, customer.id, await api.customerToken(other.id)), 403);
    assert.equal(await upgradeStatus(api, 'nobody@example.com', productToken), 404);
    assert.equal(await upgradeStatus(api, customer.id, productToken, 'nope'), 404);
    const isolated = await startTestServer();
    try {
      const shortLived = await isolated.customerToken('ada@example.com', 30);
      await isolated.advanceClock(31);
      assert.equal(await upgradeStatus(isolated, 'ada@example.com', shortLived), 401);
    } finally {
      await isolated.server.close();
    }
  });

  it('sends the full entitlements right after connect, the same as the GET', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    await api.reportUsage(customer.id, 'api-calls', 12);
    const socket = await open(customer.id);
    const first = await socket.next();
    assert.deepEqual(first, (await api.entitlements(customer.id)).body);
    assert.equal(first['api-calls'], 10000 - 12);
  });

  it('accepts the alternative_id in the path (raw, as the official SDK sends it) and product tokens', async () => {
    const socket = await open('ada@example.com', productToken);
    const first = await socket.next();
    assert.equal(first.sso, true);
  });

  it('ignores messages from the client and keeps the socket open', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const socket = await live(customer.id);
    socket.socket.send('{"subscribe": true}');
    socket.socket.send('not json');
    await api.reportUsage(customer.id, 'api-calls', 1);
    assert.equal((await socket.next())['api-calls'], 999);
    assert.equal(socket.socket.readyState, WebSocket.OPEN);
  });
});

describe('a frame after every change', () => {
  it('subscription created', async () => {
    const customer = await api.createCustomer();
    const socket = await open(customer.id);
    assert.deepEqual(await socket.next(), DEFAULT_ENTITLEMENTS);
    await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/pro/subscriptions`, { customer_id: customer.id });
    const frame = await socket.next();
    assert.equal(frame.sso, true);
    assert.equal(frame.dashboards, 50);
  });

  it('plan changed (and a renew-plan change, which pushes the unchanged entitlements)', async () => {
    const customer = await api.createCustomer({ plan: 'starter' });
    const socket = await live(customer.id);
    const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
    await api.admin('PATCH', path, { plan_slug: 'business' });
    const frame = await socket.next();
    assert.equal(frame.dashboards, null);
    assert.equal(frame['priority-support'], true);
    await api.admin('PATCH', path, { renew_plan_slug: 'starter' });
    assert.equal((await socket.next()).dashboards, null);
  });

  it('subscription deactivated and reactivated', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const socket = await live(customer.id);
    const path = `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`;
    await api.admin('PATCH', path, { is_active: false });
    assert.deepEqual(await socket.next(), DEFAULT_ENTITLEMENTS);
    await api.admin('PATCH', path, { is_active: true });
    assert.equal((await socket.next()).sso, true);
  });

  it('subscription customer added and removed', async () => {
    const owner = await api.createCustomer({ plan: 'pro' });
    const member = await api.createCustomer();
    const ownerSocket = await live(owner.id);
    const memberSocket = await live(member.id);
    const path = `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`;
    await api.admin('POST', path, { customer_id: member.id });
    assert.equal((await memberSocket.next()).sso, true);
    assert.equal((await ownerSocket.next()).sso, true, 'the other members hear about it too');
    await api.admin('DELETE', `${path}/${member.id}`);
    assert.deepEqual(await memberSocket.next(), DEFAULT_ENTITLEMENTS);
    await ownerSocket.next();
  });

  it('usage reported, to every subscriber of the subscription', async () => {
    const owner = await api.createCustomer({ plan: 'free', maxSubscribers: 2 });
    const member = await api.createCustomer();
    const added = await api.admin('POST', `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`, { customer_id: member.id });
    assert.equal(added.status, 200);
    const ownerSocket = await live(owner.id);
    const memberSocket = await live(member.id);
    await api.reportUsage(member.id, 'api-calls', 250);
    assert.equal((await ownerSocket.next())['api-calls'], 750);
    assert.equal((await memberSocket.next())['api-calls'], 750);
  });

  it('period reset when the clock passes a boundary (only channels whose value changed)', async () => {
    // Tokens outlive the jump to midnight (up to a day), so the sockets stay open.
    const isolated = await startTestServer({ tokenTtlSeconds: 7 * 86_400 });
    try {
      const customer = await isolated.createCustomer({ plan: 'free' });
      const quiet = await isolated.createCustomer({ plan: 'free' });
      const socket = await EntitlementsSocket.open(isolated, customer.id, await isolated.customerToken(customer.id));
      const quietSocket = await EntitlementsSocket.open(isolated, quiet.id, await isolated.customerToken(quiet.id));
      await socket.next();
      await quietSocket.next();
      await isolated.reportUsage(customer.id, 'api-calls', 30);
      await isolated.reportUsage(customer.id, 'ai-insights', 1);
      const reported = await socket.next();
      await socket.next();
      assert.equal(reported['api-burst'], 70);
      const now = Date.parse((await isolated.advanceClock(0)).body.now);
      const nextMidnight = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1);
      await isolated.advanceClock((nextMidnight - now) / 1000 + 1);
      const reset = await socket.next();
      assert.equal(reset['api-burst'], 100, 'the daily lever is back to its limit');
      assert.equal(reset['ai-insights'], 2, 'a lever that never resets keeps its usage');
      await quietSocket.settled();
      assert.equal(quietSocket.unread, 0, 'a customer whose entitlements did not change gets no frame');
      socket.close();
      quietSocket.close();
    } finally {
      await isolated.server.close();
    }
  });

  it('customer deleted: the revoked entitlements, then close 4404', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const socket = await live(customer.id);
    await api.admin('DELETE', `/api/v1/customers/${customer.id}`);
    assert.deepEqual(await socket.next(), DEFAULT_ENTITLEMENTS);
    const closed = await socket.closed;
    assert.equal(closed.code, 4404);
  });

  it('a change for another customer sends nothing', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const other = await api.createCustomer({ plan: 'free' });
    const socket = await live(customer.id);
    await api.reportUsage(other.id, 'api-calls', 5);
    await api.reportUsage(customer.id, 'api-calls', 1);
    assert.equal((await socket.next())['api-calls'], 999, 'the next frame is our own change');
  });
});

describe('fan-out and hooks', () => {
  it('several sockets of one customer all get the same frame', async () => {
    const customer = await api.createCustomer({ plan: 'free' });
    const group = await Promise.all([live(customer.id), live(customer.id), live(customer.id, productToken)]);
    await api.reportUsage(customer.id, 'api-calls', 9);
    const frames = await Promise.all(group.map((socket) => socket.next()));
    for (const frame of frames) assert.equal(frame['api-calls'], 991);
  });

  it('POST /__emulator/sockets/close closes with 1012 and refuses new sockets for a while', async () => {
    // The refusal lasts a second of real time (Date.now), moved here by mock timers (Date only): the
    // server in this process reads the same clock, so it is one of this test's own.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const isolated = await startTestServer();
    try {
      const token = await isolated.customerToken('ada@example.com');
      const socket = await EntitlementsSocket.open(isolated, 'ada@example.com', token);
      await socket.next();
      assert.equal((await isolated.admin('GET', '/__emulator/sockets')).body.open, 1);
      const answer = await isolated.admin('POST', '/__emulator/sockets/close', { refuse_seconds: 1 });
      assert.equal(answer.body.closed, 1);
      assert.equal((await socket.closed).code, 1012);
      assert.equal(await upgradeStatus(isolated, 'ada@example.com', token), 503);
      assert.equal((await isolated.admin('GET', '/__emulator/sockets')).body.open, 0);
      mock.timers.tick(999);
      assert.equal(await upgradeStatus(isolated, 'ada@example.com', token), 503, 'still refused just before the second ends');
      mock.timers.tick(1);
      const again = await EntitlementsSocket.open(isolated, 'ada@example.com', token);
      assert.equal((await again.next()).sso, true);
      again.close();
    } finally {
      mock.timers.reset();
      await isolated.server.close();
    }
  });

  it('GET /__emulator/sockets drops back when clients close their sockets', async () => {
    const isolated = await startTestServer();
    try {
      const token = await isolated.customerToken('grace@example.com');
      const socket = await EntitlementsSocket.open(isolated, 'grace@example.com', token);
      await socket.next();
      assert.equal((await isolated.admin('GET', '/__emulator/sockets')).body.open, 1);
      socket.close();
      await socket.closed;
      // The client's close completes once the server answered the close frame: the count is 0 by then.
      assert.equal((await isolated.admin('GET', '/__emulator/sockets')).body.open, 0);
    } finally {
      await isolated.server.close();
    }
  });

  it('POST /__emulator/reset pushes the seed state to open sockets', async () => {
    const isolated = await startTestServer();
    try {
      const token = await isolated.customerToken('linus@example.com');
      const socket = await EntitlementsSocket.open(isolated, 'linus@example.com', token);
      await socket.next();
      await isolated.reportUsage('linus@example.com', 'api-calls', 100);
      assert.equal((await socket.next())['api-calls'], 900);
      await isolated.admin('POST', '/__emulator/reset');
      assert.equal((await socket.next())['api-calls'], 1000);
      socket.close();
    } finally {
      await isolated.server.close();
    }
  });

  it('the heartbeat terminates a peer that stops answering pings', async () => {
    // Beats on demand: the hub's interval runs on mock timers (setInterval only), so a slow
    // machine cannot make a healthy peer miss one.
    mock.timers.enable({ apis: ['setInterval'] });
    const isolated = await startTestServer({ heartbeatMs: 30_000 });
    try {
      const token = await isolated.customerToken('ada@example.com');
      const url = `${isolated.server.wsUrl}/api/v1/ws/customers/ada@example.com/products/${PRODUCT}/entitlements?token=${token}`;
      const healthy = new EntitlementsSocket(new WebSocket(url));
      const silent = new EntitlementsSocket(new WebSocket(url, { autoPong: false }));
      await healthy.next();
      await silent.next();
      const pinged = (socket: EntitlementsSocket) => new Promise((resolve) => socket.socket.once('ping', resolve));
      const bothPinged = Promise.all([pinged(healthy), pinged(silent)]);
      mock.timers.tick(30_000);
      await bothPinged;
      // The healthy peer's pong went out before this round trip: the server has it now.
      await healthy.settled();
      mock.timers.tick(30_000);
      assert.equal((await closedWithin(silent)).code, 1006, 'terminated without a close frame');
      await healthy.settled();
      assert.equal(healthy.socket.readyState, WebSocket.OPEN, 'a peer that answers pings stays');
      healthy.close();
    } finally {
      mock.timers.reset();
      await isolated.server.close();
    }
  });

  it('a socket closes with 4401 when its token expires on the server clock (clock hook)', async () => {
    const isolated = await startTestServer();
    try {
      const customer = await isolated.createCustomer({ plan: 'free' });
      const customerSocket = await EntitlementsSocket.open(isolated, customer.id, await isolated.customerToken(customer.id, 60));
      const longLived = await EntitlementsSocket.open(isolated, customer.id, await isolated.customerToken(customer.id, 3600));
      const productSocket = await EntitlementsSocket.open(isolated, customer.id, await isolated.productToken());
      for (const socket of [customerSocket, longLived, productSocket]) await socket.next();
      await isolated.advanceClock(30);
      await customerSocket.settled();
      assert.equal(customerSocket.socket.readyState, WebSocket.OPEN, 'still valid after 30 s');
      await isolated.advanceClock(31);
      assert.deepEqual(await closedWithin(customerSocket), { code: 4401, reason: 'token expired' });
      await longLived.settled();
      assert.equal(longLived.socket.readyState, WebSocket.OPEN, 'a socket whose token is valid stays');
      await isolated.reportUsage(customer.id, 'api-calls', 1);
      assert.equal((await longLived.next())['api-calls'], 999, 'and keeps getting frames');
      await isolated.advanceClock(3600);
      assert.equal((await closedWithin(longLived)).code, 4401);
      assert.equal((await closedWithin(productSocket)).code, 4401, 'product tokens expire too (default TTL 3600 s)');
      assert.equal((await isolated.admin('GET', '/__emulator/sockets')).body.open, 0);
    } finally {
      await isolated.server.close();
    }
  });

  it('the heartbeat closes a socket with 4401 once its token expired, without the clock hook', async () => {
    // Time passes as in production (no hook): mock timers move Date and fire the hub's interval.
    // The server in this process reads the same clock, so it is one of this test's own.
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: Date.now() });
    const isolated = await startTestServer({ heartbeatMs: 30_000 });
    try {
      const token = await isolated.customerToken('ada@example.com', 60);
      const socket = await EntitlementsSocket.open(isolated, 'ada@example.com', token);
      await socket.next();
      mock.timers.tick(30_000); // one beat: the token has 30 s left
      await socket.settled();
      assert.equal(socket.socket.readyState, WebSocket.OPEN, 'open while the token is valid');
      mock.timers.tick(30_000); // the next beat finds it expired
      assert.deepEqual(await closedWithin(socket), { code: 4401, reason: 'token expired' });
    } finally {
      mock.timers.reset();
      await isolated.server.close();
    }
  });

  it('close() terminates open sockets and resolves', async () => {
    const isolated = await startTestServer();
    const socket = await EntitlementsSocket.open(isolated, 'ada@example.com', await isolated.customerToken('ada@example.com'));
    await socket.next();
    await isolated.server.close();
    const closed = await socket.closed;
    assert.equal(closed.code, 1006);
    await assert.rejects(fetch(`${isolated.url}/api/v1/health`));
  });
});

describe('loading ws (an optional peer dependency)', () => {
  it('says how to install ws when it is missing (simulated: the import fails as Node fails it); other failures pass through as they are', async () => {
    const missing = Object.assign(new Error("Cannot find package 'ws' imported from /app/server.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    await assert.rejects(loadWs(() => Promise.reject(missing)), (error: Error) => /optional peer dependency 'ws'.*: npm install ws$/.test(error.message) && error.cause === missing);
    const inner = Object.assign(new Error("Cannot find package 'bufferutil' imported from /app/node_modules/ws/index.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const broken = new SyntaxError("Unexpected token in 'ws'");
    for (const failure of [inner, broken, undefined]) {
      await assert.rejects(loadWs(() => Promise.reject(failure)), (error: unknown) => error === failure);
    }
    assert.equal(typeof (await loadWs()).WebSocketServer, 'function');
  });
});

describe('peers that vanish', () => {
  it('a client that resets its connection while its upgrade is refused does not take the server down', async () => {
    const { port } = new URL(api.url);
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(`GET /api/v1/ws/customers/x/products/${PRODUCT}/entitlements?token=bad HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.alloc(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      socket.resetAndDestroy();
    }
    assert.equal((await api.call('GET', '/api/v1/health')).status, 200);
  });
});
