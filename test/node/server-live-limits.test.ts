// Issue 12, attack 5: sockets per customer and product are bounded (the oldest is closed with
// 4429), a socket that stops reading gets only the latest frame and is cut once its unsent data
// passes the limit, and idle or half-open HTTP requests are shed by short timeouts.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { MAX_BUFFERED_BYTES } from '../../src/policy/live-frames.ts';
import { MAX_SOCKETS_PER_CHANNEL } from '../../src/server/ws-hub.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';
import { waitFor } from './client-helpers.ts';
import { EntitlementsSocket, PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

/** A product whose entitlements frame is about `bytes` long (a list lever of many items). */
function productWithFrames(slug: string, bytes: number) {
  const items = Array.from({ length: Math.ceil(bytes / 32) }, (_, index) => `item-${String(index).padStart(6, '0')}-${'x'.repeat(16)}`);
  return {
    slug,
    name: slug,
    levers: [{ slug: 'list', name: 'List', type: 'list' }, { slug: 'calls', name: 'Calls', type: 'metered', metering_id: 'calls' }],
    plans: [{ slug: 'plan', name: 'Plan', order: 1, is_public: true, entitlements: { list: items, calls: 1_000_000 } }],
  };
}

let api: TestApi;
before(async () => {
  const catalog = testCatalog();
  catalog.products.push(productWithFrames('wide', 64 * 1024), productWithFrames('huge', MAX_BUFFERED_BYTES + 64 * 1024));
  api = await startTestServer({ catalog, headersTimeoutMs: 400, requestTimeoutMs: 800 });
});
after(() => api.server.close());

/** `promise`, or a rejection naming `what` when it takes longer than 5 s. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 5000)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const openCount = async (customerId: string) => (await api.admin('GET', `/__emulator/sockets?customer=${customerId}`)).body.open as number;

/** A socket of the customer for `product`, open and past its greeting frame, counting what it gets. */
async function liveSocket(customerId: string, token: string, product: string) {
  const url = `${api.server.wsUrl}/api/v1/ws/customers/${customerId}/products/${product}/entitlements?token=${token}`;
  const socket = new WebSocket(url, { maxPayload: 16 * 1024 * 1024 });
  const frames: any[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const greeted = new Promise<void>((resolve) => socket.once('message', () => resolve()));
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  await greeted;
  return { socket, frames, closed };
}

async function subscribedToken(product: string) {
  const customer = await api.createCustomer({ plan: 'plan', product });
  return { id: customer.id, token: await api.customerToken(customer.id) };
}

const report = (customerId: string, product: string) => api.admin('POST', `/api/v1/customers/${customerId}/products/${product}/usage/calls`, { usage: 1 });

describe('sockets per customer and product (attack 5)', () => {
  it(`opening socket ${MAX_SOCKETS_PER_CHANNEL + 1} closes the oldest with 4429 "too many live connections"; the others stay live`, async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const token = await api.customerToken(customer.id);
    const sockets: EntitlementsSocket[] = [];
    for (let index = 0; index < MAX_SOCKETS_PER_CHANNEL; index += 1) sockets.push(await EntitlementsSocket.open(api, customer.id, token));
    assert.equal(await openCount(customer.id), MAX_SOCKETS_PER_CHANNEL);
    const newest = await EntitlementsSocket.open(api, customer.id, token);
    assert.deepEqual(await within(sockets[0].closed, 'the oldest socket to close'), { code: 4429, reason: 'too many live connections' });
    assert.equal(await openCount(customer.id), MAX_SOCKETS_PER_CHANNEL);
    await api.reportUsage(customer.id, 'api-calls', 5);
    for (const socket of [...sockets.slice(1), newest]) {
      await socket.next(); // greeting
      assert.equal((await socket.next())['api-calls'], 100_000 - 5);
    }
    const other = await api.createCustomer({ plan: 'pro' });
    const othersSocket = await EntitlementsSocket.open(api, other.id, await api.customerToken(other.id));
    assert.equal(othersSocket.socket.readyState, WebSocket.OPEN, 'the bound is per customer');
    for (const socket of [...sockets, newest, othersSocket]) socket.close();
  });
});

describe('a socket that stops reading (attack 5)', () => {
  it('gets only the latest frame: after 400 pushes of 64 KiB it reads far fewer frames, ending with the present', async () => {
    const customer = await subscribedToken('wide');
    const slow = await liveSocket(customer.id, customer.token, 'wide');
    slow.socket.pause(); // stops reading from the TCP socket: the kernel buffers fill, then the server's
    for (let index = 0; index < 400; index += 1) assert.equal((await report(customer.id, 'wide')).status, 200);
    slow.socket.resume();
    await waitFor(() => slow.frames.at(-1)?.calls === 1_000_000 - 400, 'the present state');
    assert.equal(slow.socket.readyState, WebSocket.OPEN);
    slow.socket.close();
    assert.ok(slow.frames.length < 300, `${slow.frames.length} frames for 400 changes`);
  });

  it(`is cut once more than ${MAX_BUFFERED_BYTES} bytes wait for it; other sockets of the customer keep going`, async () => {
    const customer = await subscribedToken('huge');
    const slow = await liveSocket(customer.id, customer.token, 'huge');
    const reader = await liveSocket(customer.id, customer.token, 'huge');
    slow.socket.pause();
    let reports = 0;
    for (; reports < 60 && (await openCount(customer.id)) === 2; reports += 1) await report(customer.id, 'huge');
    assert.equal(await openCount(customer.id), 1, 'the stalled socket was cut');
    slow.socket.resume();
    assert.equal(await within(slow.closed, 'the cut socket to close'), 1006, 'cut without a close frame');
    await report(customer.id, 'huge');
    await waitFor(() => reader.frames.at(-1)?.calls === 1_000_000 - reports - 1, 'the reader to get the last change');
    reader.socket.close();
  });
});

describe('idle and half-open requests are shed', () => {
  /** A raw connection that sends `text` and then nothing; resolves with what came back once the server closed it. */
  function stall(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(api.server.port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        reject(new Error('the server kept the connection open'));
      }, 5000);
    });
  }

  it('a connection that never sends a byte is closed', async () => {
    await stall('');
  });

  it('headers that never finish: 408 and closed', async () => {
    assert.match(await stall(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: `), /^HTTP\/1\.1 408/);
  });

  it('a body that never finishes: 408 and closed, and nothing was applied', async () => {
    const customer = await api.createCustomer({ plan: 'pro' });
    const body = '{"usage": 1}';
    const answer = await stall(
      `POST /api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length + 10}\r\n\r\n${body}`,
    );
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.equal((await api.entitlements(customer.id)).body['api-calls'], 100_000);
  });
});
