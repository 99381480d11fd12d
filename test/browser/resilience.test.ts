// Issue 12 in real Chromium: a live connection that dies silently (a TCP proxy that stops
// forwarding, both ends open) is noticed and the server's current numbers shown; and a page
// whose token endpoint was down for a while is back within 10 s of it answering again.
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.ts';
import { PlanshipCustomer } from '../../src/client/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import type { PlanshipUsageMeter } from '../../src/components/usage-meter/usage-meter.ts';
import { PRODUCT, admin, createCustomer, customerToken, mountProvider, ownServer, reportUsage, serverInfo, tokenGetter } from './helpers.ts';

const HEARTBEAT_MS = 2000;

const meterValue = (provider: PlanshipProvider) =>
  provider.querySelector<PlanshipUsageMeter>('planship-usage-meter')!.shadowRoot!.querySelector('[role="meter"]')?.getAttribute('aria-valuenow');

describe('dead connections and recovery (issue 12)', () => {
  afterEach(() => fixtureCleanup());

  it('a silently dropped socket (token mode) is noticed and the value changed meanwhile is shown', async function () {
    this.timeout(30_000);
    const id = await createCustomer({ plan: 'pro' });
    const { url } = await serverInfo();
    const proxy = await executeServerCommand<{ port: number; wsUrl: string }, object>('planship-proxy', {});
    // A short heartbeat keeps the test fast; with the default 15 s the bound is about 36 s (CONTRACTS.md).
    const client = new PlanshipCustomer(PRODUCT, id, tokenGetter(id), { baseUrl: url, webSocketUrl: proxy.wsUrl, heartbeatMs: HEARTBEAT_MS });
    const provider = await fixture<PlanshipProvider>(html`<planship-provider .client=${client}>
      <planship-usage-meter lever="api-calls"></planship-usage-meter>
    </planship-provider>`);
    await waitUntil(() => provider.getAttribute('connection') === 'live' && meterValue(provider) === '0', 'live with a meter', { timeout: 5000 });

    await executeServerCommand('planship-proxy', { freeze: proxy.port }); // both ends stay open, silent
    const frozenAt = performance.now();
    expect((await reportUsage(id, 'api-calls', 321)).status).to.equal(200);
    // Silence (1 period) + a watchdog tick (1/3) + the REST check + the first retry + a read: well
    // within 6 periods. (Before: 10 silent periods, 300 s with the old default of 30 s.)
    await waitUntil(() => meterValue(provider) === '321', 'the meter never showed the value changed while the socket was dead', { timeout: 6 * HEARTBEAT_MS });
    console.log(`silent drop noticed and the new value shown after ${Math.round(performance.now() - frozenAt)} ms (heartbeatMs ${HEARTBEAT_MS})`);
    await waitUntil(() => provider.getAttribute('connection') === 'live', 'live again on a new connection', { timeout: 5000 });
    client.dispose();
  });

  it('through the gateway: a silently dropped socket is noticed by its missing heartbeats and the value changed meanwhile is shown', async function () {
    this.timeout(30_000);
    const ports = await executeServerCommand<{ wsPort: string }, undefined>('planship-gateways');
    const userId = `silent-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    const session = await executeServerCommand<string, object>('planship-gateway-session', { transport: 'ws', userId, plan: 'pro' });
    document.cookie = `session=${session}; path=/; SameSite=Lax`;
    const proxy = await executeServerCommand<{ port: number }, object>('planship-proxy', { gateway: true });
    const origin = (port: string | number) => `${location.protocol}//${location.hostname}:${port}`;
    const client = new PlanshipCustomer(PRODUCT, 'me', null, {
      baseUrl: `${origin(ports.wsPort)}/planship`,
      webSocketUrl: `${origin(proxy.port).replace('http', 'ws')}/planship`,
      heartbeatMs: HEARTBEAT_MS,
    });
    const provider = await fixture<PlanshipProvider>(html`<planship-provider .client=${client}>
      <planship-usage-meter lever="api-calls"></planship-usage-meter>
    </planship-provider>`);
    await waitUntil(() => provider.getAttribute('connection') === 'live' && meterValue(provider) === '0', 'live with a meter', { timeout: 5000 });

    await executeServerCommand('planship-proxy', { freeze: proxy.port });
    const frozenAt = performance.now();
    const customerId = (await executeServerCommand<{ body: { id: string } }, object>('planship-gateway-admin', { transport: 'ws', method: 'GET', path: `/api/v1/customers/${encodeURIComponent(userId)}` })).body.id;
    await executeServerCommand('planship-gateway-admin', { transport: 'ws', method: 'POST', path: `/api/v1/customers/${customerId}/products/${PRODUCT}/usage/api-calls`, body: { usage: 654 } });
    // The gateway beats every second; two heartbeat periods of the client's silence mean dead.
    await waitUntil(() => meterValue(provider) === '654', 'the meter never showed the value changed while the socket was dead', { timeout: 6 * HEARTBEAT_MS });
    console.log(`gateway: silent drop noticed and the new value shown after ${Math.round(performance.now() - frozenAt)} ms (heartbeatMs ${HEARTBEAT_MS})`);
    client.dispose();
  });

  it('after a token endpoint outage, the page is live with current numbers within 10 s of the endpoint answering', async function () {
    this.timeout(90_000);
    // A server of its own: the test drops its sockets.
    const server = await ownServer();
    const id = await createCustomer({ plan: 'pro', server });
    let down = false;
    let failures = 0;
    const getter = async () => {
      if (down) {
        failures += 1;
        throw new Error('token endpoint unavailable');
      }
      return customerToken(id, undefined, server);
    };
    const provider = await mountProvider(id, html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`, getter, PRODUCT, server);
    await waitUntil(() => provider.getAttribute('connection') === 'live' && meterValue(provider) === '0', 'live with a meter', { timeout: 5000 });

    down = true;
    await admin('POST', '/__emulator/sockets/close', {}, server);
    // Long enough for the backoff to reach its cap (7 failed attempts: about 8 to 16 s).
    await waitUntil(() => failures >= 7, 'the reconnects to keep failing', { timeout: 40_000, interval: 200 });
    expect(provider.getAttribute('connection')).to.equal('reconnecting');
    expect((await reportUsage(id, 'api-calls', 55, PRODUCT, server)).status).to.equal(200);

    down = false;
    const backAt = performance.now();
    await waitUntil(() => provider.getAttribute('connection') === 'live' && meterValue(provider) === '55', 'not back with the current numbers', { timeout: 15_000, interval: 50 });
    const recoveredMs = performance.now() - backAt;
    console.log(`back with current numbers ${Math.round(recoveredMs)} ms after the token endpoint recovered`);
    expect(recoveredMs).to.be.below(10_000);
  });
});
