// Wire parity with the official @planship/fetch 0.3.4: for every method, the request our client
// sends (method, path, query, parsed body) equals what the official client sends for the same
// call, both captured at the server (its `onRequest` hook, which sees what arrived after
// parsing), except where the official client is defective.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlanshipCustomer as OfficialCustomer } from '@planship/fetch';
import type { RequestRecord, RunningServer } from '../../src/server/index.ts';
import { PlanshipCustomer } from '../../src/client/index.ts';
import WebSocket from 'ws';
import { CREDENTIALS, PRODUCT, admin, freshCustomer, startTestServer, waitFor } from './client-helpers.ts';

let server: RunningServer;
let customerId: string;
let subscriptionId: string;
let memberId: string;
let otherMemberId: string;
let doomedId: string;

/** Every API request the server received, in order. */
const received: RequestRecord[] = [];

before(async () => {
  server = await startTestServer({ onRequest: (record) => received.push(record) });
  customerId = await freshCustomer(server, 'starter', 10);
  memberId = await freshCustomer(server);
  otherMemberId = await freshCustomer(server);
  doomedId = await freshCustomer(server);
  const probe = new PlanshipCustomer(PRODUCT, customerId, CREDENTIALS, { baseUrl: server.url });
  subscriptionId = (await probe.listSubscriptions())[0].subscriptionId;
});
after(() => server.close());

type Wire = RequestRecord;

const RENEW_AT = new Date('2027-03-01T12:00:00.000Z');

/** Each call, written once for both clients (their shared seed API). */
const calls: [string, (client: any) => Promise<unknown>][] = [
  ['getAccessToken', (c) => c.getAccessToken()],
  ['getProduct', (c) => c.getProduct()],
  ['getPlan', (c) => c.getPlan('pro')],
  ['listLevers', (c) => c.listLevers()],
  ['createCustomer(params)', (c) => c.createCustomer({ name: 'Parity', email: 'parity@example.com', metadata: { source_tag: 'x' } })],
  ['createCustomer()', (c) => c.createCustomer()],
  ['getCustomer', (c) => c.getCustomer(customerId)],
  ['deleteCustomer', (c) => c.deleteCustomer(doomedId)],
  [
    'createSubscription',
    (c) => c.createSubscription('free', { maxSubscribers: 2, isSubscriber: true, autoRenew: false, renewAt: RENEW_AT, metadata: { k: 'v' } }),
  ],
  ['createSubscription()', (c) => c.createSubscription('free')],
  ['listSubscriptions', (c) => c.listSubscriptions()],
  ['getSubscription', (c) => c.getSubscription(subscriptionId)],
  [
    'modifySubscription',
    (c) => c.modifySubscription(subscriptionId, { planSlug: 'pro', renewPlanSlug: 'starter', maxSubscribers: 5, autoRenew: true, renewAt: RENEW_AT }),
  ],
  ['changeSubscriptionPlan', (c) => c.changeSubscriptionPlan(subscriptionId, 'pro')],
  ['changeSubscriptionRenewPlan', (c) => c.changeSubscriptionRenewPlan(subscriptionId, 'starter')],
  ['changeSubscriptionMaxSubscribers', (c) => c.changeSubscriptionMaxSubscribers(subscriptionId, 6)],
  ['setSubscriptionAutoRenew', (c) => c.setSubscriptionAutoRenew(subscriptionId, false)],
  ['listSubscriptionCustomers', (c) => c.listSubscriptionCustomers(subscriptionId)],
  ['addSubscriptionCustomer (defaults)', (c) => c.addSubscriptionCustomer(subscriptionId, memberId)],
  ['addSubscriptionCustomer (all args)', (c) => c.addSubscriptionCustomer(subscriptionId, otherMemberId, true, false, { role_name: 'dev' })],
  ['removeSubscriptionCustomer', (c) => c.removeSubscriptionCustomer(subscriptionId, memberId)],
  ['getEntitlements', (c) => c.getEntitlements()],
  ['getLeverUsage', (c) => c.getLeverUsage('api-calls')],
  ['getMeteringIdUsage', (c) => c.getMeteringIdUsage('api-calls')],
  ['reportUsage', (c) => c.reportUsage('api-calls', 5)],
  ['reportUsage (bucket)', (c) => c.reportUsage('api-calls', 5, 'bucket one')],
];

/** The requests one call sends, as the server received them (token exchanges left out unless the call is the exchange). */
async function capture(kind: 'ours' | 'official', name: string, call: (client: any) => Promise<unknown>): Promise<Wire[]> {
  const client =
    kind === 'ours'
      ? new PlanshipCustomer(PRODUCT, customerId, CREDENTIALS, { baseUrl: server.url })
      : new OfficialCustomer(PRODUCT, customerId, CREDENTIALS, { baseUrl: server.url });
  received.length = 0;
  await call(client).catch(() => {}); // the request is what matters here, not the answer
  return received.filter((request) => name === 'getAccessToken' || request.path !== '/api/v1/auth/token');
}

describe('wire parity with @planship/fetch 0.3.4', () => {
  for (const [name, call] of calls) {
    it(`${name} sends the same request`, async () => {
      const official = await capture('official', name, call);
      const ours = await capture('ours', name, call);
      assert.equal(official.length, 1, `official sent ${JSON.stringify(official)}`);
      assert.deepEqual(ours, official);
    });
  }

  it('listPlans: ours asks include=entitlements too (ignored where unknown), so plans need no request each', async () => {
    const call = (c: any) => c.listPlans();
    const [official] = await capture('official', 'listPlans', call);
    const [ours] = await capture('ours', 'listPlans', call);
    assert.deepEqual(ours, { ...official, query: { include: 'entitlements' } });
  });

  it('official defect: setSubscriptionIsActive never sends is_active (ours does)', async () => {
    const call = (c: any) => c.setSubscriptionIsActive(subscriptionId, true);
    const [official] = await capture('official', 'setSubscriptionIsActive', call);
    const [ours] = await capture('ours', 'setSubscriptionIsActive', call);
    assert.deepEqual(official.body, {}, 'the official body drops isActive');
    assert.deepEqual(ours, { ...official, body: { is_active: true } });
  });

  it('official defect: modifySubscription drops isActive (ours sends it with the other fields)', async () => {
    const call = (c: any) => c.modifySubscription(subscriptionId, { isActive: true, autoRenew: true });
    const [official] = await capture('official', 'modifySubscription', call);
    const [ours] = await capture('ours', 'modifySubscription', call);
    assert.deepEqual(official.body, { auto_renew: true });
    assert.deepEqual(ours, { ...official, body: { auto_renew: true, is_active: true } });
  });

  describe('the entitlements socket request', () => {
    /** `ws` as the page's WebSocket: real sockets, each remembered with how the server answered. */
    class RecordingWebSocket extends WebSocket {
      static sockets: { url: string; socket: RecordingWebSocket; answer: Promise<'open' | 'refused'> }[] = [];
      constructor(url: string) {
        super(url);
        const answer = new Promise<'open' | 'refused'>((resolve) => {
          this.once('open', () => resolve('open'));
          this.once('close', () => resolve('refused'));
          this.once('error', () => resolve('refused'));
        });
        RecordingWebSocket.sockets.push({ url, socket: this, answer });
      }
    }
    const globals = globalThis as Record<string, unknown>;

    /** The socket URL each client opens for customer `id`, and whether the server took it. */
    async function socketUrls(id: string) {
      RecordingWebSocket.sockets = [];
      // The official client opens its socket only where `window.WebSocket` exists.
      globals.window = globalThis;
      globals.WebSocket = RecordingWebSocket;
      const ours = new PlanshipCustomer(PRODUCT, id, CREDENTIALS, { baseUrl: server.url });
      try {
        const official = new OfficialCustomer(PRODUCT, id, CREDENTIALS, { baseUrl: server.url, webSocketUrl: server.wsUrl });
        await official.getEntitlements(() => {}).catch(() => {});
        await waitFor(() => RecordingWebSocket.sockets.length === 1, "the official client's socket");
        await ours.getEntitlements(() => {}).catch(() => {});
        await waitFor(() => RecordingWebSocket.sockets.length === 2, 'our socket');
      } finally {
        delete globals.window;
        delete globals.WebSocket;
      }
      const answers = await Promise.all(RecordingWebSocket.sockets.map(({ answer }) => answer));
      ours.dispose();
      for (const { socket } of RecordingWebSocket.sockets) socket.close();
      const [official, mine] = RecordingWebSocket.sockets.map(({ url }) => new URL(url));
      return { official, ours: mine, answers };
    }

    it('same URL (path and token query) for an ordinary customer id', async () => {
      const { official, ours, answers } = await socketUrls(customerId);
      assert.deepEqual(answers, ['open', 'open'], 'the server took both');
      assert.equal(ours.origin, official.origin);
      assert.equal(ours.pathname, official.pathname);
      assert.deepEqual([...ours.searchParams.keys()], ['token']);
      assert.deepEqual([...official.searchParams.keys()], ['token']);
    });

    it('official defect: the customer id goes into the socket path raw; ours encodes it like REST paths', async () => {
      const alternativeId = `parity-${Date.now()}@example.com?x`;
      assert.equal((await admin(server, 'POST', '/api/v1/customers', { alternative_id: alternativeId })).status, 200);
      const { official, ours, answers } = await socketUrls(alternativeId);
      assert.equal(official.pathname, `/api/v1/ws/customers/${alternativeId.replace('?x', '')}`, 'the official URL is cut at the "?"');
      assert.equal(ours.pathname, `/api/v1/ws/customers/${encodeURIComponent(alternativeId)}/products/${PRODUCT}/entitlements`);
      assert.deepEqual(answers, ['refused', 'open'], 'only ours reaches the customer');
    });
  });
});
